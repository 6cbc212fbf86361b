"""Domain actions on plans: they flush, never commit."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.audit import current_actor_id
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Role
from tracker.plans.models import Plan

log = logging.getLogger("tracker.plans")


def set_overseers(session: Session, plan: Plan, overseers: dict[int, int | None]) -> None:
    """Give each field (group) the vice chairperson who oversees it, or none."""
    chosen = {i for i in overseers.values() if i is not None}
    officers = (
        {o.id: o for o in session.scalars(select(Officer).where(Officer.id.in_(chosen)))}
        if chosen
        else {}
    )
    for group in plan.groups:
        if group.id not in overseers:
            continue
        officer_id = overseers[group.id]
        if officer_id is not None:
            officer = officers.get(officer_id)
            if (
                officer is None
                or officer.unit_id != plan.unit_id
                or not officer.has_role(Role.VICE_CHAIRPERSON)
            ):
                raise Refusal(_("Người phụ trách lĩnh vực phải là Phó Chủ tịch của đơn vị."))
        group.overseer_id = officer_id
    session.flush()
    log.info(
        "officer %s set the field overseers of plan %s, unit %s",
        current_actor_id(),
        plan.id,
        plan.unit_id,
    )
