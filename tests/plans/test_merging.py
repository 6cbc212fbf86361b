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


# ---------------------------------------------------------------------------- what is carried


def _carried_world(w):
    from tracker.appendix.models import PeriodKind, PeriodState, ProvincePeriod, ReportingPeriod
    from tracker.people.models import UnitCalendarDay
    from tracker.reminders.models import ReminderSettings

    a, b = w["a"], w["b"]
    days = [
        # the same day off in both: carried once
        UnitCalendarDay(unit_id=a.id, day=date(2025, 9, 1), is_working_day=False, note="Lễ"),
        UnitCalendarDay(unit_id=b.id, day=date(2025, 9, 1), is_working_day=False),
        # a make-up working day of one of them: carried
        UnitCalendarDay(unit_id=b.id, day=date(2025, 9, 6), is_working_day=True),
        # they disagree: neither is carried, the day follows the national calendar
        UnitCalendarDay(unit_id=a.id, day=date(2025, 10, 10), is_working_day=False),
        UnitCalendarDay(unit_id=b.id, day=date(2025, 10, 10), is_working_day=True),
        # past, or withdrawn: stays with the old unit
        UnitCalendarDay(unit_id=a.id, day=date(2025, 4, 29), is_working_day=False),
        UnitCalendarDay(unit_id=a.id, day=date(2025, 12, 1), is_working_day=False,
                        archived_at=w["a"].created_at),
    ]
    # Phường Vĩnh Hải (one officer moving) sets its own rules; Phường Vĩnh Hòa (one too) not.
    rules = ReminderSettings(unit_id=b.id, days_before="5,2", overdue_every=2,
                             digest_weekday=4)
    tinh = w["province"]
    q2 = ProvincePeriod(unit_id=tinh.id, kind=PeriodKind.HALF, label="6 tháng năm 2025",
                        start=date(2024, 12, 15), end=date(2025, 6, 14),
                        due_on=date(2025, 6, 20))
    q3 = ProvincePeriod(unit_id=tinh.id, kind=PeriodKind.QUARTER, label="Quý III năm 2025",
                        start=date(2025, 6, 15), end=date(2025, 9, 14),
                        due_on=date(2025, 9, 20))
    db.session.add_all([*days, rules, q2, q3])
    db.session.flush()
    periods = [
        # 6 tháng: frozen by Vĩnh Hòa, still open in Vĩnh Hải (late): the new unit reports it
        ReportingPeriod(unit_id=a.id, kind=q2.kind, label=q2.label, start=q2.start,
                        end=q2.end, due_on=q2.due_on, province_period_id=q2.id,
                        acknowledged=[], state=PeriodState.SUBMITTED,
                        snapshot={"rows": [], "documents": []}),
        ReportingPeriod(unit_id=b.id, kind=q2.kind, label=q2.label, start=q2.start,
                        end=q2.end, due_on=q2.due_on, province_period_id=q2.id,
                        acknowledged=[]),
        # Quý III: opened by the province for both
        *[ReportingPeriod(unit_id=u.id, kind=q3.kind, label=q3.label, start=q3.start,
                          end=q3.end, due_on=q3.due_on, province_period_id=q3.id,
                          acknowledged=[]) for u in (a, b)],
    ]
    db.session.add_all(periods)
    w["a"].late_extension_counts = True
    w["b"].late_extension_counts = True
    w["b"].two_step_roles = "admin,chairperson"
    db.session.commit()
    return {"q2": q2, "q3": q3}


