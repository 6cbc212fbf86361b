"""The report reminder: a commune whose Phụ lục 1 of a period the province opened is not frozen
is reminded as the due date nears, by the engine's rules (tracker/reminders).

Selected with the other reminders (listed in `tracker.configure_reminders`): on each of the
unit's `days_before` working days before the due date (7, 3, 1) and on the due date itself,
the latest of them reached by the pass (a missed pass catches up with one), to the unit's focal
officers (its chairpersons if it has none); recorded once per period, scheduled day and officer
(the engine's unique key: subject "report:<period id>"). Two queries whatever the number of
communes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from tracker.appendix.models import PeriodState, ReportingPeriod
from tracker.people.models import Officer, OfficerRole, Role
from tracker.reminders.models import RecipientRole, ReminderKind
from tracker.reminders.selection import Due, SelectionContext

# Inside the calendar range a pass tabulates (more than 7 working days in practice).
LOOKAHEAD_DAYS = 31


def report_reminders(ctx: SelectionContext) -> Iterable[Due]:
    periods = ctx.session.execute(
        select(ReportingPeriod.id, ReportingPeriod.unit_id, ReportingPeriod.label,
               ReportingPeriod.due_on)
        .where(
            ReportingPeriod.state == PeriodState.OPEN,
            ReportingPeriod.due_on >= ctx.day,
            ReportingPeriod.due_on <= ctx.day + timedelta(days=LOOKAHEAD_DAYS),
        )
        .order_by(ReportingPeriod.id)
    ).all()
    if not periods:
        return
    focal: dict[int, list[int]] = defaultdict(list)
    for officer_id, unit_id in ctx.session.execute(
        select(Officer.id, Officer.unit_id)
        .join(OfficerRole, OfficerRole.officer_id == Officer.id)
        .where(OfficerRole.role == Role.FOCAL_OFFICER, Officer.active,
               Officer.unit_id.in_({p.unit_id for p in periods}))
        .order_by(Officer.id)
    ):
        focal[unit_id].append(officer_id)
    for period_id, unit_id, label, due_on in periods:
        if not ctx.is_working_day(unit_id):
            continue
        index = ctx.index(unit_id)
        days_before = ctx.policy(unit_id).days_before
        scheduled = [index.working_days_before(due_on, n) for n in days_before if n > 0]
        reached = [day for day in (*scheduled, due_on) if day <= ctx.day]
        if not reached:
            continue
        recipients = focal.get(unit_id) or ctx.chairs.get(unit_id, [])
        role = RecipientRole.MEMBER if focal.get(unit_id) else RecipientRole.CHAIR
        for officer_id in sorted(set(recipients)):
            yield Due(
                subject=f"report:{period_id}",
                kind=ReminderKind.REPORT,
                due_on=max(reached),
                recipient_id=officer_id,
                role=role,
                unit_id=unit_id,
                deadline=due_on,
                days=max(index.working_days_between(ctx.day, due_on), 0),
                title=label,
            )
