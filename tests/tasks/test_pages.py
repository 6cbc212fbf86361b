from datetime import date

from tests.factories import gen_evidence, gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.audit import acting_as
from tracker.extensions import db
from tracker.people.models import Role


def test_my_tasks_lists_what_to_do_first(client, auth):
    ward = gen_unit()
    me = gen_officer(ward, full_name="Trần Thị Bình")
    other = gen_officer(ward)
    plan = gen_plan(ward)
    gen_task(plan, me, title="Việc còn hạn xa", deadline=date(2099, 12, 31))
    gen_task(plan, me, title="Việc còn hạn gần", deadline=date(2099, 1, 31))
    gen_task(plan, me, title="Việc quá hạn", deadline=date(2020, 1, 1))
    gen_task(
        plan, me, title="Việc đã xong", deadline=date(2020, 1, 1), completed_on=date(2019, 12, 1)
    )
    gen_task(plan, other, title="Việc phối hợp", supporters=[me], deadline=date(2099, 6, 1))
    gen_task(plan, other, title="Việc của người khác", deadline=date(2099, 6, 1))
    db.session.commit()
    auth.login(me)
    html = client.get("/my-tasks").get_data(as_text=True)
    order = ["Việc quá hạn", "Việc còn hạn gần", "Việc còn hạn xa", "Việc phối hợp", "Việc đã xong"]
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    assert "Việc của người khác" not in html


def test_task_page_shows_details_evidence_and_history(client, auth):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON, full_name="Lê Văn Chủ")
    lead = gen_officer(ward, full_name="Phạm Thị Dung")
    new_lead = gen_officer(ward, full_name="Võ Văn Em")
    plan = gen_plan(ward)
    with acting_as(chair.id):
        task = gen_task(
            plan,
            lead,
            title="Xây dựng kế hoạch tuyên truyền CCHC",
            deliverable="Kế hoạch",
            deadline=date(2024, 3, 15),
        )
        gen_evidence(task, "333/KH-UBND", date(2024, 3, 4), "Kế hoạch tuyên truyền CCHC năm 2024")
        task.lead_officer = new_lead
        task.deadline = date(2024, 3, 31)
        db.session.flush()
    db.session.commit()
    auth.login(lead)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Xây dựng kế hoạch tuyên truyền CCHC" in html
    assert "333/KH-UBND" in html and "04/03/2024" in html
    # history, readable: who, and before -> after with names and dd/mm/yyyy dates
    assert "Lê Văn Chủ" in html
    assert "Phạm Thị Dung → Võ Văn Em" in html
    assert "15/03/2024 → 31/03/2024" in html
