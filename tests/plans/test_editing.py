"""A plan made in the browser: new, edit, archive, its fields; audited, refused clearly."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.people.models import Role
from tracker.plans.models import Plan, PlanKind, TaskGroup
from tracker.plans.queries import plan_summaries


def plans_of(unit) -> list[Plan]:
    return list(db.session.scalars(select(Plan).where(Plan.unit_id == unit.id)))


def form_token(html: str) -> str:
    marker = 'name="form_token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def plan_post(client, path, **values):
    html = client.get(path).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, path),
        "form_token": form_token(html),
        "title": "Kế hoạch cải cách hành chính năm 2025",
        "kind": "annual_reform",
        "document_number": "15/KH-UBND",
        "document_date": "20/01/2025",
        "years": "2025",
        "appendix_row": "auto",
        "leader_id": "",
    }
    data.update(values)
    return client.post(path, data=data)


def test_the_chairperson_creates_a_plan_by_hand(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    vice = gen_officer(unit, Role.VICE_CHAIRPERSON, full_name="Lê Phó Chủ Tịch")
    db.session.commit()
    auth.login(chair)
    response = plan_post(client, f"/units/{unit.code}/plans/new", leader_id=str(vice.id))
    assert response.status_code == 302
    (plan,) = plans_of(unit)
    assert response.location.endswith(f"/plans/{plan.id}")
    assert (plan.title, plan.kind, plan.document_number, plan.document_date) == (
        "Kế hoạch cải cách hành chính năm 2025",
        PlanKind.ANNUAL_REFORM,
        "15/KH-UBND",
        date(2025, 1, 20),
    )
    assert (plan.start_year, plan.end_year, plan.appendix_row, plan.leader) == (
        2025, 2025, "1.2", vice
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "plans", AuditEvent.entity_id == plan.id)
    )
    assert (event.action, event.actor_id) == ("create", chair.id)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Lãnh đạo phụ trách: Lê Phó Chủ Tịch" in page


def test_bad_input_is_said_by_field_kept_as_typed_and_saves_nothing(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plain = gen_officer(unit, full_name="Cán Bộ Thường")
    db.session.commit()
    auth.login(chair)
    response = plan_post(
        client,
        f"/units/{unit.code}/plans/new",
        title="   ",
        kind="",
        document_number="Số <b>1</b>",
        document_date="31/02/2025",
        years="2026-2025",
        leader_id=str(plain.id),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nhập tên kế hoạch." in html
    assert "Chọn loại kế hoạch." in html
    assert "Ngày văn bản “31/02/2025” không hợp lệ (dd/mm/yyyy)." in html
    assert "Năm thực hiện “2026-2025” không hợp lệ" in html
    assert "Lãnh đạo phụ trách phải là Chủ tịch hoặc Phó Chủ tịch" in html
    assert 'value="Số &lt;b&gt;1&lt;/b&gt;"' in html and 'value="31/02/2025"' in html
    assert plans_of(unit) == []


def test_a_plan_form_sent_twice_makes_one_plan(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    db.session.commit()
    auth.login(chair)
    path = f"/units/{unit.code}/plans/new"
    html = client.get(path).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, path),
        "form_token": form_token(html),
        "title": "KH",
        "kind": "papi",
        "years": "2025",
        "appendix_row": "auto",
    }
    first = client.post(path, data=data)
    second = client.post(path, data=data)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    (plan,) = plans_of(unit)
    assert plan.appendix_row == "1.3"


def test_editing_a_plan_with_a_provincial_conclusion_kind(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit, title="Cũ", appendix_row="1.2")
    db.session.commit()
    auth.login(chair)
    path = f"/plans/{plan.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert "Kế hoạch thực hiện kết luận của Tỉnh ủy" in page
    assert 'value="Cũ"' in page
    response = plan_post(
        client, path, title="Thực hiện Kết luận 25-KL/TU", kind="conclusion_91",
        appendix_row="none", years="2024-2025", document_date=""
    )
    assert response.status_code == 302
    db.session.refresh(plan)
    assert (plan.title, plan.kind, plan.appendix_row, plan.end_year, plan.document_date) == (
        "Thực hiện Kết luận 25-KL/TU", PlanKind.CONCLUSION_91, None, 2025, None
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == plan.id, AuditEvent.action == "update")
    )
    assert event.changes["title"] == ["Cũ", "Thực hiện Kết luận 25-KL/TU"]


def test_an_archived_plan_leaves_the_lists_and_figures_and_comes_back(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit, title="Kế hoạch lưu trữ thử")
    gen_task(plan, chair, deadline=date(2024, 2, 1))
    db.session.commit()
    auth.login(chair)
    token = csrf_token(client, f"/plans/{plan.id}")
    assert client.post(f"/plans/{plan.id}/archive", data={"csrf_token": token}).status_code == 302
    db.session.refresh(plan)
    assert plan.archived_at is not None
    assert plan_summaries(db.session, unit.id, date(2024, 3, 12)) == []
    assert "Kế hoạch lưu trữ thử" not in client.get(f"/units/{unit.code}/plans").get_data(
        as_text=True
    )
    assert "Kế hoạch lưu trữ thử" in client.get(f"/units/{unit.code}/plans/archived").get_data(
        as_text=True
    )
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Kế hoạch đã được lưu trữ ngày" in page
    # Twice: refused with a message, not an error.
    again = client.post(f"/plans/{plan.id}/archive", data={"csrf_token": token},
                        follow_redirects=True)
    assert "Kế hoạch này đã được lưu trữ." in again.get_data(as_text=True)
    assert client.post(f"/plans/{plan.id}/unarchive", data={"csrf_token": token}).status_code == 302
    db.session.refresh(plan)
    assert plan.archived_at is None
    (summary,) = plan_summaries(db.session, unit.id, date(2024, 3, 12))
    assert summary.tally.total == 1
    changes = db.session.scalars(
        select(AuditEvent.changes).where(AuditEvent.entity_type == "plans",
                                         AuditEvent.entity_id == plan.id,
                                         AuditEvent.action == "update")
    ).all()
    assert [list(c) for c in changes] == [["archived_at"], ["archived_at"]]


def test_fields_renamed_reordered_moved_and_added(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit)
    a, b, c = gen_group(plan, "A"), gen_group(plan, "B"), gen_group(plan, "C")
    db.session.commit()
    auth.login(chair)
    path = f"/plans/{plan.id}/fields"
    token = csrf_token(client, path)
    names = {f"name-{a.id}": "A mới", f"name-{b.id}": "B", f"name-{c.id}": "C"}
    # Order numbers: C first.
    response = client.post(path, data={
        "csrf_token": token, **names, f"position-{a.id}": "2", f"position-{b.id}": "3",
        f"position-{c.id}": "1", "new_name": "  Chuyển đổi số  ",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert [(g.ordinal, g.name) for g in plan.groups] == [
        (1, "C"), (2, "A mới"), (3, "B"), (4, "Chuyển đổi số")
    ]
    # Move B up: it swaps with A.
    client.post(path, data={"csrf_token": token, "move": f"up-{b.id}"})
    db.session.expire_all()
    assert [g.name for g in plan.groups] == ["C", "B", "A mới", "Chuyển đổi số"]
    # A blank name: refused, named, the typed names kept, nothing saved.
    response = client.post(path, data={"csrf_token": token, f"name-{a.id}": " ",
                                       f"name-{b.id}": "B đổi tên"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lĩnh vực thứ 3: nhập tên lĩnh vực." in html
    assert 'value="B đổi tên"' in html
    db.session.expire_all()
    assert db.session.get(TaskGroup, b.id).name == "B"


def test_a_vice_chairperson_orders_fields_but_does_not_assign_overseers(client, auth):
    unit = gen_unit()
    vice = gen_officer(unit, Role.VICE_CHAIRPERSON)
    plan = gen_plan(unit)
    a, _b = gen_group(plan, "A"), gen_group(plan, "B")
    db.session.commit()
    auth.login(vice)
    path = f"/plans/{plan.id}/fields"
    assert "Chỉ Chủ tịch phân công" in client.get(path).get_data(as_text=True)
    token = csrf_token(client, path)
    assert client.post(path, data={"csrf_token": token, "move": f"down-{a.id}"}).status_code == 302
    db.session.expire_all()
    assert [g.name for g in plan.groups] == ["B", "A"]
    forged = client.post(path, data={"csrf_token": token, f"overseer-{a.id}": str(vice.id)})
    assert "Chỉ Chủ tịch phân công Phó Chủ tịch phụ trách lĩnh vực." in forged.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(TaskGroup, a.id).overseer_id is None


def test_hostile_posts_to_the_plan_pages_are_refused_clearly(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit)
    group = gen_group(plan, "A")
    db.session.commit()
    auth.login(chair)
    token = csrf_token(client, f"/plans/{plan.id}")
    hostile = {
        "csrf_token": token,
        "form_token": "x" * 64,
        "title": "🙂" * 600,
        "kind": "nope",
        "document_number": "1" * 200,
        "document_date": "2099-99-99",
        "years": "99999999999999999999",
        "appendix_row": "9.9",
        "leader_id": "99999999999999999999",
        f"name-{group.id}": "x" * 400,
        f"position-{group.id}": "-1",
        f"overseer-{group.id}": "abc",
        "move": "up-99999999999999999999",
        "new_name": "\x7f",
    }
    for path in (f"/units/{unit.code}/plans/new", f"/plans/{plan.id}/edit",
                 f"/plans/{plan.id}/next-year", f"/plans/{plan.id}/fields"):
        response = client.post(path, data=hostile)
        assert response.status_code == 200, path
    assert plans_of(unit) == [plan]
    html = client.post(f"/plans/{plan.id}/edit", data=hostile).get_data(as_text=True)
    assert "Tên kế hoạch dài quá 500 ký tự." in html
    assert "Số văn bản dài quá 100 ký tự." in html
    db.session.expire_all()
    assert plan.groups[0].name == "A"


def test_control_characters_typed_are_dropped(client, auth):
    """(A NUL is refused before any page: core.security.)"""
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit)
    db.session.commit()
    auth.login(chair)
    path = f"/plans/{plan.id}/fields"
    response = client.post(path, data={"csrf_token": csrf_token(client, path),
                                       "new_name": "Chuyển\x08 đổi số\x07"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [g.name for g in plan.groups] == ["Chuyển đổi số"]
    response = plan_post(client, f"/units/{unit.code}/plans/new", title="\x1b Kế\x7f hoạch")
    assert response.status_code == 302
    assert "Kế hoạch" in [p.title for p in plans_of(unit)]


def test_a_closed_unit_takes_no_new_plan(app):
    from tracker.core.clock import utcnow
    from tracker.core.refusals import Refusal
    from tracker.plans.editing import PlanInput, create_plan

    unit = gen_unit(name="Phường Cũ")
    unit.closed_at = utcnow()
    data = PlanInput(title="KH", kind=PlanKind.OTHER, start_year=2025, end_year=2025)
    try:
        create_plan(db.session, unit, data, None)
    except Refusal as refusal:
        assert "Đơn vị Phường Cũ đã đóng" in refusal.message
    else:
        raise AssertionError("a closed unit took a new plan")


def test_two_leaders_editing_one_plan_lose_nothing(app, client, auth):
    """The second save, started from the version before the first, is refused with who saved
    and when, the form kept as typed; saving again, knowingly, goes over."""
    from tests.conftest import AuthActions

    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Trần Chủ Tịch")
    admin = gen_officer(unit, Role.ADMIN, full_name="Lê Quản Trị")
    plan = gen_plan(unit, title="Kế hoạch ban đầu")
    db.session.commit()
    path = f"/plans/{plan.id}/edit"
    auth.login(chair)
    page = client.get(path).get_data(as_text=True)
    assert f'name="version" type="hidden" value="{plan.version}"' in page

    other = app.test_client()
    AuthActions(other).login(admin)
    assert plan_post(other, path, title="Kế hoạch do quản trị sửa").status_code == 302

    data = {
        "csrf_token": csrf_token(client, path),
        "form_token": form_token(page),
        "title": "Kế hoạch do chủ tịch sửa",
        "kind": "annual_reform",
        "document_number": "15/KH-UBND",
        "document_date": "20/01/2025",
        "years": "2025",
        "appendix_row": "auto",
        "leader_id": "",
        "version": "1",
    }
    refused = client.post(path, data=data)
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "Lê Quản Trị đã lưu thay đổi kế hoạch này" in html
    assert 'value="Kế hoạch do chủ tịch sửa"' in html
    db.session.refresh(plan)
    assert plan.title == "Kế hoạch do quản trị sửa"
    assert plan.version == 2

    data["version"] = "2"  # as the refused form now carries
    data["form_token"] = form_token(html)
    assert client.post(path, data=data).status_code == 302
    db.session.refresh(plan)
    assert (plan.title, plan.version) == ("Kế hoạch do chủ tịch sửa", 3)
