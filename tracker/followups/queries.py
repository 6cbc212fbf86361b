"""What the task page and the monthly review meeting show of prompts and explanations."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload

from tracker.core.clock import local_zone
from tracker.followups.models import Decision, ExplanationRequest, TaskPrompt
from tracker.tasks.models import Task


@dataclass
class TaskFollowups:
    prompts: list[TaskPrompt]
    requests: list[ExplanationRequest]

    @property
    def open_request(self) -> ExplanationRequest | None:
        return next((r for r in self.requests if r.is_open), None)


def followups_probe():
    """Has the task prompts or explanation requests? Read with the task by the task page."""
    return or_(
        select(TaskPrompt.id).where(TaskPrompt.task_id == Task.id).exists(),
        select(ExplanationRequest.id).where(ExplanationRequest.task_id == Task.id).exists(),
    )


def task_followups(session: Session, task_id: int) -> TaskFollowups:
    prompts = session.scalars(
        select(TaskPrompt)
        .where(TaskPrompt.task_id == task_id)
        .options(joinedload(TaskPrompt.sender))
        .order_by(TaskPrompt.id.desc())
    ).all()
    requests = session.scalars(
        select(ExplanationRequest)
        .where(ExplanationRequest.task_id == task_id)
        .options(
            joinedload(ExplanationRequest.requested_by),
            joinedload(ExplanationRequest.answered_by),
            joinedload(ExplanationRequest.decided_by),
        )
        .order_by(ExplanationRequest.id.desc())
    ).all()
    return TaskFollowups(list(prompts), list(requests))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the unit's time zone, as aware datetimes [start, end)."""
    zone = local_zone()
    start = datetime.combine(date(year, month, 1), time(), tzinfo=zone)
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, datetime.combine(following, time(), tzinfo=zone)


@dataclass
class OfficerCount:
    officer_id: int | None
    name: str
    prompts: int = 0
    requests: int = 0
    answered: int = 0
    accepted: int = 0
    refused: int = 0


@dataclass
class MonthFollowups:
    prompts: list[TaskPrompt]
    requests: list[ExplanationRequest]
    by_officer: list[OfficerCount] = field(default_factory=list)


def _requests_of_month() -> tuple:
    # The one definition of "a unit's requests of a month" (bound: unit_id, start, end).
    return (
        ExplanationRequest.unit_id == bindparam("unit_id"),
        ExplanationRequest.requested_at >= bindparam("start"),
        ExplanationRequest.requested_at < bindparam("end"),
    )


@functools.cache
def _month_followups() -> tuple[Select, Select]:
    # Built once: every view of a review meeting runs them (their loader options cost to build
    # anew each time).
    prompts = (
        select(TaskPrompt)
        .where(
            TaskPrompt.unit_id == bindparam("unit_id"),
            TaskPrompt.created_at >= bindparam("start"),
            TaskPrompt.created_at < bindparam("end"),
        )
        .options(
            joinedload(TaskPrompt.task).joinedload(Task.plan),
            joinedload(TaskPrompt.sender),
            joinedload(TaskPrompt.lead_officer),
        )
        .order_by(TaskPrompt.created_at, TaskPrompt.id)
    )
    requests = (
        select(ExplanationRequest)
        .where(*_requests_of_month())
        .options(
            joinedload(ExplanationRequest.task).joinedload(Task.plan),
            joinedload(ExplanationRequest.requested_by),
            joinedload(ExplanationRequest.lead_officer),
            joinedload(ExplanationRequest.decided_by),
        )
        .order_by(ExplanationRequest.requested_at, ExplanationRequest.id)
    )
    return prompts, requests


@functools.cache
def _month_requests() -> Select:
    return (
        select(
            ExplanationRequest.task_id,
            ExplanationRequest.lead_officer_id,
            ExplanationRequest.deadline,
            ExplanationRequest.requested_at,
            ExplanationRequest.reason,
            ExplanationRequest.proposed_deadline,
            ExplanationRequest.decision,
        )
        .where(*_requests_of_month())
        .order_by(ExplanationRequest.requested_at, ExplanationRequest.id)
    )


def month_requests(session: Session, unit_id: int, year: int, month: int) -> list:
    """A unit's explanation requests of a month as light rows (the meeting's agenda): the
    requests of `month_followups` in its order, one query, no prompts and no objects."""
    start, end = month_bounds(year, month)
    return session.execute(
        _month_requests(), {"unit_id": unit_id, "start": start, "end": end}
    ).all()


def month_followups(session: Session, unit_id: int, year: int, month: int) -> MonthFollowups:
    """A unit's prompts and explanation requests of a month, and their counts per lead officer
    (the lead when they were sent): three queries whatever the month holds."""
    start, end = month_bounds(year, month)
    params = {"unit_id": unit_id, "start": start, "end": end}
    prompts_query, requests_query = _month_followups()
    prompts = session.scalars(prompts_query, params).all()
    requests = session.scalars(requests_query, params).all()
    counts: dict[int | None, OfficerCount] = {}

    def count_of(officer) -> OfficerCount:
        key = officer.id if officer else None
        if key not in counts:
            counts[key] = OfficerCount(key, officer.full_name if officer else "")
        return counts[key]

    for prompt in prompts:
        count_of(prompt.lead_officer).prompts += 1
    for request in requests:
        entry = count_of(request.lead_officer)
        entry.requests += 1
        entry.answered += request.is_answered
        entry.accepted += request.decision is Decision.ACCEPTED
        entry.refused += request.decision is Decision.REFUSED
    by_officer = sorted(counts.values(), key=lambda c: (c.officer_id is None, c.name))
    return MonthFollowups(list(prompts), list(requests), by_officer)
