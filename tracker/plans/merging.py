"""Merging units into a new one (sáp nhập, 2025): the system administrator's action.

The new unit is created (people.units.create_unit: its code, names, kind, the unit above);
the active officers of the merged units move to it, and so do their open plans: every plan not
archived that runs into this year or still holds an open task (with all its tasks, done ones
included, so a plan's rate goes on). Each move of a plan is kept (`PlanUnitMove`), so the
figures of a date before the merger count the plan in the unit it belonged to then
(plans.queries.of_units_on): the old units' past figures do not change. The old units close
(closed_at), keep their other plans and everything else readable, and point to the new one
(`merged_into_id`): its page says "Sáp nhập từ …". Officers keep their ids, so the lead
history of every task is unchanged. Audited (units, officers and plans are audited models);
one transaction; `preview_merge` says what would move without changing anything.

What makes the new unit work is carried too, each copy an audited row of its own (the old
units keep theirs, and with them their past):
- its calendar: the old units' days off and make-up working days from the merger on (a day
  the old units disagree on is left to the national calendar, and said in the preview);
- the late-extension setting if the old units agree (else the unit above's); the two-step
  roles of them all (the strictest);
- what the areas above plans carry (MERGE_CARRIERS, listed in tracker.configure_merging):
  the reminder rules (reminders.merging) and the Phụ lục 1 periods (appendix.merging).
The old units' figures of any past date are unchanged (plans.queries.of_units_on); the new
unit's dashboard as of a date before the merger counts the plans it took over as they stood
then (the old units' figures summed) and links each old unit's plans of that date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tracker.core import clock
from tracker.core.audit import current_actor_id
from tracker.core.clock import utcnow
from tracker.core.locking import hold
from tracker.core.permissions import Action, can
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Unit, UnitCalendarDay
from tracker.people.units import UnitInput, create_unit
from tracker.plans.models import Plan, PlanUnitMove
from tracker.tasks.models import OPEN_STATES, Task

log = logging.getLogger("tracker.plans")


@dataclass
class MergePreview:
    """What a merger would do: per merged unit, its officers and plans that move, and the
    plans that stay (archived or ended, with no open task)."""

    sources: list[Unit]
    officers: dict[int, list[Officer]] = field(default_factory=dict)
    moving: dict[int, list[Plan]] = field(default_factory=dict)
    staying: dict[int, list[Plan]] = field(default_factory=dict)
    open_tasks: dict[int, int] = field(default_factory=dict)  # per moving plan
    calendar: list[UnitCalendarDay] = field(default_factory=list)  # the days carried
    calendar_conflicts: list[date] = field(default_factory=list)  # the old units disagree
    carried: list[Carried] = field(default_factory=list)  # what the areas above carry


@dataclass(frozen=True)
class MergeContext:
    """What an area above plans is told of a merger to carry its part (MERGE_CARRIERS)."""

    sources: list[Unit]
    officers: dict[int, list[Officer]]  # the active officers moving, per old unit
    parent: Unit | None  # the new unit's unit above


@dataclass
class Carried:
    """What one area carries to the new unit: said in the preview (Vietnamese lines), done by
    `apply(new_unit)` in the merger's transaction."""

    lines: list[str]
    apply: Callable[[Unit], None]


# app.extensions key: the areas' carriers, functions (session, MergeContext) -> Carried, listed
# where the app is built (tracker.configure_merging): plans knows none of those areas.
MERGE_CARRIERS = "tracker.merge_carriers"


def _carriers() -> tuple:
    return current_app.extensions.get(MERGE_CARRIERS, ()) if has_app_context() else ()


def _check_sources(session: Session, actor, sources: Sequence[Unit]) -> list[Unit]:
    units = list({u.id: u for u in sources}.values())
    if len(units) < 2 or len(units) != len(sources):
        raise Refusal(
            _("Chọn ít nhất hai đơn vị khác nhau để sáp nhập."), "sources"
        )
    errors = []
    ids = {u.id for u in units}
    for unit in units:
        if actor is not None and not can(actor, Action.MERGE_UNITS, unit):
            raise Refusal(_("Bạn không có quyền sáp nhập %(name)s.", name=unit.name), "sources")
        if not unit.is_open:
            errors.append(_("%(name)s đã đóng.", name=unit.name))
            continue
        node = unit.parent
        while node is not None:
            if node.id in ids:
                errors.append(
                    _("%(name)s trực thuộc %(parent)s: hai đơn vị chồng lấn.",
                      name=unit.name, parent=node.name)
                )
                break
            node = node.parent
        if any(child.is_open for child in unit.children):
            errors.append(_("%(name)s còn đơn vị trực thuộc đang hoạt động.", name=unit.name))
    if errors:
        raise Refusal(" ".join(errors), "sources")
    return sorted(units, key=lambda u: u.id)


