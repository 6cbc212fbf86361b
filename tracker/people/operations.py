"""Domain actions on units and officers: they flush, never commit."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from tracker.core.audit import current_actor_id
from tracker.core.clock import utcnow
from tracker.core.refusals import Refusal
from tracker.people.models import (
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
    if len(email) > EMAIL_MAX or "\x00" in email:  # no officer's; PostgreSQL refuses NUL
        return None
    return session.scalar(select(Officer).where(Officer.email == normalise_email(email)))


EMAIL_MAX = 254
PHONE_MAX = 32
TEXT_MAX = 200
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,32}$")


def officer_field_errors(
    session: Session,
    *,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    phone: str = "",
    position: str = "",
    department: str = "",
    officer_id: int | None = None,
) -> dict[str, str]:
    """What is wrong with an officer's details, by field (none: they may be saved). The one
    place these rules live: the command line, the forms and the spreadsheet import ask it.
    Values are checked as `normalise_*` leaves them; `officer_id`: the officer being edited."""
    errors: dict[str, str] = {}
    texts = {"full_name": full_name, "position": position, "department": department}
    for name, text in texts.items():
        if any(unicodedata.category(c) == "Cc" for c in text):
            errors[name] = _("Có ký tự không hợp lệ (ký tự điều khiển).")
    if errors:
        return errors
    if not full_name:
        errors["full_name"] = _("Họ và tên không được để trống.")
    elif len(full_name) > TEXT_MAX:
        errors["full_name"] = _("Họ và tên dài quá %(n)s ký tự.", n=TEXT_MAX)
    if not email:
        errors["email"] = _("Nhập email.")
    elif len(email) > EMAIL_MAX or not _EMAIL.match(email):
        # ASCII only: a mail server rarely carries other addresses (core.mail refuses them).
        errors["email"] = _("Địa chỉ email không hợp lệ: “%(email)s”.", email=email[:EMAIL_MAX])
    else:
        query = select(func.count()).select_from(Officer).where(Officer.email == email)
        if officer_id is not None:
            query = query.where(Officer.id != officer_id)
        if session.scalar(query):
            errors["email"] = _("Email %(email)s đã được dùng cho một cán bộ khác.", email=email)
    if phone and not _PHONE.match(phone):
        errors["phone"] = _("Số điện thoại chỉ gồm chữ số (có thể có dấu cách, +, -, .).")
    if len(position) > TEXT_MAX:
        errors["position"] = _("Chức vụ dài quá %(n)s ký tự.", n=TEXT_MAX)
    if len(department) > TEXT_MAX:
        errors["department"] = _("Bộ phận dài quá %(n)s ký tự.", n=TEXT_MAX)
    if not list(roles):
        errors["roles"] = _("Cán bộ cần ít nhất một vai trò.")
    return errors


def normalise_phone(phone: str) -> str:
    return " ".join((phone or "").split())


def create_officer(
    session: Session,
    *,
    unit: Unit,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    position: str = "",
    department: str = "",
    phone: str = "",
    password: str | None = None,
) -> Officer:
    ensure_open(unit)
    email = normalise_email(email)
    full_name = normalise_name(full_name)
    position, department = normalise_name(position), normalise_name(department)
    phone = normalise_phone(phone)
    roles = sorted(set(roles))
    errors = officer_field_errors(
        session,
        email=email,
        full_name=full_name,
        roles=roles,
        phone=phone,
        position=position,
        department=department,
    )
    if password is not None and (
        problem := password_problem(password, email=email, full_name=full_name)
    ):
        errors["password"] = problem
    if errors:
        raise Refusal(errors)
    officer = Officer(
        unit=unit,
        email=email,
        full_name=full_name,
        position=position,
        department=department,
        phone=phone,
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
