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
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tracker.core import clock
from tracker.core.audit import current_actor_id
from tracker.core.clock import utcnow
from tracker.core.locking import hold
from tracker.core.permissions import Action, can
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Unit
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


def preview_merge(session: Session, actor, sources: Sequence[Unit]) -> MergePreview:
    """What `merge_units` would move, refused as it would be; changes nothing."""
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
    return preview


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
    preview = preview_merge(session, actor, sources)
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
    session.flush()
    log.info(
        "officer %s merged units %s into unit %s (%s): %s officers, %s plans moved",
        current_actor_id(),
        [u.id for u in preview.sources],
        new.id,
        new.code,
        sum(len(v) for v in preview.officers.values()),
        sum(len(v) for v in preview.moving.values()),
    )
    return new


def merged_from(session: Session, unit: Unit) -> list[Unit]:
    """The units merged into `unit`, by name (its page says "Sáp nhập từ …")."""
    return list(
        session.scalars(select(Unit).where(Unit.merged_into_id == unit.id).order_by(Unit.name))
    )