def preview_merge(
    session: Session, actor, sources: Sequence[Unit], parent: Unit | None = None
) -> MergePreview:
    """What `merge_units` would move and carry (under `parent`), refused as it would be;
    changes nothing."""
    units = _check_sources(session, actor, sources)
    ids = [u.id for u in units]
    preview = MergePreview(units, {i: [] for i in ids}, {i: [] for i in ids}, {i: [] for i in ids})
    for officer in session.scalars(
        select(Officer).where(Officer.unit_id.in_(ids), Officer.active).order_by(Officer.full_name)
    ):
        preview.officers[officer.unit_id].append(officer)
    year = clock.today().year
    open_task = exists().where(
        Task.plan_id == Plan.id,
        Task.state.in_(list(OPEN_STATES)),
        Task.archived_at.is_(None),
        Task.withdrawn_on.is_(None),
    )
    for plan, has_open in session.execute(
        select(Plan, open_task).where(Plan.unit_id.in_(ids)).order_by(Plan.id)
    ):
        moves = plan.archived_at is None and (plan.end_year >= year or has_open)
        (preview.moving if moves else preview.staying)[plan.unit_id].append(plan)
    moving_ids = [p.id for plans in preview.moving.values() for p in plans]
    if moving_ids:
        for task_plan in session.scalars(
            select(Task.plan_id).where(
                Task.plan_id.in_(moving_ids),
                Task.state.in_(list(OPEN_STATES)),
                Task.archived_at.is_(None),
                Task.withdrawn_on.is_(None),
            )
        ):
            preview.open_tasks[task_plan] = preview.open_tasks.get(task_plan, 0) + 1
    _preview_calendar(session, preview, ids)
    context = MergeContext(preview.sources, preview.officers, parent)
    preview.carried = [carrier(session, context) for carrier in _carriers()]
    return preview


def _preview_calendar(session: Session, preview: MergePreview, ids: list[int]) -> None:
    by_day: dict = {}
    for day in session.scalars(
        select(UnitCalendarDay)
        .where(
            UnitCalendarDay.unit_id.in_(ids),
            UnitCalendarDay.archived_at.is_(None),
            UnitCalendarDay.day >= clock.today(),
        )
        .order_by(UnitCalendarDay.day, UnitCalendarDay.unit_id)
    ):
        by_day.setdefault(day.day, []).append(day)
    for day, rows in by_day.items():
        if len({r.is_working_day for r in rows}) > 1:
            preview.calendar_conflicts.append(day)
        else:
            preview.calendar.append(rows[0])


def _carry(session: Session, preview: MergePreview, new: Unit) -> None:
    """Give the new unit the calendar and settings the preview listed, then the areas' parts."""
    for day in preview.calendar:
        origin = next(u.name for u in preview.sources if u.id == day.unit_id)
        # Stored text, Vietnamese like every note of the calendar.
        note = f"{day.note} (từ {origin})" if day.note else f"Theo lịch của {origin}"
        session.add(
            UnitCalendarDay(
                unit_id=new.id, day=day.day, is_working_day=day.is_working_day, note=note[:200]
            )
        )
    late = {u.late_extension_counts for u in preview.sources}
    if len(late) == 1:  # else the new unit takes the setting of the unit above
        new.late_extension_counts = late.pop()
    if any(u.two_step_roles for u in preview.sources):
        # The strictest: every role one of the old units asked to log in in two steps.
        roles = {r for u in preview.sources for r in (u.two_step_roles or "").split(",") if r}
        new.two_step_roles = ",".join(sorted(roles))
    for carried in preview.carried:
        carried.apply(new)


def merge_units(
    session: Session, actor, sources: Sequence[Unit], code: str, data: UnitInput
) -> Unit:
    """Merge `sources` into a new unit `code` (see the module's docstring)."""
    for unit in sorted(sources, key=lambda u: u.id):  # one lock order; a second merger waits
        hold(session, Unit, unit.id)
    for unit in sources:
        session.refresh(unit)  # closed meanwhile by another merger: seen now
    if data.parent is not None and any(data.parent.id == u.id for u in sources):
        raise Refusal(_("Đơn vị cấp trên không thể là một đơn vị bị sáp nhập."), "parent")
    preview = preview_merge(session, actor, sources, data.parent)
    new = create_unit(session, actor, code, data)
    today = clock.today()
    now = utcnow()
    for unit in preview.sources:
        for officer in preview.officers[unit.id]:
            officer.unit_id = new.id
        for plan in preview.moving[unit.id]:
            session.add(
                PlanUnitMove(
                    plan_id=plan.id, from_unit_id=unit.id, to_unit_id=new.id, moved_on=today
                )
            )
            plan.unit_id = new.id
        unit.closed_at = now
        unit.merged_into_id = new.id
    _carry(session, preview, new)
    session.flush()
    log.info(
        "officer %s merged units %s into unit %s (%s): %s officers, %s plans moved, "
        "%s calendar days carried",
        current_actor_id(),
        [u.id for u in preview.sources],
        new.id,
        new.code,
        sum(len(v) for v in preview.officers.values()),
        sum(len(v) for v in preview.moving.values()),
        len(preview.calendar),
    )
    return new


def merged_from(session: Session, unit: Unit) -> list[Unit]:
    """The units merged into `unit`, by name (its page says "Sáp nhập từ …")."""
    return list(
        session.scalars(select(Unit).where(Unit.merged_into_id == unit.id).order_by(Unit.name))
    )
