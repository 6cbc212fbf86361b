"""Merging wards into a new one (plans.merging): officers and open plans move with their
history; the old units close and keep the figures of their past dates; refused cleanly."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.appendix.service import live_table
from tracker.core.audit import AuditEvent
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.people.units import UnitInput
from tracker.plans.merging import merge_units, merged_from, preview_merge
from tracker.plans.models import Plan, PlanUnitMove
from tracker.plans.queries import plan_summaries
from tracker.tasks.models import TaskState

BEFORE = date(2025, 6, 30)
MERGER = date(2025, 7, 1)


@pytest.fixture
def wards(clock):
    clock(MERGER)
    province = gen_unit(code="khanh-hoa", name="Tỉnh Khánh Hòa", kind=UnitKind.PROVINCE)
    admin = gen_officer(province, Role.ADMIN, full_name="Quản Trị Hệ Thống")
    a = gen_unit(code="vinh-hoa", name="Phường Vĩnh Hòa", parent=province)
    b = gen_unit(code="vinh-hai", name="Phường Vĩnh Hải", parent=province)
    other = gen_unit(code="xa-khac", name="Xã Khác", parent=province, kind=UnitKind.COMMUNE)
    lead_a = gen_officer(a, full_name="Cán Bộ A")
    chair_b = gen_officer(b, Role.CHAIRPERSON, full_name="Chủ Tịch B")
    gone = gen_officer(b, full_name="Đã Nghỉ")
    gone.active = False
    running = gen_plan(a, start_year=2025, end_year=2025, document_date=date(2025, 1, 20))
    gen_task(running, lead_a, deadline=date(2025, 5, 30), completed_on=date(2025, 5, 20))
    gen_task(running, lead_a, deadline=date(2025, 6, 20))  # overdue on the merger's eve
    ended = gen_plan(b, start_year=2024, end_year=2024, document_date=date(2024, 1, 20))
    gen_task(ended, chair_b, deadline=date(2024, 6, 30), completed_on=date(2024, 6, 1))
    ended_open = gen_plan(b, title="KH 2024 còn việc", start_year=2024, end_year=2024,
                          document_date=date(2024, 2, 1))
    gen_task(ended_open, chair_b, deadline=date(2024, 12, 31), state=TaskState.IN_PROGRESS)
    db.session.commit()
    return {
        "province": province, "admin": admin, "a": a, "b": b, "other": other,
        "lead_a": lead_a, "chair_b": chair_b, "gone": gone, "running": running,
        "ended": ended, "ended_open": ended_open,
    }


def _data(w, **fields) -> UnitInput:
    return UnitInput(
        name=fields.pop("name", "Phường Bắc Nha Trang"), short_name="Bắc Nha Trang",
        kind=UnitKind.WARD, parent=fields.pop("parent", w["province"]),
    )


def test_preview_changes_nothing(app, wards):
    w = wards
    preview = preview_merge(db.session, w["admin"], [w["a"], w["b"]])
    assert [o.full_name for o in preview.officers[w["b"].id]] == ["Chủ Tịch B"]
    assert preview.moving[w["a"].id] == [w["running"]]
    assert preview.moving[w["b"].id] == [w["ended_open"]]  # ended, but a task still open
    assert preview.staying[w["b"].id] == [w["ended"]]
    assert preview.open_tasks == {w["running"].id: 1, w["ended_open"].id: 1}
    assert not db.session.dirty and not db.session.new


def test_merge_moves_officers_and_open_plans_and_closes_the_old_units(app, wards):
    w = wards
    new = merge_units(db.session, w["admin"], [w["a"], w["b"]], "bac-nha-trang", _data(w))
    db.session.commit()
    assert (new.parent_id, new.kind, new.is_open) == (w["province"].id, UnitKind.WARD, True)
    assert w["lead_a"].unit_id == new.id and w["chair_b"].unit_id == new.id
    assert w["gone"].unit_id == w["b"].id  # a former officer stays where they worked
    assert w["running"].unit_id == new.id and w["ended_open"].unit_id == new.id
    assert w["ended"].unit_id == w["b"].id
    for old in (w["a"], w["b"]):
        assert old.closed_at is not None and old.merged_into_id == new.id
    assert {u.code for u in merged_from(db.session, new)} == {"vinh-hai", "vinh-hoa"}
    moves = db.session.scalars(select(PlanUnitMove).order_by(PlanUnitMove.plan_id)).all()
    assert {(m.plan_id, m.from_unit_id, m.to_unit_id, m.moved_on) for m in moves} == {
        (w["running"].id, w["a"].id, new.id, MERGER),
        (w["ended_open"].id, w["b"].id, new.id, MERGER),
    }
    # Audited: the officers' and plans' unit changes, the units closed.
    changed = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type.in_(["officers", "plans", "units"]),
            AuditEvent.action == "update",
        )
    ).all()
    assert {(e.entity_type, e.entity_id) for e in changed} >= {
        ("officers", w["lead_a"].id), ("plans", w["running"].id), ("units", w["a"].id),
    }


def test_past_figures_stay_with_the_old_units(app, wards, clock):
    w = wards
    a_before = live_table(db.session, w["a"].id, date(2024, 12, 15), BEFORE)
    new = merge_units(db.session, w["admin"], [w["a"], w["b"]], "bac-nha-trang", _data(w))
    db.session.flush()
    clock(date(2025, 9, 1))
    # As of a date before the merger: the old ward's table and plan list are unchanged.
    a_after = live_table(db.session, w["a"].id, date(2024, 12, 15), BEFORE)
    assert a_after.values() == a_before.values()
    assert a_after["1.2.a"].value == 2 and a_after["1.2.b"].value == 1
    assert [s.plan.id for s in plan_summaries(db.session, w["a"].id, BEFORE)] == [
        w["running"].id
    ]
    assert [s.tally.total for s in plan_summaries(db.session, w["a"].id, BEFORE)] == [2]
    # The new ward did not hold it then; it does from the merger on.
    assert plan_summaries(db.session, new.id, BEFORE) == []
    assert live_table(db.session, new.id, date(2024, 12, 15), BEFORE)["1.2.a"].value == 0
    now = plan_summaries(db.session, new.id, date(2025, 9, 1))
    assert {s.plan.id for s in now} == {w["running"].id, w["ended_open"].id}
    assert live_table(db.session, new.id, date(2025, 6, 15), date(2025, 9, 1))["1.2.a"].value == 2
    assert plan_summaries(db.session, w["a"].id, date(2025, 9, 1)) == []


@pytest.mark.parametrize("case", ["one", "same_twice", "closed", "nested", "has_children"])
def test_refused_cleanly(app, wards, case):
    w = wards
    if case == "one":
        sources = [w["a"]]
    elif case == "same_twice":
        sources = [w["a"], w["a"]]
    elif case == "closed":
        w["b"].closed_at = w["b"].created_at
        sources = [w["a"], w["b"]]
    elif case == "nested":
        sources = [w["a"], w["b"], gen_unit(code="to-2", name="Tổ 2", parent=w["b"])]
    else:
        child = gen_unit(code="to-1", name="Tổ 1", parent=w["a"])
        assert child.is_open
        sources = [w["a"], w["b"]]
    with pytest.raises(Refusal) as refused:
        merge_units(db.session, w["admin"], sources, "bac-nha-trang", _data(w))
    assert "sources" in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Unit).where(
        Unit.code == "bac-nha-trang")) == 0


def test_refused_for_a_taken_code_or_a_parent_among_the_merged(app, wards):
    w = wards
    with pytest.raises(Refusal) as refused:
        merge_units(db.session, w["admin"], [w["a"], w["b"]], "xa-khac", _data(w))
    assert "code" in refused.value.errors
    with pytest.raises(Refusal) as refused:
        merge_units(db.session, w["admin"], [w["a"], w["b"]], "moi", _data(w, parent=w["a"]))
    assert "parent" in refused.value.errors


def test_only_an_administrator_above_merges(app, wards):
    w = wards
    for officer in (w["chair_b"], gen_officer(w["other"], Role.ADMIN)):
        with pytest.raises(Refusal):
            merge_units(db.session, officer, [w["a"], w["b"]], "moi", _data(w))


def test_cli_previews_then_merges(app, wards, runner):
    w = wards
    args = ["unit", "merge", "vinh-hoa", "vinh-hai", "--code", "bac-nha-trang",
            "--name", "Phường Bắc Nha Trang", "--parent", "khanh-hoa"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "plan moving" in result.output and "nothing changed" in result.output
    assert db.session.scalar(select(Unit).where(Unit.code == "bac-nha-trang")) is None
    result = runner.invoke(args=[*args, "--yes"])
    assert result.exit_code == 0, result.output
    new = db.session.scalar(select(Unit).where(Unit.code == "bac-nha-trang"))
    assert new is not None and db.session.get(Officer, w["lead_a"].id).unit_id == new.id
    again = runner.invoke(args=[*args[:-6], "--code", "khac", "--name", "Khác",
                                "--parent", "khanh-hoa", "--yes"])
    assert again.exit_code != 0 and "đã đóng" in again.output


def test_merge_page_previews_then_merges(app, client, auth, wards):
    w = wards
    auth.login(w["admin"])
    form = client.get("/units/merge").get_data(as_text=True)
    assert '<option selected value="ward">' in form  # a ward by default, not the first kind
    data = {
        "csrf_token": csrf_token(client, "/units/merge"),
        "sources": ["vinh-hoa", "vinh-hai"],
        "code": "bac-nha-trang", "name": "Phường Bắc Nha Trang", "short_name": "",
        "kind": "ward", "parent": "khanh-hoa", "preview": "1",
    }
    page = client.post("/units/merge", data=data)
    assert page.status_code == 200
    assert 'data-testid="merge-preview"' in page.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.code == "bac-nha-trang")) is None
    data.pop("preview")
    response = client.post("/units/merge", data={**data, "confirm": "1", "submit": "1"})
    assert response.status_code == 302
    page = client.get("/units/bac-nha-trang/plans").get_data(as_text=True)
    assert "Sáp nhập từ" in page and "Phường Vĩnh Hòa" in page
    old = client.get("/units/vinh-hoa/plans?as_of=2025-06-30").get_data(as_text=True)
    assert "Đã sáp nhập vào" in old and w["running"].title in old


def test_merge_page_refuses_bad_input_keeping_the_form(app, client, auth, wards):
    w = wards
    auth.login(w["admin"])
    for sources in ([], ["vinh-hoa"], ["vinh-hoa", "khong-co"], ["vinh-hoa", "\x00"]):
        data = {
            "csrf_token": csrf_token(client, "/units/merge"), "sources": sources,
            "code": "bac-nha-trang", "name": "Phường Bắc Nha Trang", "kind": "ward",
            "parent": "khanh-hoa", "confirm": "1", "submit": "1",
        }
        response = client.post("/units/merge", data=data)
        assert response.status_code in (200, 400), sources
        if response.status_code == 200:
            assert "Phường Bắc Nha Trang" in response.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.code == "bac-nha-trang")) is None
    assert db.session.scalar(select(func.count()).select_from(Plan).where(
        Plan.unit_id == w["a"].id)) == 1
