from datetime import date

from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role


def _ward_with_plan(n_tasks: int):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    officers = [gen_officer(ward) for _ in range(3)]
    plan = gen_plan(ward, title="Kế hoạch CCHC năm 2024", document_number="39/QĐ-UBND")
    groups = [gen_group(plan, f"Lĩnh vực {i}") for i in range(1, 4)]
    for i in range(n_tasks):
        gen_task(
            plan,
            officers[i % 3],
            group=groups[i % 3],
            supporters=[officers[(i + 1) % 3]],
            deadline=date(2024, 3, 1) if i % 2 else date(2024, 12, 31),
            completed_on=date(2024, 2, 20) if i % 4 == 0 else None,
            ordinal=i + 1,
        )
    db.session.commit()
    return ward, chair, plan


def test_plan_list_shows_counts_and_rate(client, auth):
    ward, chair, _plan = _ward_with_plan(8)  # tasks 0 and 4 done: 2 of 8 = 25,0 %
    auth.login(chair)
    html = client.get(f"/units/{ward.code}/plans?as_of=12/03/2024").get_data(as_text=True)
    assert "Kế hoạch CCHC năm 2024" in html
    assert "25,0%" in html
    assert "12/03/2024" in html


def test_plan_page_groups_tasks_with_status(client, auth):
    _ward, chair, plan = _ward_with_plan(6)
    auth.login(chair)
    html = client.get(f"/plans/{plan.id}?as_of=2024-03-12").get_data(as_text=True)
    assert html.count('class="group-row"') == 3
    assert "Hoàn thành đúng hạn" in html
    assert "Quá hạn, chưa hoàn thành" in html
    assert "01/03/2024" in html


def test_bad_as_of_is_said_not_fatal(client, auth):
    _ward, chair, plan = _ward_with_plan(2)
    auth.login(chair)
    response = client.get(f"/plans/{plan.id}?as_of=31/02/2024")
    assert response.status_code == 200
    assert "không hợp lệ" in response.get_data(as_text=True)


def test_unknown_ids_are_404(client, auth):
    _ward, chair, _plan = _ward_with_plan(1)
    auth.login(chair)
    for path in (
        "/plans/999999",
        "/plans/99999999999999999999",
        "/plans/abc",
        "/tasks/0",
        "/units/khong-co/plans",
        "/units/khong-co/officers",
        "/evidence/5/file",
    ):
        assert client.get(path).status_code == 404, path


def test_plan_page_query_count_does_not_grow(client, auth, count_queries):
    small_ward, chair_small, small = _ward_with_plan(5)
    big_ward, chair_big, big = _ward_with_plan(60)
    counts = []
    for chair, plan, ward in ((chair_small, small, small_ward), (chair_big, big, big_ward)):
        auth.logout()
        auth.login(chair)
        row = []
        for path in (
            f"/plans/{plan.id}",
            f"/units/{ward.code}/plans",
            f"/units/{ward.code}/officers",
            "/my-tasks",
        ):
            with count_queries() as q:
                assert client.get(path).status_code == 200
            row.append(q.count)
        counts.append(row)
    assert counts[0] == counts[1]
