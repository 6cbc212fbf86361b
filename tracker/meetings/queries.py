"""What the meeting pages read: the unit's meetings, one meeting whole, evaluations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.text import name_key
from tracker.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingAttendance,
    OfficerEvaluation,
)
from tracker.people.models import Officer


def unit_meetings(session: Session, unit_id: int) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.unit_id == unit_id)
            .options(joinedload(Meeting.chair))
            .order_by(Meeting.year.desc(), Meeting.month.desc())
        )
    )


def meeting_whole(session: Session, meeting_id: int) -> Meeting | None:
    """A meeting with its attendance, items and evaluations: a fixed number of queries."""
    return session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.unit),
            joinedload(Meeting.chair),
            joinedload(Meeting.secretary),
            joinedload(Meeting.closed_by),
            joinedload(Meeting.previous),
            selectinload(Meeting.attendance).joinedload(MeetingAttendance.officer),
            selectinload(Meeting.items).joinedload(AgendaItem.task),
            selectinload(Meeting.items).joinedload(AgendaItem.resulting_task),
            selectinload(Meeting.evaluations).joinedload(OfficerEvaluation.grade),
            selectinload(Meeting.evaluations).joinedload(OfficerEvaluation.proposed_grade),
            selectinload(Meeting.evaluations).joinedload(OfficerEvaluation.officer),
        )
    )


def officer_evaluations(session: Session, officer_id: int, year: int) -> list[OfficerEvaluation]:
    """An officer's evaluations of a year, by month."""
    return list(
        session.scalars(
            select(OfficerEvaluation)
            .join(Meeting, Meeting.id == OfficerEvaluation.meeting_id)
            .where(OfficerEvaluation.officer_id == officer_id, Meeting.year == year)
            .options(
                joinedload(OfficerEvaluation.meeting),
                joinedload(OfficerEvaluation.grade),
                joinedload(OfficerEvaluation.proposed_grade),
            )
            .order_by(Meeting.month)
        )
    )


@dataclass
class EvaluationRow:
    officer: Officer
    months: dict[int, OfficerEvaluation] = field(default_factory=dict)


def evaluation_table(session: Session, unit_id: int, year: int) -> list[EvaluationRow]:
    """Officer × month of a unit's year (for the year-end evaluation): two queries."""
    officers = sorted(
        session.scalars(select(Officer).where(Officer.unit_id == unit_id)),
        key=lambda officer: (name_key(officer.full_name), officer.id),
    )
    by_officer: dict[int, dict[int, OfficerEvaluation]] = defaultdict(dict)
    for evaluation in session.scalars(
        select(OfficerEvaluation)
        .join(Meeting, Meeting.id == OfficerEvaluation.meeting_id)
        .where(Meeting.unit_id == unit_id, Meeting.year == year)
        .options(joinedload(OfficerEvaluation.meeting), joinedload(OfficerEvaluation.grade))
    ):
        by_officer[evaluation.officer_id][evaluation.meeting.month] = evaluation
    return [
        EvaluationRow(o, by_officer.get(o.id, {}))
        for o in officers
        if o.active or o.id in by_officer
    ]
