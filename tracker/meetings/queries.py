"""What the meeting pages read: the unit's meetings, one meeting whole and what its page shows
(`meeting_page`), the unit's grades, evaluations."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.text import name_key
from tracker.core.versions import with_version
from tracker.meetings.agenda import TaskFacts, figures, live_agenda, proposed_grade, task_facts
from tracker.meetings.models import (
    AgendaItem,
    Grade,
    ItemKind,
    Meeting,
    MeetingAttendance,
    OfficerEvaluation,
)
from tracker.people.models import Officer
from tracker.plans.models import Plan


def unit_meetings(session: Session, unit_id: int) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.unit_id == unit_id)
            .options(joinedload(Meeting.chair))
            .order_by(Meeting.year.desc(), Meeting.month.desc())
        )
    )


@functools.cache
def _meeting_whole() -> Select:
    # Built once: every view of a meeting runs it, and its eleven loader options cost to build
    # anew each time.
    return (
        select(Meeting)
        .where(Meeting.id == bindparam("meeting_id"))
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


def meeting_whole(session: Session, meeting_id: int) -> Meeting | None:
    """A meeting with its attendance, items and evaluations: a fixed number of queries."""
    return session.scalar(_meeting_whole(), {"meeting_id": meeting_id})


def meeting_head(session: Session, meeting_id: int) -> tuple[Meeting, int] | None:
    """A meeting with its unit and the unit's data version, in one statement
    (core.versions.with_version)."""
    return with_version(session, Meeting, meeting_id)


def grade_list(session: Session, unit_id: int) -> list[Grade]:
    """The unit's grades as they are, best first (empty before its first meeting)."""
    return list(session.scalars(select(Grade).where(Grade.unit_id == unit_id).order_by(Grade.rank)))


def unevaluated(meeting: Meeting) -> list[MeetingAttendance]:
    """The officers of the meeting (its attendance) with neither a grade nor a "không đánh
    giá": what closing the meeting still waits for, in the attendance's order."""
    done = {e.officer_id for e in meeting.evaluations}
    return [row for row in meeting.attendance if row.officer_id not in done]


@dataclass(frozen=True, slots=True)
class MeetingPage:
    """What the meeting page shows besides the meeting itself (loaded by `meeting_whole`)."""

    agenda: dict[str, Any]  # the figures frozen at closing, the live ones before
    # A closed meeting whose figures have changed since: today's, {"officers": {officer id:
    # counts}, "plans": {plan id: plan section}}; None when nothing changed (or still open).
    live: dict[str, Any] | None
    grades: list[Grade]
    evaluations: dict[int, OfficerEvaluation]  # by officer
    proposals: dict[int, Grade | None]  # by officer: the grade the agenda's figures propose
    plans: list[Plan]  # the unit's plans in use, where a decision may add a task
    decided_tasks: set[int]  # tasks of the agenda that already have a decision
    # Each task's version (Task.version), carried by the decision form that may change its
    # deadline: a decision on a task changed since the page was loaded is refused.
    task_versions: dict[int, int]


def meeting_page(session: Session, meeting: Meeting) -> MeetingPage:
    """The built agenda (and, once closed, how today's figures differ from the frozen ones),
    the unit's grades with the proposal for each officer, the plans: a fixed number of
    queries, the agenda built once (twice for a closed meeting: frozen and live)."""
    live = None
    facts: dict[int, TaskFacts] = {}
    if meeting.is_closed and meeting.snapshot:
        agenda = meeting.snapshot
        current = live_agenda(session, meeting)
        if figures(current) != figures(agenda):
            live = {
                "officers": {s["officer_id"]: s["counts"] for s in current["officers"]},
                "plans": {p["plan_id"]: p for p in current["plans"]},
            }
    else:
        facts = task_facts(session, meeting.unit_id)
        agenda = live_agenda(session, meeting, facts)
    grades = grade_list(session, meeting.unit_id)
    plans = session.scalars(
        select(Plan)
        .where(Plan.unit_id == meeting.unit_id, Plan.archived_at.is_(None))
        .order_by(Plan.appendix_row.is_(None), Plan.appendix_row, Plan.id)
    )
    return MeetingPage(
        agenda=agenda,
        live=live,
        grades=grades,
        evaluations={e.officer_id: e for e in meeting.evaluations},
        proposals={
            s["officer_id"]: proposed_grade(grades, s["level"])
            for s in agenda["officers"]
            if s["officer_id"] is not None
        },
        plans=list(plans),
        decided_tasks={i.task_id for i in meeting.items if i.kind == ItemKind.TASK},
        # The titles' query of the agenda gives the versions too (none once closed).
        task_versions={}
        if meeting.is_closed
        else {task_id: f.version for task_id, f in facts.items()},
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
