"""Managing officers in the browser: add, edit (roles too), invite, deactivate, reactivate, move.

Operations flush, never commit; they take the acting officer and check again who may (core
permissions), so a rule holds whoever calls them. Handing an officer's open tasks to someone
else before they leave or move is the tasks area's (tasks.handover), which calls `deactivate`
and `move_to_unit` here once the tasks have new leads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from tracker.core.audit import record_change
from tracker.core.clock import utcnow
from tracker.core.locking import lock
from tracker.core.permissions import Action, can, may_grant_role, may_manage_officer, may_transfer
from tracker.core.refusals import Refusal
from tracker.people.models import ApiToken, Officer, OfficerRole, Role, Unit
from tracker.people.operations import (
    create_officer,
    normalise_email,
    normalise_name,
    normalise_phone,
    officer_field_errors,
)

log = logging.getLogger("tracker.people")

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị"),
    Role.CHAIRPERSON: _l("Chủ tịch"),
    Role.VICE_CHAIRPERSON: _l("Phó Chủ tịch"),
    Role.FOCAL_OFFICER: _l("Đầu mối CCHC"),
    Role.OFFICER: _l("Cán bộ, công chức"),
    Role.INSPECTOR: _l("Kiểm tra (Phòng Nội vụ)"),
    Role.UNIT_ADMIN: _l("Quản trị đơn vị"),
}


def role_label(role: Role) -> str:
    return str(ROLE_LABELS.get(role, role.value))


def role_labels() -> dict[str, str]:
    """{role value: its name}, every role (one the product adds later shows its value)."""
    return {role.value: role_label(role) for role in Role}


@dataclass
class OfficerInput:
    """What the officer form (or a spreadsheet row) gives, as typed."""

    full_name: str = ""
    email: str = ""
    position: str = ""
    department: str = ""
    phone: str = ""
    roles: list[Role] = field(default_factory=list)

    def normalised(self) -> OfficerInput:
        return OfficerInput(
            full_name=normalise_name(self.full_name or ""),
            email=normalise_email(self.email or ""),
            position=normalise_name(self.position or ""),
            department=normalise_name(self.department or ""),
            phone=normalise_phone(self.phone or ""),
            roles=sorted(set(self.roles)),
        )


def input_errors(
    session: Session,
    data: OfficerInput,
    actor: Officer | None,
    unit: Unit,
    officer_id: int | None = None,
) -> dict[str, str]:
    """What is wrong with `data` (normalised), the roles the actor may not grant included."""
    errors = officer_field_errors(
        session,
        email=data.email,
        full_name=data.full_name,
        roles=data.roles,
        phone=data.phone,
        position=data.position,
        department=data.department,
        officer_id=officer_id,
    )
    refused = [r for r in data.roles if actor is not None and not may_grant_role(actor, r, unit)]
    if refused and "roles" not in errors:
        errors["roles"] = _(
            "Bạn không giao được vai trò %(role)s.", role=role_label(refused[0])
        )
    return errors


def _check_manager(actor: Officer | None, officer: Officer, unit: Unit) -> None:
    if actor is not None and not may_manage_officer(actor, officer, unit):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))


def add_officer(session: Session, unit: Unit, data: OfficerInput, actor: Officer | None) -> Officer:
    """A new officer of `unit`, without a password yet: they set it from their invitation."""
    if actor is not None and not can(actor, Action.MANAGE_OFFICERS, unit):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))
    data = data.normalised()
    errors = input_errors(session, data, actor, unit)
    if errors:
        raise Refusal(errors)
    return create_officer(
        session,
        unit=unit,
        email=data.email,
        full_name=data.full_name,
        roles=data.roles,
        position=data.position,
        department=data.department,
        phone=data.phone,
    )


def update_officer(
    session: Session, officer: Officer, data: OfficerInput, actor: Officer | None
) -> Officer:
    """Save the officer's details and roles (audited; roles as one change of `roles`)."""
    officer = lock(session, officer)
    _check_manager(actor, officer, officer.unit)
    data = data.normalised()
    errors = input_errors(session, data, actor, officer.unit, officer_id=officer.id)
    before = sorted(r.value for r in officer.roles)
    after = sorted(r.value for r in data.roles)
    if actor is not None and actor.id == officer.id and before != after and "roles" not in errors:
        errors["roles"] = _("Không tự đổi vai trò của mình: nhờ một người quản lý cán bộ khác.")
    if errors:
        raise Refusal(errors)
    officer.full_name = data.full_name
    officer.email = data.email
    officer.position = data.position
    officer.department = data.department
    officer.phone = data.phone
    if before != after:
        kept = [row for row in officer.role_rows if row.role in data.roles]
        have = {row.role for row in kept}
        officer.role_rows = kept + [OfficerRole(role=r) for r in data.roles if r not in have]
        # A role taken away takes its rights at once: the officer's sessions end with it.
        officer.session_version += 1
        session.flush()
        record_change(session, officer, {"roles": [before, after]})
    session.flush()
    log.info(
        "officer %s updated officer %s, unit %s",
        actor.id if actor else None,
        officer.id,
        officer.unit_id,
    )
    return officer


