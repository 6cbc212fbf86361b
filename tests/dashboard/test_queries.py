from datetime import date
from decimal import Decimal

from tests.dashboard.world import REPORT_DATE, build_world
from tracker.core.status import tally
from tracker.dashboard.queries import build_dashboard, done_on, progress_series
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.queries import status_rows


def test_plan_figures_as_of_the_report_date(app):
    w = build_world()
    data = build_dashboard(db.session, w.ward, as_of=REPORT_DATE, today=date(2024, 5, 1))
    annual, papi = data.plans
    assert (annual.plan.id, papi.plan.id) == (w.annual.id, w.papi.id)  # appendix row order

    t = annual.as_of
    assert (t.total, t.done_on_time, t.done_late, t.open_overdue, t.open_on_time) == (6, 1, 1, 1, 3)
    assert t.completion_rate == Decimal("33.3")  # 2 of 6
    assert (t.done_of_due, t.due, t.due_completion_rate) == (2, 3, Decimal("66.7"))
    assert t.on_time_rate == Decimal("50.0")

    # "today" (01/05/2024): t6 done on time since 10/04, t4 overdue since 21/03
    t = annual.today
    assert (t.done_on_time, t.done_late, t.open_overdue, t.open_on_time) == (2, 1, 2, 1)
    assert (t.completion_rate, t.due_completion_rate, t.on_time_rate) == (
        Decimal("50.0"),
        Decimal("50.0"),
        Decimal("66.7"),
    )

    # PAPI: the monthly task is open on time, nothing of it due yet as a whole
    assert (papi.as_of.total, papi.as_of.open_on_time, papi.as_of.due) == (2, 2, 0)
    assert papi.as_of.due_completion_rate is None  # nothing due: "không phát sinh", not 0 %

    assert data.overall_as_of.total == 8


def test_breakdowns_by_field_and_officer(app):
    w = build_world()
    data = build_dashboard(db.session, w.ward, as_of=REPORT_DATE, today=REPORT_DATE)
    fields = {line.label: line.tally for line in data.plans[0].groups}
    assert set(fields) == {"Tuyên truyền CCHC", "Cải cách thủ tục hành chính", ""}
    assert (fields["Tuyên truyền CCHC"].total, fields["Tuyên truyền CCHC"].done) == (2, 2)
    procedures = fields["Cải cách thủ tục hành chính"]
    assert (procedures.total, procedures.open_overdue, procedures.done) == (3, 1, 0)
    assert fields[""].total == 1  # t6 has no field

    officers = [(line.label, line.tally.total, line.tally.done) for line in data.officers]
    # Vietnamese order (by given name), nobody last
    assert officers == [("Nguyễn Văn An", 4, 2), ("Trần Thị Bình", 3, 0), ("", 1, 0)]
    assert data.officers[0].tally.completion_rate == Decimal("50.0")


def test_short_lists(app):
    w = build_world()
    data = build_dashboard(db.session, w.ward, as_of=REPORT_DATE, today=REPORT_DATE)
    assert [i.task_id for i in data.overdue.items] == [w.tasks["t3"].id]
    assert data.overdue.items[0].days == 11
    assert data.overdue.items[0].lead_name == "Trần Thị Bình"
    assert [(i.task_id, i.days) for i in data.due_soon.items] == [
        (w.tasks["t8"].id, 3),
        (w.tasks["t4"].id, 8),
    ]
    assert data.due_soon_until == date(2024, 3, 26)
    assert [i.task_id for i in data.pending.items] == [w.tasks["t8"].id]
    assert data.pending.items[0].title == "Công khai thủ tục hành chính"
    assert data.pending.items[0].plan.id == w.papi.id


def test_as_of_changes_the_lists(app):
    w = build_world()
    data = build_dashboard(db.session, w.ward, as_of=date(2024, 4, 1), today=REPORT_DATE)
    overdue = [i.task_id for i in data.overdue.items]
    # t3 and t4 late; t7's March occurrence missed; t8 (15/03) still not confirmed
    assert sorted(overdue) == sorted(w.tasks[k].id for k in ("t3", "t4", "t7", "t8"))
    t7 = next(i for i in data.overdue.items if i.task_id == w.tasks["t7"].id)
    assert t7.deadline == date(2024, 3, 31)  # the occurrence that was missed
    assert data.due_soon.count == 0


def test_short_lists_are_limited_but_counted(app):
    from tests.factories import gen_officer, gen_plan, gen_task, gen_unit

    ward = gen_unit()
    lead = gen_officer(ward)
    plan = gen_plan(ward)
    for day in range(1, 26):
        gen_task(plan, lead, deadline=date(2024, 1, day))
    data = build_dashboard(db.session, ward, as_of=REPORT_DATE, today=REPORT_DATE)
    assert (len(data.overdue.items), data.overdue.count, data.overdue.more) == (20, 25, True)
    assert data.overdue.items[0].deadline == date(2024, 1, 1)  # most overdue first


def test_progress_series_agrees_with_the_status_rule(app):
    w = build_world()
    rows = [
        r for r in status_rows(db.session, Plan.unit_id == w.ward.id) if r.plan_id == w.annual.id
    ]
    series = progress_series(w.annual, rows, REPORT_DATE)
    assert series.months == 12
    by_month = {p.on: (p.planned, p.done) for p in series.points}
    assert by_month[date(2023, 12, 31)] == (0, 0)
    assert by_month[date(2024, 1, 31)] == (0, 0)
    assert by_month[date(2024, 2, 29)] == (2, 1)
    assert by_month[date(2024, 3, 31)] == (4, None)  # after the date: no done figure yet
    assert by_month[date(2024, 12, 31)] == (6, None)
    last = series.done_points[-1]
    assert (last.on, last.done) == (REPORT_DATE, tally(rows, REPORT_DATE).done)
    # every month's done figure is the rule's count at the month's end
    later = progress_series(w.annual, rows, date(2025, 1, 15))
    for point in later.points[1:-1]:
        assert point.done == tally(rows, point.on).done
    assert later.points[-1].done == tally(rows, date(2025, 1, 15)).done


def test_done_on_matches_deadline_class_for_recurring_tasks(app):
    w = build_world()
    rows = {r.task_id: r for r in status_rows(db.session, Plan.unit_id == w.ward.id)}
    monthly = rows[w.tasks["t7"].id]
    assert done_on(monthly) is None  # March not done
    assert done_on(rows[w.tasks["t1"].id]) == date(2024, 2, 20)


def test_plan_over_two_years_charts_24_months(app):
    w = build_world()
    rows = [r for r in status_rows(db.session, Plan.unit_id == w.ward.id) if r.plan_id == w.papi.id]
    series = progress_series(w.papi, rows, REPORT_DATE)
    assert series.months == 24
    assert series.points[-1].planned == 2
