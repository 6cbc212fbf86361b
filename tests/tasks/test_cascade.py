"""A province issues one task to many communes at once (tasks.cascade): one parent in its own
plan of tasks assigned down, one ordinary child in each commune's plan of tasks assigned by a
higher level; the parent follows its children; a deadline moved on the parent moves the
children that never moved their own; row 1.6 of Phụ lục 1 counts the children."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, session_csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.appendix.service import live_table
from tracker.core.audit import AuditEvent
from tracker.core.refusals import Refusal
from tracker.core.status import DeadlineClass
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.cascade import children_of, issue_task
from tracker.tasks.models import DeadlineChange, Notification, Task, TaskState
from tracker.tasks.operations import TaskInput, save_task


@pytest.fixture
def province(clock):
    clock(date(2026, 3, 2))
    tinh = gen_unit(code="khanh-hoa", name="Tỉnh Khánh Hòa", kind=UnitKind.PROVINCE)
    leader = gen_officer(tinh, Role.CHAIRPERSON, full_name="Chủ Tịch Tỉnh")
    follower = gen_officer(tinh, full_name="Cán Bộ Sở Nội Vụ")
    communes = [
        gen_unit(code=f"xa-{n}", name=f"Xã {name}", parent=tinh, kind=UnitKind.COMMUNE)
        for n, name in enumerate(("An", "Bình", "Cam"), 1)
    ]
    chairs = [gen_officer(c, Role.CHAIRPERSON, full_name=f"Chủ Tịch {c.name}") for c in communes]
    officers = [gen_officer(c, full_name=f"Công Chức {c.name}") for c in communes]
    # Xã Bình already keeps its plan of tasks assigned by a higher level this year.
    existing = gen_plan(
        communes[1], PlanKind.ASSIGNED_BY_HIGHER_LEVEL, title="Cấp trên giao 2026",
        appendix_row="1.6", start_year=2026, end_year=2026, document_date=date(2026, 1, 5),
    )
    gen_task(existing, officers[1], deadline=date(2026, 2, 1), ordinal=1)
    closed = gen_unit(code="xa-dong", name="Xã Đóng", parent=tinh, kind=UnitKind.COMMUNE)
    closed.closed_at = closed.created_at
    db.session.commit()
    return {
        "unit": tinh, "leader": leader, "follower": follower, "communes": communes,
        "chairs": chairs, "officers": officers, "existing": existing, "closed": closed,
    }


def _input(p, **fields) -> TaskInput:
    return TaskInput(
        title=fields.pop("title", "Rà soát thủ tục hành chính sau sáp nhập"),
        deliverable=fields.pop("deliverable", "Báo cáo kết quả rà soát"),
        lead_officer_id=p["follower"].id,
        confirmer_id=p["leader"].id,
        deadline=fields.pop("deadline", date(2026, 4, 28)),
        **fields,
    )


def _issue(p, units=None, **fields):
    ids = [u.id for u in (units or p["communes"])]
    return issue_task(db.session, p["unit"], _input(p, **fields), ids, p["leader"])


def test_one_parent_and_one_ordinary_child_in_each_commune(app, province):
    p = province
    result = _issue(p)
    parent = result.parent
    assert parent.plan.kind is PlanKind.ASSIGNED_TO_LOWER_LEVEL
    assert parent.plan.unit_id == p["unit"].id
    assert (parent.lead_officer_id, parent.confirmer_id) == (p["follower"].id, p["leader"].id)
    children = db.session.scalars(
        select(Task).where(Task.parent_task_id == parent.id).order_by(Task.id)
    ).all()
    assert [c.plan.unit_id for c in children] == [c.id for c in p["communes"]]
    for child, chair in zip(children, p["chairs"], strict=True):
        assert child.plan.kind is PlanKind.ASSIGNED_BY_HIGHER_LEVEL
        assert child.plan.appendix_row == "1.6"
        assert (child.title, child.deliverable, child.deadline) == (
            parent.title, parent.deliverable, date(2026, 4, 28)
        )
        # The commune's chairperson names the lead; they confirm until they name another.
        assert child.lead_officer_id is None and child.confirmer_id == chair.id
        assert child.entered_on == date(2026, 3, 2)
    # Xã Bình's existing plan is used (next STT); the others get one for the year.
    assert children[1].plan_id == p["existing"].id and children[1].ordinal == 2
    assert children[0].plan.title == "Nhiệm vụ cấp trên giao năm 2026"
    assert children[0].ordinal == 1
    notices = db.session.scalars(select(Notification).where(Notification.kind == "issued")).all()
    assert sorted(n.officer_id for n in notices) == sorted(c.id for c in p["chairs"])
    # Every task created is audited like any other.
    audited = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "tasks", AuditEvent.entity_id.in_([c.id for c in children])
        )
    )
    assert audited == 3


def test_issuing_again_uses_the_same_plans(app, province):
    p = province
    _issue(p)
    second = _issue(p, title="Báo cáo tình hình sau sáp nhập")
    plans = {c.plan_id for c in second.children}
    count = db.session.scalar(
        select(func.count()).select_from(Plan).where(
            Plan.kind == PlanKind.ASSIGNED_BY_HIGHER_LEVEL
        )
    )
    assert count == 3 and len(plans) == 3
    assert second.parent.plan_id == _issue(p, title="Lần ba").parent.plan_id


@pytest.mark.parametrize(
    "change, field",
    [
        ({"units": []}, "unit_ids"),
        ({"title": ""}, "title"),
        ({"deliverable": ""}, "deliverable"),
        ({"deadline": None}, "deadline"),
    ],
)
def test_refused_whole_without_its_five_clears_or_communes(app, province, change, field):
    p = province
    before = db.session.scalar(select(func.count()).select_from(Task))
    units = change.pop("units", None)
    with pytest.raises(Refusal) as refused:
        if units is not None:
            issue_task(db.session, p["unit"], _input(p), [], p["leader"])
        else:
            _issue(p, **change)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Task)) == before


def test_closed_or_foreign_units_are_refused(app, province):
    p = province
    stranger = gen_unit(code="xa-la", name="Xã Lạ", kind=UnitKind.COMMUNE)
    for unit in (p["closed"], stranger):
        with pytest.raises(Refusal) as refused:
            _issue(p, units=[p["communes"][0], unit])
        assert "unit_ids" in refused.value.errors


def test_only_the_provinces_assigners_issue(app, province):
    p = province
    for officer in (p["follower"], p["chairs"][0]):
        with pytest.raises(Refusal):
            issue_task(db.session, p["unit"], _input(p), [p["communes"][0].id], officer)


def test_parent_counts_done_communes_laggards_first(app, province, clock):
    p = province
    result = _issue(p)
    _an, binh, cam = sorted(result.children, key=lambda c: c.plan.unit.name)
    binh.state, binh.completed_on = TaskState.DONE, date(2026, 4, 20)
    cam.state, cam.completed_on = TaskState.DONE, date(2026, 5, 3)  # late
    db.session.flush()
    children = children_of(db.session, result.parent, date(2026, 5, 4))
    assert (children.done, children.total) == (2, 3)
    assert [(r.task.plan.unit.name, r.status) for r in children.rows] == [
        ("Xã An", DeadlineClass.OPEN_OVERDUE),
        ("Xã Cam", DeadlineClass.DONE_LATE),
        ("Xã Bình", DeadlineClass.DONE_ON_TIME),
    ]


def test_moving_the_parent_moves_children_that_kept_its_deadline(app, province, clock):
    p = province
    result = _issue(p)
    an, binh, cam = sorted(result.children, key=lambda c: c.plan.unit.name)
    # Xã Bình's chairperson assigns and moves its own deadline; Xã Cam is already done.
    clock(date(2026, 3, 10))
    save_task(
        db.session, binh.plan,
        TaskInput(
            title=binh.title, deliverable=binh.deliverable, lead_officer_id=p["officers"][1].id,
            confirmer_id=p["chairs"][1].id, deadline=date(2026, 4, 15),
            deadline_reason="Xã làm sớm",
        ),
        p["chairs"][1], task=binh,
    )
    cam.state, cam.completed_on = TaskState.DONE, date(2026, 3, 9)
    db.session.flush()
    clock(date(2026, 3, 20))
    parent = result.parent
    save_task(
        db.session, parent.plan,
        TaskInput(
            title=parent.title, deliverable=parent.deliverable,
            lead_officer_id=p["follower"].id, confirmer_id=p["leader"].id,
            deadline=date(2026, 5, 29), deadline_reason="Theo Công văn 12/UBND",
        ),
        p["leader"], task=parent,
    )
    db.session.flush()
    assert [t.deadline for t in (parent, an, binh, cam)] == [
        date(2026, 5, 29), date(2026, 5, 29), date(2026, 4, 15), date(2026, 4, 28)
    ]
    moved = db.session.scalars(
        select(DeadlineChange).where(DeadlineChange.task_id == an.id)
    ).one()
    own = db.session.scalars(
        select(DeadlineChange).where(DeadlineChange.task_id == parent.id)
    ).one()
    assert moved.followed_change_id == own.id
    assert (moved.old_deadline, moved.new_deadline, moved.reason) == (
        date(2026, 4, 28), date(2026, 5, 29), "Theo Công văn 12/UBND"
    )
    assert an.deadline_history == [[None, "2026-04-28"], ["2026-03-20", "2026-05-29"]]
    # A move it followed is not a move of its own: the next one on the parent moves it again.
    save_task(
        db.session, parent.plan,
        TaskInput(
            title=parent.title, deliverable=parent.deliverable,
            lead_officer_id=p["follower"].id, confirmer_id=p["leader"].id,
            deadline=date(2026, 6, 30),
        ),
        p["leader"], task=parent,
    )
    assert an.deadline == date(2026, 6, 30) and binh.deadline == date(2026, 4, 15)


def test_row_1_6_counts_the_children_with_the_four_classes(app, province, clock):
    p = province
    first = _issue(p, deadline=date(2026, 3, 31))
    second = _issue(p, title="Nhiệm vụ hai", deadline=date(2026, 6, 30))
    commune = p["communes"][0]
    mine = [c for c in (*first.children, *second.children) if c.plan.unit_id == commune.id]
    mine[0].state, mine[0].completed_on = TaskState.DONE, date(2026, 4, 2)  # late
    db.session.flush()
    table = live_table(db.session, commune.id, date(2025, 12, 15), date(2026, 6, 14))
    assert [table[k].value for k in ("1.6.a", "1.6.b", "1.6.c", "1.6.d")] == [2, 0, 1, 0]
    table = live_table(db.session, commune.id, date(2025, 12, 15), date(2026, 9, 14))
    assert [table[k].value for k in ("1.6.a", "1.6.b", "1.6.c", "1.6.d")] == [2, 0, 1, 1]
    # Xã Bình's own earlier task counts beside the issued ones.
    binh = live_table(db.session, p["communes"][1].id, date(2025, 12, 15), date(2026, 6, 14))
    assert binh["1.6.a"].value == 3


# ---------------------------------------------------------------------------- pages


def _form(client, **fields):
    data = {
        "csrf_token": csrf_token(client, "/units/khanh-hoa/issue"),
        "title": "Rà soát thủ tục hành chính sau sáp nhập",
        "deliverable": "Báo cáo kết quả rà soát",
        "deadline": "28/04/2026",
        "lead_officer_id": "",
        "confirmer_id": "",
        "all_units": "all",
    }
    data.update(fields)
    return data


def test_issue_page_issues_to_all_and_shows_the_parent(app, client, auth, province):
    p = province
    auth.login(p["leader"])
    page = client.get("/units/khanh-hoa/issue")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Xã An" in text and "Xã Đóng" not in text
    response = client.post(
        "/units/khanh-hoa/issue",
        data=_form(
            client, lead_officer_id=str(p["follower"].id), confirmer_id=str(p["leader"].id)
        ),
    )
    assert response.status_code == 302
    parent_page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "0/3 xã đã hoàn thành" in parent_page
    assert parent_page.count('data-testid="commune-row"') == 3


def test_issue_page_keeps_bad_input_and_saves_nothing(app, client, auth, province):
    p = province
    auth.login(p["leader"])
    before = db.session.scalar(select(func.count()).select_from(Task))
    for fields in (
        {"title": "", "lead_officer_id": str(p["follower"].id)},
        {"all_units": "chosen", "deliverable": "Báo cáo giữ nguyên"},
        {"all_units": "chosen", "unit_ids": ["abc"]},
        {"all_units": "chosen", "unit_ids": [str(p["closed"].id)]},
        {"deadline": "31/02/2026"},
    ):
        response = client.post("/units/khanh-hoa/issue", data=_form(client, **fields))
        assert response.status_code == 200, fields
        text = response.get_data(as_text=True)
        assert "Báo cáo" in text  # the form as typed
    assert db.session.scalar(select(func.count()).select_from(Task)) == before


def test_commune_chair_assigns_the_child_and_officer_sees_the_parent_link(
    app, client, auth, province
):
    p = province
    result = _issue(p)
    db.session.commit()
    child = next(c for c in result.children if c.plan.unit_id == p["communes"][0].id)
    auth.login(p["chairs"][0])
    page = client.get(f"/tasks/{child.id}").get_data(as_text=True)
    assert "Nhiệm vụ do Tỉnh Khánh Hòa giao" in page and "Chọn người chủ trì" in page
    # A commune's chairperson may not issue for the province.
    assert client.get("/units/khanh-hoa/issue").status_code == 403


def test_a_whole_plan_issued_makes_each_open_task_a_parent(app, province):
    from tracker.tasks.cascade import issue_plan

    p = province
    own = gen_plan(p["unit"], start_year=2026, end_year=2026, document_date=date(2026, 1, 10))
    first = gen_task(own, p["follower"], deadline=date(2026, 5, 29), ordinal=1)
    second = gen_task(own, p["follower"], deadline=date(2026, 6, 30), ordinal=2)
    gen_task(own, p["follower"], completed_on=date(2026, 2, 1), ordinal=3)  # done: not issued
    children = issue_plan(db.session, own, [c.id for c in p["communes"]], p["leader"])
    assert len(children) == 6
    assert {c.parent_task_id for c in children} == {first.id, second.id}
    assert {c.deadline for c in children if c.parent_task_id == second.id} == {date(2026, 6, 30)}
    # Issued once: a second time finds nothing left to issue.
    with pytest.raises(Refusal):
        issue_plan(db.session, own, [p["communes"][0].id], p["leader"])


def test_children_are_reminded_like_the_communes_own_tasks(app, province, clock):
    from tracker.reminders.selection import select_due

    p = province
    result = _issue(p, deadline=date(2026, 3, 31))
    an = next(c for c in result.children if c.plan.unit_id == p["communes"][0].id)
    an.lead_officer_id = p["officers"][0].id  # named by the commune's chairperson
    db.session.commit()
    overdue = date(2026, 4, 20)
    dues = select_due(db.session, overdue).dues
    mine = {(d.recipient_id, d.role.value) for d in dues if d.task_id == an.id}
    assert (p["officers"][0].id, "lead") in mine
    # A commune whose chairperson has not named a lead yet: the chairperson hears of it.
    binh = next(c for c in result.children if c.plan.unit_id == p["communes"][1].id)
    assert {d.recipient_id for d in dues if d.task_id == binh.id} <= {p["chairs"][1].id}
    # The province's own follower hears of the parent only, not of the communes' copies.
    assert all(d.recipient_id != p["follower"].id for d in dues if d.task_id != result.parent.id)


# ---------------------------------------------------------------------------- a whole plan


@pytest.fixture
def province_plan(province):
    p = province
    own = gen_plan(p["unit"], title="Kế hoạch CCHC tỉnh 2026", start_year=2026, end_year=2026,
                   document_date=date(2026, 1, 10))
    first = gen_task(own, p["follower"], deadline=date(2026, 5, 29), ordinal=1,
                     title="Rà soát thủ tục")
    second = gen_task(own, p["follower"], deadline=date(2026, 6, 30), ordinal=2,
                      title="Số hóa hồ sơ")
    gen_task(own, p["follower"], completed_on=date(2026, 2, 1), ordinal=3)  # done: left out
    db.session.commit()
    return {**p, "plan": own, "tasks": [first, second]}


def _plan_form(client, plan, **fields):
    data = {
        "csrf_token": csrf_token(client, f"/plans/{plan.id}/issue"),
        "all_units": "all",
        "preview": "Xem trước",
    }
    data.update(fields)
    return data


def _count(model=Task):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_whole_plan_is_previewed_then_issued_on_confirmation(
    app, client, auth, province_plan
):
    p = province_plan
    plan = p["plan"]
    auth.login(p["leader"])
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="issue-plan-link"' in detail
    page = client.get(f"/plans/{plan.id}/issue").get_data(as_text=True)
    assert "Rà soát thủ tục" in page and "Số hóa hồ sơ" in page and "Xã Đóng" not in page
    before = _count()
    # The preview says what will be created and creates nothing.
    shown = client.post(f"/plans/{plan.id}/issue", data=_plan_form(client, plan))
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Sẽ tạo 6 nhiệm vụ: 2 nhiệm vụ × 3 xã, phường." in text
    # Xã An and Xã Cam have no plan of tasks from above this year; Xã Bình has one.
    assert "2 xã, phường chưa có kế hoạch" in text
    assert "1 nhiệm vụ khác của kế hoạch không được giao" in text
    assert _count() == before
    confirm = text.split('name="confirm" type="hidden" value="')[1].split('"')[0]
    done = client.post(
        f"/plans/{plan.id}/issue",
        data=_plan_form(client, plan, confirm=confirm, preview="", submit="Xác nhận"),
    )
    assert done.status_code == 302 and done.location.endswith(f"/plans/{plan.id}")
    assert _count() == before + 6
    children = db.session.scalars(
        select(Task).where(Task.parent_task_id.in_([t.id for t in p["tasks"]]))
    ).all()
    assert sorted((c.parent_task_id, c.plan.unit_id) for c in children) == sorted(
        (t.id, u.id) for t in p["tasks"] for u in p["communes"]
    )
    # Every task created is audited, by the leader who issued them.
    audited = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "tasks", AuditEvent.action == "create",
            AuditEvent.entity_id.in_([c.id for c in children]),
        )
    ).all()
    assert len(audited) == 6 and {e.actor_id for e in audited} == {p["leader"].id}
    parent = client.get(f"/tasks/{p['tasks'][0].id}").get_data(as_text=True)
    assert "0/3 xã đã hoàn thành" in parent
    # Nothing is left to issue: the page says so, and a second confirmation creates nothing.
    again = client.get(f"/plans/{plan.id}/issue").get_data(as_text=True)
    assert 'data-testid="nothing-to-issue"' in again
    client.post(
        f"/plans/{plan.id}/issue",
        data=_plan_form(client, plan, confirm=confirm, preview="", submit="Xác nhận"),
    )
    assert _count() == before + 6


def test_a_whole_plan_to_chosen_communes(app, client, auth, province_plan):
    p = province_plan
    plan = p["plan"]
    auth.login(p["leader"])
    an = p["communes"][0]
    fields = {"all_units": "chosen", "unit_ids": [str(an.id)]}
    text = client.post(
        f"/plans/{plan.id}/issue", data=_plan_form(client, plan, **fields)
    ).get_data(as_text=True)
    assert "Sẽ tạo 2 nhiệm vụ: 2 nhiệm vụ × 1 xã, phường." in text
    confirm = text.split('name="confirm" type="hidden" value="')[1].split('"')[0]
    client.post(
        f"/plans/{plan.id}/issue",
        data=_plan_form(client, plan, confirm=confirm, preview="", submit="1", **fields),
    )
    units = db.session.scalars(
        select(Plan.unit_id).join(Task, Task.plan_id == Plan.id).where(
            Task.parent_task_id.is_not(None)
        )
    ).all()
    assert units == [an.id, an.id]


def test_a_whole_plan_refuses_bad_input_and_creates_nothing(app, client, auth, province_plan):
    p = province_plan
    plan = p["plan"]
    auth.login(p["leader"])
    before = _count()
    preview = client.post(f"/plans/{plan.id}/issue", data=_plan_form(client, plan))
    confirm = preview.get_data(as_text=True).split(
        'name="confirm" type="hidden" value="')[1].split('"')[0]
    cases = [
        ({"all_units": "chosen"}, "Chọn ít nhất một xã, phường"),
        ({"all_units": "chosen", "unit_ids": ["abc"]}, "Chưa giao"),
        ({"all_units": "chosen", "unit_ids": [str(p["closed"].id)]}, "đã đóng"),
        ({"all_units": "chosen", "unit_ids": ["999999"]}, "đã đóng"),
        # Confirmed, but not what the preview showed: shown again, not issued.
        ({"all_units": "chosen", "unit_ids": [str(p["communes"][0].id)], "confirm": confirm,
          "preview": "", "submit": "1"}, "Danh sách đã thay đổi"),
        ({"confirm": "forged", "preview": "", "submit": "1"}, "Danh sách đã thay đổi"),
    ]
    for fields, message in cases:
        response = client.post(f"/plans/{plan.id}/issue", data=_plan_form(client, plan, **fields))
        assert response.status_code == 200, fields
        assert message in response.get_data(as_text=True), fields
    assert _count() == before
    # An archived plan is not issued; a plan of a commune has nothing to issue it to.
    plan.archived_at = plan.created_at
    db.session.commit()
    response = client.post(f"/plans/{plan.id}/issue", data=_plan_form(client, plan))
    assert "Kế hoạch đã được lưu trữ" in response.get_data(as_text=True)
    assert _count() == before
    assert client.get("/plans/999999/issue").status_code == 404


def test_a_whole_plan_only_by_the_provinces_assigners(app, client, auth, province_plan):
    p = province_plan
    for officer in (p["follower"], p["chairs"][0]):
        auth.login(officer)
        assert client.get(f"/plans/{p['plan'].id}/issue").status_code == 403
        with pytest.raises(Refusal):
            from tracker.tasks.cascade import issue_plan

            issue_plan(db.session, p["plan"], [p["communes"][0].id], officer)
        auth.logout()


# ---------------------------------------------------------------------------- closing a parent


def _done(child, day, number=None):
    from tracker.tasks.models import Evidence

    child.state, child.completed_on = TaskState.DONE, day
    if number:
        db.session.add(Evidence(task=child, document_number=number, document_date=day,
                                summary="Báo cáo kết quả"))
    db.session.flush()


def test_the_parent_is_closed_by_its_leader_once_every_commune_is_done(app, province, clock):
    from tracker.tasks.cascade import close_parent, may_close
    from tracker.tasks.models import TaskNote

    p = province
    result = _issue(p)
    parent = result.parent
    an, binh, cam = sorted(result.children, key=lambda c: c.plan.unit.name)
    _done(an, date(2026, 4, 10), "12/BC-UBND")
    _done(binh, date(2026, 4, 20), "7/BC-UBND")
    clock(date(2026, 5, 4))
    children = children_of(db.session, parent, date(2026, 5, 4))
    # Two of three done: the parent stays open and cannot be closed yet.
    assert not may_close(db.session, parent, children, p["leader"])
    with pytest.raises(Refusal) as refused:
        close_parent(db.session, parent, p["leader"])
    assert "Còn 1 trên 3 xã" in str(refused.value.errors)
    assert parent.state.is_open
    _done(cam, date(2026, 5, 3))  # late, and without a document
    children = children_of(db.session, parent, date(2026, 5, 4))
    assert may_close(db.session, parent, children, p["leader"])
    # Not who may not confirm the province's tasks: its follower, a commune's chairperson.
    for officer in (p["follower"], p["chairs"][0]):
        assert not may_close(db.session, parent, children, officer)
        with pytest.raises(Refusal):
            close_parent(db.session, parent, officer)
    from tracker.core.audit import acting_as

    with acting_as(p["leader"].id):  # a request's officer, as the page does
        close_parent(db.session, parent, p["leader"])
        db.session.commit()
    # Done on the day the last commune finished: after the deadline, so late.
    assert (parent.state, parent.completed_on, parent.confirmed_on) == (
        TaskState.DONE, date(2026, 5, 3), date(2026, 5, 4)
    )
    from tracker.core.status import deadline_class

    assert deadline_class(parent, date(2026, 5, 4)) is DeadlineClass.DONE_LATE
    note = db.session.scalars(select(TaskNote).where(TaskNote.task_id == parent.id)).one()
    assert note.author_id == p["leader"].id
    assert "Xã An: 12/BC-UBND ngày 10/04/2026" in note.body
    assert "Xã Cam: không có văn bản" in note.body
    changed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "tasks", AuditEvent.entity_id == parent.id,
        AuditEvent.action == "update",
    )).all()
    assert any("state" in e.changes and e.actor_id == p["leader"].id for e in changed)
    # Closed once: a second time is refused.
    with pytest.raises(Refusal):
        close_parent(db.session, parent, p["leader"])


def test_the_parent_page_offers_closing_only_when_all_are_done(app, client, auth, province,
                                                                clock):
    p = province
    result = _issue(p)
    for child in result.children[:2]:
        _done(child, date(2026, 4, 1))
    db.session.commit()
    clock(date(2026, 4, 2))
    auth.login(p["leader"])
    url = f"/tasks/{result.parent.id}"
    page = client.get(url).get_data(as_text=True)
    assert "2/3 xã đã hoàn thành" in page and 'data-testid="close-issued"' not in page
    # Posted anyway (an old page): refused with the reason, nothing changes.
    token = csrf_token(client, url)
    response = client.post(f"{url}/close-issued", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Còn 1 trên 3 xã, phường chưa hoàn thành" in response.get_data(as_text=True)
    assert db.session.get(Task, result.parent.id).state.is_open
    _done(result.children[2], date(2026, 4, 2))
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="close-issued"' in page
    response = client.post(f"{url}/close-issued", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert db.session.get(Task, result.parent.id).state is TaskState.DONE
    assert client.post(f"{url}/close-issued", data={}).status_code == 400  # no CSRF token
    # A commune's chairperson may not close the province's task.
    auth.logout()
    auth.login(p["chairs"][0])
    refused = client.post(f"{url}/close-issued",
                          data={"csrf_token": session_csrf_token(client)})
    assert refused.status_code == 403, refused.location


def test_a_whole_plan_issues_only_what_was_previewed(app, province_plan):
    """A task added between the preview and the confirmation: refused, nothing created."""
    from tracker.tasks.cascade import issue_plan, preview_issue_plan

    p = province_plan
    ids = [c.id for c in p["communes"]]
    shown = preview_issue_plan(db.session, p["plan"], ids, p["leader"])
    gen_task(p["plan"], p["follower"], deadline=date(2026, 7, 31), ordinal=4)
    db.session.commit()
    before = _count()
    with pytest.raises(Refusal):
        issue_plan(db.session, p["plan"], ids, p["leader"], [t.id for t in shown.tasks])
    db.session.rollback()
    assert _count() == before
