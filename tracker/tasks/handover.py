"""An officer leaves (deactivated) or moves to another unit: their open tasks get new leads
first, in the same transaction, so that no task is left without a lead.

Each task is reassigned through `operations.bulk_assign`, which locks it, records the lead
change (lead_history: the officer's past figures stay theirs) and tells both officers; the
officer also stops supporting those tasks. Then people.management deactivates or moves them.
A missing or refused new lead refuses the whole action: nothing is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.refusals import Refusal
from tracker.people.management import deactivate, move_to_unit
from tracker.people.models import Officer, Unit
from tracker.plans.models import Plan
from tracker.tasks.models import Task, TaskState
from tracker.tasks.operations import bulk_assign

FIELD = "lead_{}"  # the form field of a task's new lead
ALL_FIELD = "lead_all"  # one new lead for every task whose own field is left empty


def open_tasks_led_by(session: Session, officer: Officer) -> list[Task]:
    """The tasks the officer leads that still need a lead: not done, not withdrawn, not
    archived (waiting for confirmation too: a returned completion comes back to the lead)."""
    return list(
        session.scalars(
            select(Task)
            .join(Plan, Plan.id == Task.plan_id)
            .where(
                Task.lead_officer_id == officer.id,
                Task.state != TaskState.DONE,
                Task.withdrawn_on.is_(None),
                Task.archived_at.is_(None),
                Plan.archived_at.is_(None),
            )
            .options(joinedload(Task.plan), selectinload(Task.supporters))
            .order_by(Task.plan_id, Task.ordinal)
        ).unique()
    )


@dataclass(frozen=True)
class Handover:
    tasks: int  # how many tasks got a new lead


def new_leads_from(form: Mapping[str, str], tasks: list[Task]) -> dict[int, int | None]:
    """{task id: new lead id or None} from the posted form: the task's own choice, else the
    one for all. Anything that is not an id counts as no choice."""

    def officer_id(raw: str | None) -> int | None:
        raw = (raw or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

    common = officer_id(form.get(ALL_FIELD))
    return {t.id: officer_id(form.get(FIELD.format(t.id))) or common for t in tasks}


def _hand_over(
    session: Session,
    officer: Officer,
    actor: Officer | None,
    new_leads: Mapping[int, int | None],
) -> int:
    tasks = open_tasks_led_by(session, officer)
    errors: dict[str, str] = {}
    for task in tasks:
        lead_id = new_leads.get(task.id)
        if lead_id is None:
            errors[FIELD.format(task.id)] = _("Chọn người chủ trì mới cho nhiệm vụ này.")
        elif lead_id == officer.id:
            errors[FIELD.format(task.id)] = _(
                "Người chủ trì mới phải là một cán bộ khác, đang hoạt động."
            )
    if errors:
        errors[""] = _(
            "Chưa lưu: %(name)s đang chủ trì %(n)s nhiệm vụ chưa hoàn thành; mỗi nhiệm vụ cần "
            "một người chủ trì mới.",
            name=officer.full_name,
            n=len(tasks),
        )
        raise Refusal(errors)
    for task in sorted(tasks, key=lambda t: t.id):  # one lock order, as bulk_assign's
        lead_id = new_leads[task.id]
        supporters = [s.id for s in task.supporters if s.id not in (officer.id, lead_id)]
        try:
            bulk_assign(session, [task], actor, lead_officer_id=lead_id, supporter_ids=supporters)
        except Refusal as refusal:
            # The reason on the task's own line of the form.
            raise Refusal({FIELD.format(task.id): refusal.message}) from None
    return len(tasks)


def _lock_officer(session: Session, officer: Officer) -> Officer:
    """The officer as committed, locked FOR UPDATE: an assignment to them at the same time
    (operations._officers reads its leads FOR KEY SHARE, which this lock excludes) either
    committed before, and its task is among those to hand over, or waits and then finds the
    officer gone. Not core.locking's lock, whose FOR NO KEY UPDATE lets a key share through."""
    return session.scalars(
        select(Officer)
        .where(Officer.id == officer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def deactivate_officer(
    session: Session, officer: Officer, actor: Officer | None, new_leads: Mapping[int, int | None]
) -> Handover:
    """Hand the officer's open tasks to their new leads, then deactivate the officer."""
    officer = _lock_officer(session, officer)  # a second one waits, then finds it done
    if not officer.active:
        raise Refusal(_("%(name)s đã ngừng hoạt động.", name=officer.full_name))
    count = _hand_over(session, officer, actor, new_leads)
    deactivate(session, officer, actor)
    return Handover(count)


def transfer_officer(
    session: Session,
    officer: Officer,
    actor: Officer | None,
    unit: Unit | None,
    new_leads: Mapping[int, int | None],
) -> Handover:
    """Hand the officer's open tasks (in the old unit) to their new leads, then move them."""
    officer = _lock_officer(session, officer)
    if unit is None:
        raise Refusal({"unit_id": _("Chọn đơn vị mới.")})
    if unit.id == officer.unit_id:
        raise Refusal({"unit_id": _("Cán bộ đang ở đơn vị này.")})
    if not officer.active:
        raise Refusal(_("%(name)s đã ngừng hoạt động.", name=officer.full_name))
    count = _hand_over(session, officer, actor, new_leads)
    move_to_unit(session, officer, unit, actor)
    return Handover(count)
