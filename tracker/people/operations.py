"""Domain actions on units and officers: they flush, never commit."""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from tracker.core.audit import current_actor_id
from tracker.core.clock import utcnow
from tracker.core.refusals import Refusal
from tracker.people.models import (
    ApiToken,
    Officer,
    OfficerRole,
    Role,
    Unit,
    UnitCalendarDay,
    UnitKind,
)
from tracker.people.passwords import (
    hash_password,
    password_problem,
    verify_nobody,
    verify_password,
)
from tracker.people.sessions import end_sessions

log = logging.getLogger("tracker.people")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_name(name: str) -> str:
    """Unicode NFC, single spaces: names typed on different keyboards compare equal."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def get_unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def ensure_open(unit: Unit) -> None:
    """Refuse adding to a closed unit (new plans, officers, units below): closing keeps all
    its data, and only this (see people.units)."""
    if not unit.is_open:
        raise Refusal(
            _(
                "Đơn vị %(name)s đã đóng: không thêm kế hoạch, cán bộ hay đơn vị trực thuộc "
                "mới. Mở lại đơn vị trước.",
                name=unit.name,
            )
        )


def ensure_unit(
    session: Session,
    code: str,
    name: str,
    kind: UnitKind = UnitKind.WARD,
    parent: Unit | None = None,
) -> Unit:
    unit = get_unit_by_code(session, code)
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind, parent=parent)
        session.add(unit)
        session.flush()
        log.info("officer %s created unit %s (%s)", current_actor_id(), unit.id, unit.code)
    return unit


def get_officer_by_email(session: Session, email: str) -> Officer | None:
    return session.scalar(select(Officer).where(Officer.email == normalise_email(email)))


def create_officer(
    session: Session,
    *,
    unit: Unit,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    position: str = "",
    password: str | None = None,
) -> Officer:
    ensure_open(unit)
    email = normalise_email(email)
    if not email or "@" not in email:
        raise Refusal(_("Địa chỉ email không hợp lệ: “%(email)s”.", email=email))
    if session.scalar(select(func.count()).select_from(Officer).where(Officer.email == email)):
        raise Refusal(_("Email %(email)s đã được dùng cho một cán bộ khác.", email=email))
    full_name = normalise_name(full_name)
    if not full_name:
        raise Refusal(_("Họ và tên không được để trống."))
    roles = sorted(set(roles))
    if not roles:
        raise Refusal(_("Cán bộ cần ít nhất một vai trò."))
    if password is not None and (
        problem := password_problem(password, email=email, full_name=full_name)
    ):
        raise Refusal(problem)
    officer = Officer(
        unit=unit,
        email=email,
        full_name=full_name,
        position=position.strip(),
        password_hash=hash_password(password) if password else "",
        role_rows=[OfficerRole(role=role) for role in roles],
    )
    session.add(officer)
    session.flush()
    log.info(
        "officer %s created officer %s (%s), unit %s",
        current_actor_id(),
        officer.id,
        officer.email,
        unit.id,
    )
    return officer


def authenticate(session: Session, email: str, password: str) -> Officer | None:
    officer = get_officer_by_email(session, email)
    if officer is None or not officer.active or not officer.password_hash:
        verify_nobody(password)  # as long as a real check: the timing tells nothing
        return None
    if not verify_password(officer.password_hash, password):
        return None
    return officer


def change_password(officer: Officer, current: str, new: str) -> None:
    if not verify_password(officer.password_hash, current):
        raise Refusal(_("Mật khẩu hiện tại không đúng."), "current_password")
    set_password(officer, new)


def set_password(officer: Officer, new: str) -> None:
    if problem := password_problem(new, email=officer.email, full_name=officer.full_name):
        raise Refusal(problem, "new_password")
    officer.password_hash = hash_password(new)
    officer.session_version += 1  # signs out the officer's other sessions
    if (session := object_session(officer)) is not None:  # and says so in their list
        end_sessions(session, officer.id, "password", keep=officer.session_key)
    log.info(
        "officer %s set the password of officer %s, unit %s",
        current_actor_id(),
        officer.id,
        officer.unit_id,
    )


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, officer: Officer) -> str:
    """A new bearer token; only its digest is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(officer=officer, token_hash=_token_digest(token)))
    session.flush()
    log.info(
        "officer %s created an API token for officer %s, unit %s",
        current_actor_id(),
        officer.id,
        officer.unit_id,
    )
    return token


def officer_for_token(session: Session, token: str) -> Officer | None:
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_digest(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.officer.active:
        return None
    return row.officer


def set_calendar_day(
    session: Session, unit: Unit, day, *, is_working_day: bool, note: str = ""
) -> UnitCalendarDay:
    """Record the unit's own day off or make-up working day (one per day, latest wins)."""
    row = session.scalar(
        select(UnitCalendarDay).where(
            UnitCalendarDay.unit_id == unit.id, UnitCalendarDay.day == day
        )
    )
    if row is None:
        row = UnitCalendarDay(unit_id=unit.id, day=day, is_working_day=is_working_day)
        session.add(row)
    row.is_working_day = is_working_day
    row.note = note.strip()[:200]
    row.archived_at = None
    session.flush()
    log.info(
        "officer %s marked %s a %s, unit %s",
        current_actor_id(),
        day,
        "working day" if is_working_day else "day off",
        unit.id,
    )
    return row


def withdraw_calendar_day(session: Session, row: UnitCalendarDay) -> None:
    row.archived_at = utcnow()
    session.flush()
    log.info(
        "officer %s withdrew calendar day %s, unit %s", current_actor_id(), row.day, row.unit_id
    )
