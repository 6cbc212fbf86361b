"""Read-side queries of officers and units: a unit by its code, its calendar; officers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Row, select
from sqlalchemy.orm import Session, selectinload

from tracker.core.status import Tally, lead_on, tally
from tracker.core.text import name_key
from tracker.core.versions import Kept
from tracker.core.workdays import WorkCalendar
from tracker.extensions import db
from tracker.people.models import Officer, Unit, UnitCalendarDay


def calendar_exceptions(
    session: Session, unit_ids: Iterable[int] | None = None, *, day: date | None = None
) -> dict[int, dict[date, bool]]:
    """The units' own calendar days in force, {unit_id: {day: works}} (every unit's, or those
    of `unit_ids`; only `day`'s, if given): the one query behind every unit's WorkCalendar."""
    query = select(UnitCalendarDay.unit_id, UnitCalendarDay.day, UnitCalendarDay.is_working_day)
    query = query.where(UnitCalendarDay.archived_at.is_(None))
    if unit_ids is not None:
        query = query.where(UnitCalendarDay.unit_id.in_(list(unit_ids)))
    if day is not None:
        query = query.where(UnitCalendarDay.day == day)
    found: dict[int, dict[date, bool]] = {}
    for unit_id, when, works in session.execute(query):
        found.setdefault(unit_id, {})[when] = works
    return found


def unit_calendar(session: Session, unit_id: int) -> WorkCalendar:
    """The unit's working-day calendar: the national one with the unit's own days."""
    return WorkCalendar(calendar_exceptions(session, [unit_id]).get(unit_id))


def unit_or_404(code: str) -> Unit:
    """The unit with this code; a code no unit could have (NUL, too long) is a 404 too,
    before PostgreSQL refuses it with an error."""
    if not code or len(code) > 64 or "\x00" in code:
        abort(404)
    return db.one_or_404(select(Unit).where(Unit.code == code))


def active_officers(session: Session, unit_id: int, *, with_roles: bool = False) -> list[Officer]:
    """The unit's active officers as every officer picker lists them: in the Vietnamese
    order of names (core.text.name_key); with their roles loaded when asked (one more query)."""
    query = select(Officer).where(Officer.unit_id == unit_id, Officer.active)
    if with_roles:
        query = query.options(selectinload(Officer.role_rows))
    return sorted(session.scalars(query), key=lambda officer: name_key(officer.full_name))


def active_officer_rows(session: Session, unit_id: int) -> list[Row]:
    """active_officers as plain rows (id, full_name, position), in the same order: for a
    picker that shows only these (officer_choice), without loading ORM objects."""
    rows = session.execute(
        select(Officer.id, Officer.full_name, Officer.position).where(
            Officer.unit_id == unit_id, Officer.active
        )
    )
    return sorted(rows, key=lambda officer: name_key(officer.full_name))


# A unit's active officers kept across requests (core.versions), by its data version.
_ACTIVE_ROWS: Kept[tuple, tuple[Row, ...]] = Kept("units' active officers", 256)


def kept_active_officer_rows(session: Session, unit_id: int, version: int) -> Sequence[Row]:
    """`active_officer_rows`, kept under the unit's data version read before them (any change
    to an officer renews their unit's version)."""
    return _ACTIVE_ROWS.get(
        (unit_id, version), lambda: tuple(active_officer_rows(session, unit_id))
    )


@dataclass(frozen=True, slots=True)
class OfficerSummary:
    officer: Officer
    led: Tally


def unit_officers(session: Session, unit_id: int, as_of: date) -> list[OfficerSummary]:
    """The unit's officers with the tasks they lead, counted as of a date (three queries)."""
    # Imported here: the plans and tasks areas pick officers with active_officers().
    from tracker.plans.models import Plan
    from tracker.tasks.queries import status_rows

    officers = session.scalars(
        select(Officer)
        .options(selectinload(Officer.role_rows))
        .where(Officer.unit_id == unit_id)
        .order_by(Officer.active.desc(), Officer.id)
    ).all()
    by_lead: dict[int | None, list] = defaultdict(list)
    for row in status_rows(session, Plan.unit_id == unit_id):
        by_lead[lead_on(row, as_of)].append(row)
    return [OfficerSummary(o, tally(by_lead[o.id], as_of)) for o in officers]


def officer_or_404(officer_id: int) -> Officer:
    """The officer with their unit and roles (every officer page checks both)."""
    officer = db.session.scalar(
        select(Officer)
        .where(Officer.id == officer_id)
        .options(selectinload(Officer.role_rows), selectinload(Officer.unit))
    )
    if officer is None:
        abort(404)
    return officer


def units_by_name(session: Session) -> list[Unit]:
    """Every unit, by name: the choices of a transfer (filtered by who may move there)."""
    return list(session.scalars(select(Unit).order_by(Unit.name)))
