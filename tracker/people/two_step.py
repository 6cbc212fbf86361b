"""Two-step login: a time-based code (RFC 6238, any authenticator app) after the password, or
one of ten single-use recovery codes. Codes are good once: the time step of the last accepted
code is kept and no code of that step or an older one is taken again. One step (30 s) of
clock drift either way is allowed.

Audited as events on the officer (enabled, disabled, reset, recovery codes renewed or used);
the secret itself never goes into the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.core.audit import AuditEvent, current_actor_id
from tracker.core.clock import utcnow
from tracker.people.models import Officer, OfficerTotp, RecoveryCode

ISSUER = "Tracker CCHC"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_COUNT = 10
# Recovery codes: 16 characters of this alphabet (80 bits), shown as four groups of four.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[:32]

# Audit actions (the column holds 16 characters)
ENABLED = "totp_on"
DISABLED = "totp_off"
RESET = "totp_reset"
RECOVERY_RENEWED = "recovery_renewed"
RECOVERY_USED = "recovery_used"


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(text: str, size: int = 4) -> str:
    """A secret or code in groups, to copy by hand without losing one's place."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """The QR code as an SVG element, drawn here (no image library, nothing fetched)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode").split("?>", 1)[-1].strip()  # inline: no XML prolog
    # Large enough for a phone's camera across a desk, whatever the page's width.
    return re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg width="220" height="220"', svg)


def must_use(officer: Officer, roles: Iterable[str]) -> bool:
    """Whether the officer's roles oblige them to the second step (TRACKER_2FA_ROLES)."""
    required = set(roles)
    return any(role.value in required for role in officer.roles)


def authenticator(session: Session, officer_id: int) -> OfficerTotp | None:
    return session.get(OfficerTotp, officer_id)


def is_enabled(session: Session, officer_id: int) -> bool:
    return authenticator(session, officer_id) is not None


def _audit(session: Session, officer: Officer, action: str, actor_id: int | None = None) -> None:
    session.add(
        AuditEvent(
            actor_id=actor_id if actor_id is not None else (current_actor_id() or officer.id),
            unit_id=officer.unit_id,
            entity_type="officers",
            entity_id=officer.id,
            action=action,
            label=officer.full_name[:300],
            changes={},
        )
    )


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch not in " -\t").upper()[:64]


def _matching_step(secret: str, code: str, after_step: int) -> int | None:
    """The time step (within the drift) whose code this is, if newer than `after_step`."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(utcnow().timestamp()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_recovery_codes(session: Session, officer: Officer) -> list[str]:
    # The old codes go: a code kept is a code that can still be stolen (the audit keeps when).
    session.execute(delete(RecoveryCode).where(RecoveryCode.officer_id == officer.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(16)) for _ in range(RECOVERY_COUNT)]
    session.add_all(RecoveryCode(officer_id=officer.id, code_hash=_hash(code)) for code in codes)
    return [grouped(code) for code in codes]


def enable(session: Session, officer: Officer, secret: str, code: str) -> list[str] | None:
    """Switch the second step on once a code from the app proves it was set up; the recovery
    codes to show once, or None when the code is not right."""
    if not secret or authenticator(session, officer.id) is not None:
        return None
    step = _matching_step(secret, _clean(code), -1)
    if step is None:
        return None
    session.add(OfficerTotp(officer_id=officer.id, secret=secret, last_step=step))
    codes = _new_recovery_codes(session, officer)
    _audit(session, officer, ENABLED)
    session.flush()
    return codes


def renew_recovery_codes(session: Session, officer: Officer) -> list[str]:
    codes = _new_recovery_codes(session, officer)
    _audit(session, officer, RECOVERY_RENEWED)
    session.flush()
    return codes


def verify(session: Session, officer: Officer, code: str) -> bool:
    """The second step: an app code not used before, or an unused recovery code (used up
    here). The authenticator's row is locked so two requests cannot both take one code."""
    row = session.scalars(
        select(OfficerTotp)
        .where(OfficerTotp.officer_id == officer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return False
    cleaned = _clean(code)
    step = _matching_step(row.secret, cleaned, row.last_step)
    if step is not None:
        row.last_step = step
        session.flush()
        return True
    if len(cleaned) != 16:
        return False
    recovery = session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.officer_id == officer.id,
            RecoveryCode.code_hash == _hash(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    ).first()
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    _audit(session, officer, RECOVERY_USED, actor_id=officer.id)
    session.flush()
    return True


def remaining_recovery_codes(session: Session, officer_id: int) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.officer_id == officer_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _remove(session: Session, officer: Officer) -> bool:
    # Removed, not archived: a secret kept is a secret that can leak; the audit keeps the story.
    session.execute(delete(RecoveryCode).where(RecoveryCode.officer_id == officer.id))
    removed = session.execute(delete(OfficerTotp).where(OfficerTotp.officer_id == officer.id))
    return bool(removed.rowcount)


def disable(session: Session, officer: Officer) -> bool:
    """The officer switches the second step off (the view has checked their password)."""
    if not _remove(session, officer):
        return False
    _audit(session, officer, DISABLED)
    session.flush()
    return True


def reset(session: Session, officer: Officer) -> bool:
    """An administrator removes an officer's authenticator (lost phone): they enrol again at
    their next login if their role requires it."""
    if not _remove(session, officer):
        return False
    _audit(session, officer, RESET)
    session.flush()
    return True


# The choices a unit administrator has (unit settings), as the roles each obliges.
TWO_STEP_PRESETS: dict[str, str | None] = {
    "inherit": None,
    "none": "",
    "leaders": "admin,chairperson",
    "managers": "admin,unit_admin,chairperson,vice_chairperson,focal_officer",
    "everyone": "admin,unit_admin,chairperson,vice_chairperson,focal_officer,officer,inspector",
}


def required_roles(unit, default) -> set[str]:
    """The roles obliged to the second step in `unit`: its setting, or the nearest unit's
    above that sets one, or the server's `default` (TRACKER_2FA_ROLES)."""
    node = unit
    for _ in range(8):  # a province is two levels up; deeper trees are not expected
        if node is None:
            break
        if node.two_step_roles is not None:
            return {role for role in node.two_step_roles.split(",") if role}
        node = node.parent
    return set(default or ())
