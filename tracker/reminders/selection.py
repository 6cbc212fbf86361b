"""What reminder is due, to whom, on a day: the one place that decides it.

One pass looks at every unit at once, in a fixed handful of queries whatever the number of tasks
(the settings, the open tasks and open occurrences with their supporting officers, the units'
calendar exceptions, officers, chairpersons, pending confirmations, what was already
recorded). Where a task stands is asked of `tracker.core.status.deadline_class`, the rule every
page uses; working days come from the unit's calendar (`tracker.core.workdays`, tabulated by
`.calendar`).

The schedule of a task (or of one occurrence of a recurring task) with deadline D, for its lead
officer (supporting officers in copy, if the unit says so):

- before: n working days before D, for each n of the unit's `days_before` (7, 3, 1);
- due: on D;
- overdue: on the first working day after D, then every `overdue_every` working days (3) while
  the task stays open and overdue;
- escalation, to the chairperson: once, when the task is overdue more than `escalate_after`
  working days (5).

And per unit with open work, to the chairperson, a weekly digest (overdue tasks and pending
confirmations) on `digest_weekday` (Monday).

Nothing is due in a unit on a day that is not a working day there; what the schedule puts on one
is due on the next working day. A reminder its recipient turned off in their own settings
(reminders.preferences) is not due to them, unless their unit requires it; an overdue reminder
cannot be turned off. A day's reminder is the latest one the schedule has reached by
then: a pass after missed days catches up with one reminder per task, not one per missed day,
and a reminder already recorded (same subject, kind, scheduled day and recipient) is not due
again. Only open tasks are reminded (not started, in progress, returned): a submitted completion
stops them. The lead is the task's lead now: a reassigned task reminds its new lead.

The sources of reminders are listed once, where the app is built (`tracker.configure_reminders`):
the two below, the meeting reminder (`tracker.meetings.reminders`) and the report reminder
(`tracker.appendix.reminders`).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from flask import Flask, current_app
from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.core.status import DeadlineClass, deadline_class
from tracker.core.workdays import CalendarBook, WorkCalendar, WorkdayIndex
from tracker.people.models import Officer, OfficerRole, Role
from tracker.people.queries import calendar_exceptions
from tracker.plans.models import Plan
from tracker.reminders.models import (
    DEFAULT_POLICY,
    RecipientRole,
    ReminderItem,
    ReminderKind,
    ReminderPolicy,
    ReminderPreference,
    ReminderSettings,
    parse_keys,
)
from tracker.reminders.preferences import wanted
from tracker.reminders.rendering import Line
from tracker.tasks.models import OPEN_STATES, Task, TaskOccurrence, TaskState, task_supporters

# Slack of calendar days around the indexed range, for units with many extra days off.
_SLACK_DAYS = 45

Key = tuple[str, ReminderKind, date, int]


# Due and OpenSubject are values nobody assigns to, yet not frozen: a frozen dataclass sets each
# field through object.__setattr__, which made building them (250,000 of each for the nation's
# daily pass) five times slower. unsafe_hash keeps them hashable, from their fields.
@dataclass(slots=True, unsafe_hash=True)
class Due:
    """One reminder the schedule has reached: to `recipient_id`, about `subject`."""

    subject: str
    kind: ReminderKind
    due_on: date  # the day the schedule put it on
    recipient_id: int
    role: RecipientRole
    unit_id: int
    task_id: int | None = None
    occurrence_id: int | None = None
    deadline: date | None = None
    days: int | None = None  # working days left (before, due) or overdue (overdue, escalation)
    # a digest's (overdue, pending confirmation); a meeting's (due, done, overdue) in the month
    counts: tuple[int, ...] | None = None
    title: str = ""  # what a reminder about no task is about ("Quý I năm 2025")

    @property
    def key(self) -> Key:
        return (self.subject, self.kind, self.due_on, self.recipient_id)


@dataclass(slots=True, unsafe_hash=True)
class OpenSubject:
    """An open task, or an open occurrence of a recurring task: what a reminder is about.

    It has what `deadline_class` reads, and nothing else it reads (no histories): its class
    follows from its deadline and completion alone. `is_recurring` is False because an
    occurrence is classed on its own dates (a recurring task's class is that of its
    occurrences)."""

    subject: str  # "task:<id>" or "occurrence:<id>" (`subject_key`)
    task_id: int
    occurrence_id: int | None
    unit_id: int
    lead_officer_id: int | None
    deadline: date | None
    completed_on: date | None
    title: str
    label: str = ""  # the occurrence's period ("Tháng 3/2024")
    is_recurring: bool = False


def subject_key(task_id: int, occurrence_id: int | None) -> str:
    """What a reminder about a task, or about one occurrence of it, is keyed by."""
    if occurrence_id is not None:
        return f"occurrence:{occurrence_id}"
    return f"task:{task_id}"


class OfficerInfo(NamedTuple):
    id: int
    unit_id: int
    full_name: str
    email_reminders: bool
    muted: frozenset[str] = frozenset()  # optional reminders they turned off (preferences)


@dataclass
class SelectionContext:
    """What a source needs, loaded once for the pass."""

    session: Session
    day: date
    policies: dict[int, ReminderPolicy]
    book: CalendarBook
    officers: dict[int, OfficerInfo]  # active officers
    chairs: dict[int, list[int]]  # unit -> active chairpersons
    subjects: list[OpenSubject]
    classes: dict[str, DeadlineClass]  # subject -> class as of `day`
    supporters: dict[int, list[int]]  # task -> supporting officers
    units: set[int]  # units with open work or pending confirmations
    pending: dict[int, int] = field(default_factory=dict)  # unit -> pending confirmations

    def policy(self, unit_id: int) -> ReminderPolicy:
        return self.policies.get(unit_id) or DEFAULT_POLICY

    def index(self, unit_id: int) -> WorkdayIndex:
        return self.book[unit_id]

    def is_working_day(self, unit_id: int) -> bool:
        return self.book[unit_id].is_working_day(self.day)


@dataclass
class Selection:
    day: date
    dues: list[Due]  # not recorded yet, in key order
    already_recorded: int  # due today but recorded by an earlier pass
    closed_units: set[int]  # units where `day` is not a working day
    context: SelectionContext
    subjects: dict[str, OpenSubject] = field(default_factory=dict)  # by subject key


Source = Callable[[SelectionContext], Iterable[Due]]
# (session, the batch's attached items of the source's kind, today, url builder) ->
# (subject, recipient id) -> the lines written under each item in its email.
EmailLines = Callable[
    [Session, list[ReminderItem], date, Callable[..., str]], dict[tuple[str, int], list[Line]]
]
SOURCES_KEY = "tracker.reminder_sources"  # in app.extensions


@dataclass(frozen=True, slots=True)
class ReminderSource:
    """A source of reminders as the app lists it (`tracker.configure_reminders`): what it selects
    and, for a source of a higher area, the lines its reminders of `kind` carry in an email."""

    select: Source
    kind: ReminderKind | None = None
    email_lines: EmailLines | None = None


def registered_sources(app: Flask | None = None) -> tuple[ReminderSource, ...]:
    """The sources of reminders the app was built with, as listed."""
    return (app or current_app).extensions[SOURCES_KEY]


def app_sources(app: Flask | None = None) -> tuple[Source, ...]:
    """What each source the app was built with selects (`tracker.configure_reminders`)."""
    return tuple(source.select for source in registered_sources(app))


def app_email_lines(app: Flask | None = None) -> dict[ReminderKind, EmailLines]:
    """The kinds of reminder whose source writes lines under them in an email, and how."""
    return {
        source.kind: source.email_lines
        for source in registered_sources(app)
        if source.kind is not None and source.email_lines is not None
    }


# ---------------------------------------------------------------------------- the schedule


def lead_reminder(
    index: WorkdayIndex, policy: ReminderPolicy, deadline: date, status: DeadlineClass, day: date
) -> tuple[ReminderKind, date, int] | None:
    """The latest reminder of the lead's schedule reached by `day`: (kind, scheduled day, days).

    `day` is a working day of the unit; `status` is `deadline_class` as of `day`."""
    if status is DeadlineClass.OPEN_OVERDUE:
        every = policy.overdue_every
        late = index.working_days_between(deadline, day)
        if every <= 0 or late <= 0:
            return None
        step = (late - 1) // every
        return ReminderKind.OVERDUE, index.add_working_days(deadline, 1 + step * every), late
    if status is not DeadlineClass.OPEN_ON_TIME:
        return None
    left = index.working_days_between(day, deadline)
    if policy.on_deadline and index.next_working_day(deadline) <= day:
        return ReminderKind.DUE, deadline, left
    reached = None
    for n in policy.days_before:  # largest first: the last one reached is the latest
        before = index.working_days_before(deadline, n)
        if before <= day:
            reached = (ReminderKind.BEFORE, before, left)
    return reached


def escalation(
    index: WorkdayIndex, policy: ReminderPolicy, deadline: date, status: DeadlineClass, day: date
) -> tuple[date, int] | None:
    """(scheduled day, working days overdue) once the task is overdue more than the limit."""
    if status is not DeadlineClass.OPEN_OVERDUE or policy.escalate_after <= 0:
        return None
    late = index.working_days_between(deadline, day)
    if late <= policy.escalate_after:
        return None
    return index.add_working_days(deadline, policy.escalate_after + 1), late


def digest_day(index: WorkdayIndex, policy: ReminderPolicy, day: date) -> date | None:
    """The digest day (this week's, or last week's if this week's has not come) reached by
    `day`, counting a digest day that is off as its next working day."""
    if policy.digest_weekday is None:
        return None
    monday = day - timedelta(days=day.weekday())
    for week in (monday, monday - timedelta(days=7)):
        scheduled = week + timedelta(days=policy.digest_weekday)
        if scheduled <= day and index.next_working_day(scheduled) <= day:
            return scheduled
    return None


# ---------------------------------------------------------------------------- the sources


def deadline_reminders(ctx: SelectionContext) -> Iterable[Due]:
    """Before, on and after each open deadline to the lead (and supporters); escalations."""
    # A nation's pass walks fifty thousand subjects in three thousand units, most of which share
    # the national calendar and the default rules: what depends on the unit alone is looked up
    # once per unit, and the (pure) schedule once per (calendar, rules, deadline, class).
    units: dict[int, tuple[ReminderPolicy, WorkdayIndex, tuple[int, int]] | None] = {}
    schedules: dict[tuple[tuple[int, int], date, DeadlineClass], tuple] = {}
    officers, supporters, chairs, classes = ctx.officers, ctx.supporters, ctx.chairs, ctx.classes
    day = ctx.day
    lead, supporter, chair = RecipientRole.LEAD, RecipientRole.SUPPORTER, RecipientRole.CHAIR
    escalated_kind = ReminderKind.ESCALATION
    for s in ctx.subjects:
        deadline = s.deadline
        if deadline is None:
            continue
        unit_id = s.unit_id
        try:
            in_unit = units[unit_id]
        except KeyError:
            in_unit = units[unit_id] = _unit_rules(ctx, unit_id)
        if in_unit is None:
            continue
        policy, index, rules = in_unit
        subject = s.subject
        status = classes[subject]
        key = (rules, deadline, status)
        try:
            reached, escalated = schedules[key]
        except KeyError:
            reached, escalated = schedules[key] = (
                lead_reminder(index, policy, deadline, status, day),
                escalation(index, policy, deadline, status, day),
            )
        if reached is not None and s.lead_officer_id in officers:
            kind, due_on, days = reached
            lead_id = s.lead_officer_id
            yield Due(
                subject, kind, due_on, lead_id, lead, unit_id, s.task_id, s.occurrence_id,
                deadline, days,
            )  # fmt: skip
            if policy.copy_supporters:
                for officer_id in supporters.get(s.task_id, ()):
                    if officer_id != lead_id and officer_id in officers:
                        yield Due(
                            subject, kind, due_on, officer_id, supporter, unit_id, s.task_id,
                            s.occurrence_id, deadline, days,
                        )  # fmt: skip
        if escalated is not None:
            due_on, days = escalated
            for chair_id in chairs.get(unit_id, ()):
                yield Due(
                    subject, escalated_kind, due_on, chair_id, chair, unit_id, s.task_id,
                    s.occurrence_id, deadline, days,
                )  # fmt: skip


def _unit_rules(
    ctx: SelectionContext, unit_id: int
) -> tuple[ReminderPolicy, WorkdayIndex, tuple[int, int]] | None:
    """(rules, calendar, what identifies the pair in this pass) of a unit where the pass's day
    is a working day; None where it is not. Units without their own settings share the default
    rules, and units without calendar exceptions the national calendar: one pair for most."""
    if not ctx.is_working_day(unit_id):
        return None
    policy, index = ctx.policy(unit_id), ctx.index(unit_id)
    return policy, index, (id(policy), id(index))  # both live as long as the pass's context


def weekly_digests(ctx: SelectionContext) -> Iterable[Due]:
    """To each chairperson of a unit with open work, on the unit's digest day (an all-clear
    is news too; and a digest that waited for something to say would arrive any day)."""
    overdue: dict[int, set[int]] = defaultdict(set)
    classes, late = ctx.classes, DeadlineClass.OPEN_OVERDUE
    for s in ctx.subjects:
        if classes[s.subject] is late:
            overdue[s.unit_id].add(s.task_id)
    days: dict[tuple[int, int], date | None] = {}  # (rules, calendar) -> the digest day
    for unit_id in sorted(ctx.units):
        chairs = ctx.chairs.get(unit_id)
        if not chairs:
            continue
        in_unit = _unit_rules(ctx, unit_id)
        if in_unit is None:
            continue
        policy, index, rules = in_unit
        if rules not in days:
            days[rules] = digest_day(index, policy, ctx.day)
        scheduled = days[rules]
        if scheduled is None:
            continue
        counts = (len(overdue.get(unit_id, ())), ctx.pending.get(unit_id, 0))
        for chair_id in chairs:
            yield Due(
                subject=f"unit:{unit_id}",
                kind=ReminderKind.DIGEST,
                due_on=scheduled,
                recipient_id=chair_id,
                role=RecipientRole.CHAIR,
                unit_id=unit_id,
                counts=counts,
            )


# The meetings' source is tracker.meetings.reminders.meeting_reminders: before each open
# meeting, on the working day `meeting_days_before` before it, a Due of kind MEETING, subject
# "meeting:<id>", role MEMBER, to every active officer of the unit.


# ---------------------------------------------------------------------------- loading


def load_policies(session: Session) -> dict[int, ReminderPolicy]:
    return {
        row.unit_id: ReminderPolicy.from_settings(row)
        for row in session.scalars(select(ReminderSettings))
    }


def open_subjects(
    session: Session, until: date | None = None, supporters: dict[int, list[int]] | None = None
) -> list[OpenSubject]:
    """Open tasks and open occurrences of live plans, with a deadline (up to `until`); with
    `supporters`, each of their tasks' supporting officers put into it (task -> officers).

    Two queries: one-off tasks by their own state, occurrences of recurring tasks by theirs;
    the supporters are joined to them (a row per supporter) rather than read by a third query
    that would go over the tasks again."""
    open_states = sorted(OPEN_STATES)
    # A task withdrawn from its plan is no one's work any more: no reminders.
    alive = (Plan.archived_at.is_(None), Task.archived_at.is_(None), Task.withdrawn_on.is_(None))
    tasks = (
        select(
            Task.id,
            Plan.unit_id,
            Task.lead_officer_id,
            Task.deadline,
            Task.completed_on,
            Task.title,
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            *alive,
            Task.cadence_every.is_(None),
            Task.state.in_(open_states),
            Task.deadline.is_not(None),
        )
        .order_by(Task.id)
    )
    occurrences = (
        select(
            TaskOccurrence.task_id,
            Plan.unit_id,
            Task.lead_officer_id,
            TaskOccurrence.deadline,
            TaskOccurrence.completed_on,
            Task.title,
            TaskOccurrence.id,
            TaskOccurrence.label,
        )
        .join(Task, Task.id == TaskOccurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            *alive,
            Task.cadence_every.is_not(None),
            TaskOccurrence.state.in_(open_states),
            TaskOccurrence.deadline.is_not(None),
        )
        .order_by(TaskOccurrence.id)
    )
    if until is not None:
        tasks = tasks.where(Task.deadline <= until)
        occurrences = occurrences.where(TaskOccurrence.deadline <= until)
    if supporters is None:
        return [
            OpenSubject(subject_key(task_id, None), task_id, None, *row)
            for task_id, *row in _rows(session, tasks)
        ] + [
            OpenSubject(subject_key(task_id, occ_id), task_id, occ_id, *row, label)
            for task_id, *row, occ_id, label in _rows(session, occurrences)
        ]
    officer = task_supporters.c.officer_id
    tasks = tasks.add_columns(officer).outerjoin(
        task_supporters, task_supporters.c.task_id == Task.id
    )
    occurrences = occurrences.add_columns(officer).outerjoin(
        task_supporters, task_supporters.c.task_id == TaskOccurrence.task_id
    )
    subjects: list[OpenSubject] = []
    last: str | None = None
    for task_id, unit_id, lead_id, deadline, completed_on, title, *occurrence, officer_id in (
        *_rows(session, tasks.order_by(officer)),
        *_rows(session, occurrences.order_by(officer)),
    ):
        # A subject's rows are together, one per supporter (one with none if it has none).
        occ_id, label = occurrence or (None, "")
        subject = subject_key(task_id, occ_id)
        if subject != last:
            last = subject
            item = (task_id, occ_id, unit_id, lead_id, deadline, completed_on, title, label)
            subjects.append(OpenSubject(subject, *item))
            # A recurring task's supporters come with each of its occurrences: kept once.
            listed = supporters.setdefault(task_id, [])
            fresh = not listed
        if officer_id is not None and fresh:
            listed.append(officer_id)
    return subjects


def _rows(session: Session, statement) -> Sequence[Row]:
    """The rows of a select of columns, on the session's connection without the ORM's per-row
    processing (tens of thousands of rows in a nation's pass), fetched at once (not one call
    to the driver per row). Unlike `session.execute` it does not flush the session:
    `select_due` reads through the ORM first (`load_policies`)."""
    return session.connection().execute(statement).all()


def deadline_classes(subjects: Iterable[OpenSubject], day: date) -> dict[str, DeadlineClass]:
    """Subject -> `deadline_class` as of `day`. An open subject's class follows from its
    deadline and completion alone (it carries no history), so the rule is asked once per
    distinct pair of them."""
    by_dates: dict[tuple[date | None, date | None], DeadlineClass] = {}
    classes: dict[str, DeadlineClass] = {}
    for s in subjects:
        dates = (s.deadline, s.completed_on)
        status = by_dates.get(dates)
        if status is None:
            status = by_dates[dates] = deadline_class(s, day)
        classes[s.subject] = status
    return classes


def _officers(session: Session) -> dict[int, OfficerInfo]:
    rows = _rows(
        session,
        select(
            Officer.id,
            Officer.unit_id,
            Officer.full_name,
            Officer.email_reminders,
            ReminderPreference.muted,
        )
        .outerjoin(ReminderPreference, ReminderPreference.officer_id == Officer.id)
        .where(Officer.active),
    )
    return {
        officer_id: OfficerInfo(officer_id, unit_id, name, by_email, parse_keys(muted))
        for officer_id, unit_id, name, by_email, muted in rows
    }


def _chairs(session: Session) -> dict[int, list[int]]:
    chairs: dict[int, list[int]] = defaultdict(list)
    for officer_id, unit_id in session.execute(
        select(Officer.id, Officer.unit_id)
        .join(OfficerRole, OfficerRole.officer_id == Officer.id)
        .where(OfficerRole.role == Role.CHAIRPERSON, Officer.active)
        .order_by(Officer.id)
    ):
        chairs[unit_id].append(officer_id)
    return chairs


def _pending_confirmations(session: Session) -> dict[int, int]:
    return dict(
        session.execute(
            select(Plan.unit_id, func.count(Task.id))
            .join(Plan, Plan.id == Task.plan_id)
            .where(
                Plan.archived_at.is_(None),
                Task.archived_at.is_(None),
                Task.withdrawn_on.is_(None),
                Task.state == TaskState.PENDING_CONFIRMATION,
            )
            .group_by(Plan.unit_id)
        ).all()
    )


def _recorded(session: Session, dues: list[Due]) -> set[Key]:
    """Keys among `dues` recorded already: one query, bounded by the earliest day per kind."""
    earliest: dict[ReminderKind, date] = {}
    for due in dues:
        if due.kind not in earliest or due.due_on < earliest[due.kind]:
            earliest[due.kind] = due.due_on
    if not earliest:
        return set()
    rows = session.execute(
        select(
            ReminderItem.subject, ReminderItem.kind, ReminderItem.due_on, ReminderItem.recipient_id
        ).where(
            or_(
                *(
                    and_(ReminderItem.kind == kind, ReminderItem.due_on >= day)
                    for kind, day in earliest.items()
                )
            )
        )
    )
    return {(subject, ReminderKind(kind), due_on, to) for subject, kind, due_on, to in rows}


def select_due(
    session: Session, day: date, sources: Iterable[Source] | None = None
) -> Selection:
    """Every reminder due on `day` and not recorded yet, for every unit, from `sources` (the
    app's, when not given)."""
    with _cyclic_gc_paused():
        return _select_due(session, day, sources)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The cycle collector paused while a pass builds its hundreds of thousands of small
    objects (rows, subjects, dues; none of them in a reference cycle), which it would otherwise
    walk over and over as they pile up: half the CPU time of a nation's pass. They are freed by
    reference counting as ever; the collector resumes afterwards (if it was running)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _select_due(session: Session, day: date, sources: Iterable[Source] | None) -> Selection:
    sources = app_sources() if sources is None else tuple(sources)
    policies = load_policies(session)
    longest = max(
        (max(p.days_before, default=0) for p in (DEFAULT_POLICY, *policies.values())), default=0
    )
    horizon = WorkCalendar().add_working_days(day, longest) + timedelta(days=_SLACK_DAYS)
    supporters: dict[int, list[int]] = {}
    subjects = open_subjects(session, until=horizon, supporters=supporters)
    earliest = min((s.deadline for s in subjects), default=day)
    start = min(earliest, day) - timedelta(days=2 * longest + _SLACK_DAYS)
    book = CalendarBook(start, horizon + timedelta(days=_SLACK_DAYS), calendar_exceptions(session))
    classes = deadline_classes(subjects, day)
    pending = _pending_confirmations(session)
    ctx = SelectionContext(
        session=session,
        day=day,
        policies=policies,
        book=book,
        officers=_officers(session),
        chairs=_chairs(session),
        subjects=subjects,
        classes=classes,
        supporters=supporters,
        units={s.unit_id for s in subjects} | set(pending),
        pending=pending,
    )
    found: dict[Key, Due] = {}
    officers = ctx.officers
    for source in sources:
        for due in source(ctx):
            # What its recipient turned off is not due to them (unless their unit requires it).
            officer = officers.get(due.recipient_id)
            off = officer.muted if officer else None
            if off and not wanted(due.kind, due.role, off, ctx.policy(due.unit_id).required):
                continue
            key = (due.subject, due.kind, due.due_on, due.recipient_id)  # due.key, inlined
            if key not in found:
                found[key] = due
    recorded = _recorded(session, list(found.values()))
    # The keys alone are sorted (distinct: no comparing equal keys then their dues).
    dues = [found[key] for key in sorted(found) if key not in recorded]
    closed = {unit_id for unit_id in ctx.units if not ctx.is_working_day(unit_id)}
    return Selection(
        day=day,
        dues=dues,
        already_recorded=len(found) - len(dues),
        closed_units=closed,
        context=ctx,
        subjects={s.subject: s for s in subjects},
    )
