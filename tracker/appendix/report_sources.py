"""What the quarterly report's sections are written from, loaded for one period in a few
queries whatever the number of tasks: the unit's tasks with their field, evidence and latest
progress note, the period's review meetings, the meeting items marked as recommendations,
the previous period's figures and the officer's own details and texts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.appendix.models import ReportDraft, ReportingPeriod
from tracker.appendix.queries import DirectingDocument, previous_period, report_draft_of
from tracker.appendix.service import period_table
from tracker.appendix.table import Table, Value
from tracker.core.clock import end_of_day
from tracker.core.status import deadline_class, deadline_on, done_as_of, in_plan_on
from tracker.meetings.models import AgendaItem, Meeting, MeetingStatus
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Evidence, NoteKind, Task, TaskNote
from tracker.tasks.queries import load_occurrences


@dataclass(frozen=True, slots=True)
class Cited:
    number: str
    day: date | None
    summary: str


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """One task as the report reads it, as of the period end."""

    id: int
    title: str
    field: str  # its group's name ("Cải cách thủ tục hành chính")
    done_on: date | None  # confirmed completion as of the period end
    deadline: date | None  # in force at the period end
    progress: str  # its latest progress note by the period end
    progress_percent: int
    evidence: tuple[Cited, ...]


@dataclass
class ReportSources:
    tasks: list[TaskFacts] = field(default_factory=list)
    documents: list[DirectingDocument] = field(default_factory=list)  # section I.1's
    meetings: list[date] = field(default_factory=list)  # review meetings held in the period
    recommendations: list[str] = field(default_factory=list)
    previous: dict[str, Value] = field(default_factory=dict)  # the previous period's figures
    previous_label: str = ""
    draft: ReportDraft | None = None


def report_documents(session: Session, period: ReportingPeriod,
                     table: Table) -> list[DirectingDocument]:
    """The directing documents of the period that section I.1 lists and counts: row 1.1's
    own list, read from the register of issued documents (`documents.queries.
    directing_documents`, by the rule `documents.rules.directs_reform`) when the table was
    computed, or as frozen with it: the narrative and the table cannot disagree."""
    return list(table.documents)


def _tasks(session: Session, period: ReportingPeriod) -> list[TaskFacts]:
    year = period.end.year
    plans = (Plan.unit_id == period.unit_id, Plan.archived_at.is_(None),
             Plan.start_year <= year, Plan.end_year >= year, Task.archived_at.is_(None))
    rows = session.execute(
        select(Task, TaskGroup.name)
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(TaskGroup, TaskGroup.id == Task.group_id)
        .where(*plans)
        .order_by(Plan.id, Task.group_id, Task.ordinal, Task.id)
    ).all()
    tasks = [task for task, _name in rows]
    load_occurrences(session, tasks)
    # Evidence and progress notes for all of them, one query each (by the plans, not by a
    # list of ids, so the statement stays one whatever the number of tasks).
    evidence: dict[int, list[Cited]] = defaultdict(list)
    for task_id, number, day, summary in session.execute(
        select(Evidence.task_id, Evidence.document_number, Evidence.document_date,
               Evidence.summary)
        .join(Task, Task.id == Evidence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(*plans, Evidence.archived_at.is_(None),
               or_(Evidence.document_date.is_(None), Evidence.document_date <= period.end))
        .order_by(Evidence.task_id, Evidence.document_date, Evidence.id)
    ):
        evidence[task_id].append(Cited(number, day, summary))
    notes: dict[int, str] = {}
    for task_id, body in session.execute(
        select(TaskNote.task_id, TaskNote.body)
        .join(Task, Task.id == TaskNote.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(*plans, TaskNote.kind == NoteKind.PROGRESS,
               TaskNote.created_at < end_of_day(period.end))
        .order_by(TaskNote.task_id, TaskNote.created_at, TaskNote.id)
    ):
        if body.strip():
            notes[task_id] = body.strip()  # the latest wins
    found = []
    for task, group_name in rows:
        if not in_plan_on(task, period.end):
            continue
        done = done_as_of(task, period.end) if deadline_class(task, period.end).is_done else None
        found.append(TaskFacts(
            task.id, task.title, group_name or "", done, deadline_on(task, period.end),
            notes.get(task.id, ""), task.progress_percent, tuple(evidence.get(task.id, ())),
        ))
    return found


def load_report_sources(session: Session, period: ReportingPeriod,
                        table: Table) -> ReportSources:
    sources = ReportSources(tasks=_tasks(session, period),
                            documents=report_documents(session, period, table))
    sources.meetings = list(session.scalars(
        select(Meeting.held_on)
        .where(Meeting.unit_id == period.unit_id, Meeting.status == MeetingStatus.CLOSED,
               Meeting.held_on.between(period.start, period.end))
        .order_by(Meeting.held_on)
    ))
    sources.recommendations = [
        text.strip() for text in session.scalars(
            select(AgendaItem.text)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.unit_id == period.unit_id, AgendaItem.is_recommendation.is_(True),
                   Meeting.held_on.between(period.start, period.end))
            .order_by(Meeting.held_on, AgendaItem.id)
        ) if text.strip()
    ]
    before = previous_period(session, period)
    if before is not None:
        # Its whole table (frozen, or computed as of its own end): rates included.
        sources.previous = period_table(session, before).values()
        sources.previous_label = before.label
    sources.draft = report_draft_of(session, period.id)
    return sources


def tasks_due_between(session: Session, unit_id: int, start: date, end: date) -> list[TaskFacts]:
    """Open tasks whose deadline falls in [start, end]: the next quarter's work (section IV)."""
    year_plans = (Plan.unit_id == unit_id, Plan.archived_at.is_(None),
                  Plan.start_year <= end.year, Plan.end_year >= start.year)
    rows = session.execute(
        select(Task.id, Task.title, Task.deadline, Task.group_id, Task.completed_on)
        .join(Plan, Plan.id == Task.plan_id)
        .where(*year_plans, Task.archived_at.is_(None), Task.withdrawn_on.is_(None),
               Task.deadline.between(start, end), Task.completed_on.is_(None))
        .order_by(Task.deadline, Task.id)
    ).all()
    names = _group_names(session, {row.group_id for row in rows if row.group_id})
    return [
        TaskFacts(row.id, row.title, names.get(row.group_id, ""), None, row.deadline, "", 0, ())
        for row in rows
    ]


def _group_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(TaskGroup.id, TaskGroup.name).where(TaskGroup.id.in_(ids)))
    return {group_id: name for group_id, name in rows}


__all__ = ["ReportSources", "TaskFacts", "load_report_sources", "report_documents",
           "tasks_due_between"]