def test_merge_carries_calendar_reminder_rules_and_open_periods(app, wards):
    from tracker.appendix.models import ReportingPeriod
    from tracker.appendix.province import commune_reports
    from tracker.people.models import UnitCalendarDay
    from tracker.reminders.models import ReminderSettings

    w = wards
    made = _carried_world(w)
    preview = preview_merge(db.session, w["admin"], [w["a"], w["b"]], w["province"])
    assert [d.day for d in preview.calendar] == [date(2025, 9, 1), date(2025, 9, 6)]
    assert preview.calendar_conflicts == [date(2025, 10, 10)]
    lines = [line for carried in preview.carried for line in carried.lines]
    # The rules differ; both bring one officer: the first unit's, Vĩnh Hòa's (the defaults).
    assert any("theo Phường Vĩnh Hòa" in line for line in lines)
    assert any("6 tháng năm 2025, Quý III năm 2025" in line for line in lines)
    assert not db.session.new and not db.session.dirty
    new = merge_units(db.session, w["admin"], [w["a"], w["b"]], "bac-nha-trang", _data(w))
    db.session.commit()
    days = db.session.scalars(
        select(UnitCalendarDay).where(UnitCalendarDay.unit_id == new.id)
        .order_by(UnitCalendarDay.day)
    ).all()
    assert [(d.day, d.is_working_day, d.note) for d in days] == [
        (date(2025, 9, 1), False, "Lễ (từ Phường Vĩnh Hòa)"),
        (date(2025, 9, 6), True, "Theo lịch của Phường Vĩnh Hải"),
    ]
    rules = db.session.scalar(select(ReminderSettings).where(ReminderSettings.unit_id == new.id))
    # Both bring one officer: the first unit by id, Vĩnh Hòa, kept the defaults.
    assert rules is None
    assert (new.late_extension_counts, new.two_step_roles) == (True, "admin,chairperson")
    periods = db.session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.unit_id == new.id)
        .order_by(ReportingPeriod.end)
    ).all()
    assert [(p.label, p.province_period_id, p.due_on, p.state.value) for p in periods] == [
        ("6 tháng năm 2025", made["q2"].id, date(2025, 6, 20), "open"),
        ("Quý III năm 2025", made["q3"].id, date(2025, 9, 20), "open"),
    ]
    # The province collects the new ward's report; the old wards' stay listed with theirs.
    reports = {r.unit.code: r for r in commune_reports(db.session, made["q3"])}
    assert reports["bac-nha-trang"].period.id == periods[1].id
    assert {"vinh-hoa", "vinh-hai"} <= set(reports)
    # Audited: every row carried is a created row with its actor.
    created = {
        (e.entity_type, e.entity_id)
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create"))
    }
    assert {("unit_calendar_days", d.id) for d in days} <= created
    assert {("reporting_periods", p.id) for p in periods} <= created


def test_merge_takes_the_reminder_rules_of_the_unit_bringing_most_officers(app, wards):
    from tracker.reminders.models import ReminderSettings

    w = wards
    _carried_world(w)
    gen_officer(w["b"], full_name="Cán Bộ B Hai")  # Vĩnh Hải now brings two
    db.session.commit()
    new = merge_units(db.session, w["admin"], [w["a"], w["b"]], "bac-nha-trang", _data(w))
    db.session.flush()
    rules = db.session.scalar(select(ReminderSettings).where(ReminderSettings.unit_id == new.id))
    assert (rules.days_before, rules.overdue_every, rules.digest_weekday) == ("5,2", 2, 4)
    created = db.session.scalar(select(AuditEvent).where(
        AuditEvent.entity_type == "reminder_settings", AuditEvent.entity_id == rules.id))
    assert created is not None and created.action == "create"


def test_new_units_dashboard_before_the_merger_sums_the_old_units(app, client, auth, wards,
                                                                  clock):
    w = wards
    # Vĩnh Hải's running plan as well: both wards' figures go into the new one.
    b_running = gen_plan(w["b"], start_year=2025, end_year=2025, document_date=date(2025, 2, 1))
    gen_task(b_running, w["chair_b"], deadline=date(2025, 3, 30),
             completed_on=date(2025, 4, 2))  # late
    db.session.commit()
    a_before = plan_summaries(db.session, w["a"].id, BEFORE)
    b_before = plan_summaries(db.session, w["b"].id, BEFORE)
    new = merge_units(db.session, w["admin"], [w["a"], w["b"]], "bac-nha-trang", _data(w))
    db.session.commit()
    clock(date(2025, 9, 1))
    # The old units' figures of that date are unchanged.
    assert [(s.plan.id, s.tally.total, s.tally.done) for s in
            plan_summaries(db.session, w["a"].id, BEFORE)] == [
        (s.plan.id, s.tally.total, s.tally.done) for s in a_before]
    assert [(s.plan.id, s.tally.total) for s in plan_summaries(db.session, w["b"].id, BEFORE)] == [
        (s.plan.id, s.tally.total) for s in b_before]
    from tracker.dashboard.queries import build_dashboard

    board = build_dashboard(db.session, new, as_of=BEFORE, today=date(2025, 9, 1))
    old_total = sum(s.tally.total for s in (*a_before, *b_before) if s.plan.id != w["ended"].id)
    assert board.overall_as_of.total == old_total == 4
    assert board.overall_as_of.done == 2
    chair = gen_officer(new, Role.CHAIRPERSON, full_name="Chủ Tịch Mới")
    db.session.commit()
    auth.login(chair)
    page = client.get("/units/bac-nha-trang/dashboard?as_of=30/06/2025").get_data(as_text=True)
    assert 'data-testid="before-merger"' in page
    assert "/units/vinh-hoa/plans?as_of=2025-06-30" in page
    today_page = client.get("/units/bac-nha-trang/dashboard").get_data(as_text=True)
    assert 'data-testid="before-merger"' not in today_page