def mark_invited(session: Session, officer: Officer, actor: Officer | None) -> None:
    """A new invitation: the link of any earlier one stops working (people.links)."""
    _check_manager(actor, officer, officer.unit)
    if not officer.active:
        raise Refusal(_("Cán bộ đã ngừng hoạt động: mở lại tài khoản trước khi gửi lời mời."))
    officer.invited_at = utcnow()
    session.flush()
    log.info("officer %s invited officer %s", actor.id if actor else None, officer.id)


def deactivate(session: Session, officer: Officer, actor: Officer | None) -> None:
    """Stop the officer at once: their sessions (the session counter in the cookie), their
    API tokens (revoked) and any link sent to them. Called once their open tasks have new
    leads (tasks.handover.deactivate_officer)."""
    _check_manager(actor, officer, officer.unit)
    if actor is not None and actor.id == officer.id:
        raise Refusal(_("Không tự ngừng tài khoản của mình: nhờ một người quản lý cán bộ khác."))
    if not officer.active:
        raise Refusal(_("%(name)s đã ngừng hoạt động.", name=officer.full_name))
    officer.active = False
    officer.session_version += 1
    _revoke_tokens(session, officer)
    session.flush()
    log.info(
        "officer %s deactivated officer %s, unit %s",
        actor.id if actor else None,
        officer.id,
        officer.unit_id,
    )


def reactivate(session: Session, officer: Officer, actor: Officer | None) -> None:
    officer = lock(session, officer)
    _check_manager(actor, officer, officer.unit)
    if officer.active:
        raise Refusal(_("%(name)s đang hoạt động.", name=officer.full_name))
    officer.active = True
    session.flush()
    log.info(
        "officer %s reactivated officer %s, unit %s",
        actor.id if actor else None,
        officer.id,
        officer.unit_id,
    )


def move_to_unit(session: Session, officer: Officer, unit: Unit, actor: Officer | None) -> None:
    """The officer works in `unit` from now on; what they did stays with the old unit (its
    plans hold the tasks, their lead history who led them). Their rights follow the unit:
    core.permissions reads it on every request."""
    if actor is not None and not may_transfer(actor, officer, officer.unit, unit):
        raise Refusal({"unit_id": _("Bạn không có quyền chuyển cán bộ sang đơn vị này.")})
    if actor is not None and actor.id == officer.id:
        raise Refusal({"unit_id": _("Không tự chuyển mình sang đơn vị khác.")})
    old_unit_id = officer.unit_id
    officer.unit = unit
    session.flush()
    log.info(
        "officer %s moved officer %s from unit %s to unit %s",
        actor.id if actor else None,
        officer.id,
        old_unit_id,
        unit.id,
    )


def _revoke_tokens(session: Session, officer: Officer) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.officer_id == officer.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def add_officers(
    session: Session, unit: Unit, rows: Iterable[OfficerInput], actor: Officer | None
) -> list[Officer]:
    """Several officers at once (a checked spreadsheet): all of them, or a Refusal."""
    return [add_officer(session, unit, row, actor) for row in rows]
