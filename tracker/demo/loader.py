"""Load the demo ward (Phường Vĩnh Hòa, 2024) through the ordinary models and operations.

Idempotent: units are found by code, officers by email, plans by (ward, kind, document number);
whatever exists is left as it is, so a second load adds no row (and hence no audit event).
`load_demo` flushes and never commits: the caller (the CLI) commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.appendix.models import PeriodKind, ReportingPeriod
from tracker.appendix.operations import create_period
from tracker.core.audit import acting_as
from tracker.core.clock import local_zone
from tracker.demo.dataset import Dataset, PlanSpec, load_dataset
from tracker.documents.models import DocumentKind, IssuedDocument
from tracker.documents.operations import entry_for_evidence, find_entry
from tracker.documents.rules import number_key
from tracker.meetings.agenda import live_agenda, proposed_grade
from tracker.meetings.models import Meeting
from tracker.meetings.operations import (
    MeetingInput,
    close_meeting,
    evaluate,
    open_meeting,
    unit_grades,
)
from tracker.meetings.queries import unevaluated
from tracker.people.models import Officer, Unit
from tracker.people.operations import (
    create_officer,
    ensure_unit,
    get_officer_by_email,
    get_unit_by_code,
)
from tracker.people.passwords import hash_password
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Evidence, Task


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    roles: tuple[str, ...]
    password: str
    full_name: str
    position: str
    unit_code: str

    @property
    def role(self) -> str:
        return ", ".join(self.roles)


@dataclass(slots=True)
class DemoResult:
    """What one load created (all zero when the demo was already there) and the logins."""

    ward: Unit
    units_created: list[Unit] = field(default_factory=list)
    officers_created: list[Officer] = field(default_factory=list)
    plans_created: list[Plan] = field(default_factory=list)
    tasks_created: int = 0
    evidence_created: int = 0
    documents_created: int = 0
    periods_created: int = 0
    meetings_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def already_loaded(self) -> bool:
        return not (
            self.units_created or self.officers_created or self.plans_created
            or self.periods_created
            or self.meetings_created
            or self.documents_created
        )


def demo_logins(data: Dataset) -> list[DemoLogin]:
    return [
        DemoLogin(
            email=o.email,
            roles=tuple(r.value for r in o.roles),
            password=data.password,
            full_name=o.full_name,
            position=o.position,
            unit_code=o.unit,
        )
        for o in data.officers
    ]


def load_demo(session: Session, data: Dataset | None = None) -> DemoResult:
    """Create whatever part of the demo is missing; flush, never commit."""
    data = data or load_dataset()
    with acting_as(None):
        units, units_created = _ensure_units(session, data)
        officers, officers_created = _ensure_officers(session, data, units)
        result = DemoResult(
            ward=units[data.ward],
            units_created=units_created,
            officers_created=officers_created,
            logins=demo_logins(data),
        )
        result.documents_created = _ensure_register(session, units[data.ward], data, officers)
        for spec in data.plans:
            if _find_plan(session, units[data.ward], spec) is not None:
                continue
            plan, tasks, evidence = _create_plan(session, units[data.ward], spec, officers)
            result.plans_created.append(plan)
            result.tasks_created += tasks
            result.evidence_created += evidence
        result.periods_created = _ensure_periods(session, units[data.ward], data)
        result.meetings_created = _ensure_meetings(session, units[data.ward], data, officers)
    return result


def _ensure_register(
    session: Session, ward: Unit, data: Dataset, officers: dict[str, Officer]
) -> int:
    """The ward's register entries (register.toml) not entered yet; the evidence of the
    plans' tasks finds them (or enters its own) as a completion does."""
    created = 0
    for spec in data.documents:
        if find_entry(session, ward.id, spec.number, spec.date.year) is not None:
            continue
        session.add(IssuedDocument(
            unit_id=ward.id, number=spec.number, number_key=number_key(spec.number),
            year=spec.date.year, issued_on=spec.date, kind=DocumentKind(spec.kind),
            subject=spec.subject, signer=officers[spec.signer].full_name,
        ))
        session.flush()
        created += 1
    return created


def _ensure_periods(session: Session, ward: Unit, data: Dataset) -> int:
    created = 0
    for spec in data.periods:
        kind = PeriodKind(spec.kind)
        exists = session.scalar(
            select(ReportingPeriod.id).where(
                ReportingPeriod.unit_id == ward.id,
                ReportingPeriod.kind == kind,
                ReportingPeriod.start == spec.start,
                ReportingPeriod.end == spec.end,
            )
        )
        if exists is None:
            create_period(session, ward, kind, spec.label, spec.start, spec.end)
            created += 1
    return created


def _ensure_meetings(
    session: Session, ward: Unit, data: Dataset, officers: dict[str, Officer]
) -> int:
    """Each meeting held as the product runs one: opened, every officer with a proposal
    (but the chair) graded as proposed, the others "không đánh giá" with their reason, closed
    at the end of its morning (figures frozen)."""
    created = 0
    for spec in data.meetings:
        exists = session.scalar(
            select(Meeting.id).where(
                Meeting.unit_id == ward.id, Meeting.year == spec.year, Meeting.month == spec.month
            )
        )
        if exists is not None:
            continue
        chair, secretary = officers[spec.chair], officers[spec.secretary]
        data_in = MeetingInput(
            spec.year, spec.month, spec.held_on, spec.starts_at, spec.place, spec.number,
            chair.id, secretary.id,
        )
        meeting = open_meeting(session, ward, data_in, secretary)
        grades = unit_grades(session, ward.id)
        for section in live_agenda(session, meeting)["officers"]:
            proposal = proposed_grade(grades, section["level"])
            if proposal is not None and section["officer_id"] != chair.id:  # not themselves
                evaluate(session, meeting, chair, section["officer_id"], proposal.id)
        # Stored text (the minutes'): Vietnamese. The chair is graded by the level above.
        not_evaluated = {
            row.officer_id: "Chủ trì cuộc họp, do cấp trên đánh giá"
            if row.officer_id == chair.id
            else "Không có nhiệm vụ CCHC đến hạn trong tháng"
            for row in unevaluated(meeting)
        }
        ended = datetime.combine(spec.held_on, time(11, 0), tzinfo=local_zone())
        close_meeting(
            session, meeting, chair, spec.conclusions, not_evaluated=not_evaluated, now=ended
        )
        created += 1
    return created


def _ensure_units(session: Session, data: Dataset) -> tuple[dict[str, Unit], list[Unit]]:
    units: dict[str, Unit] = {}
    created: list[Unit] = []
    for spec in data.units:  # parents come first in the file
        existing = get_unit_by_code(session, spec.code)
        if existing is not None:
            units[spec.code] = existing
            continue
        parent = units[spec.parent] if spec.parent else None
        unit = ensure_unit(session, spec.code, spec.name, spec.kind, parent)
        units[spec.code] = unit
        created.append(unit)
    return units, created


def _ensure_officers(
    session: Session, data: Dataset, units: dict[str, Unit]
) -> tuple[dict[str, Officer], list[Officer]]:
    officers: dict[str, Officer] = {}
    created: list[Officer] = []
    password_hash: str | None = None
    for spec in data.officers:
        existing = get_officer_by_email(session, spec.email)
        if existing is not None:
            officers[spec.key] = existing
            continue
        if password_hash is None:
            # One argon2 hash (with its own salt) shared by the demo accounts: hashing the
            # same demo password 22 times would only slow the load down.
            password_hash = hash_password(data.password)
        officer = create_officer(
            session,
            unit=units[spec.unit],
            email=spec.email,
            full_name=spec.full_name,
            roles=spec.roles,
            position=spec.position,
        )
        officer.password_hash = password_hash
        officers[spec.key] = officer
        created.append(officer)
    if created:
        session.flush()
    return officers, created


def _find_plan(session: Session, ward: Unit, spec: PlanSpec) -> Plan | None:
    return session.scalar(
        select(Plan)
        .where(
            Plan.unit_id == ward.id,
            Plan.kind == spec.kind,
            Plan.document_number == spec.document_number,
        )
        .limit(1)
    )


def _create_plan(
    session: Session, ward: Unit, spec: PlanSpec, officers: dict[str, Officer]
) -> tuple[Plan, int, int]:
    plan = Plan(
        unit=ward,
        kind=spec.kind,
        title=spec.title,
        document_number=spec.document_number,
        document_date=spec.document_date,
        start_year=spec.start_year,
        end_year=spec.end_year,
        appendix_row=spec.appendix_row,
    )
    session.add(plan)
    groups = [
        TaskGroup(
            plan=plan,
            ordinal=i,
            name=g.name,
            description=g.description,
            overseer_id=officers[g.overseer].id if g.overseer else None,
        )
        for i, g in enumerate(spec.groups, 1)
    ]
    session.add_all(groups)
    tasks = evidence = 0
    for ordinal, (group_index, t) in enumerate(spec.tasks(), 1):
        lead = officers[t.lead]
        task = Task(
            plan=plan,
            group=groups[group_index] if group_index is not None else None,
            ordinal=ordinal,
            title=t.title,
            deliverable=t.deliverable,
            lead_officer=lead,
            confirmer=officers[t.confirmer],
            supporters=[officers[key] for key in t.supporters],
            deadline=t.deadline,
            recurrence_note=t.recurrence_note,
            notes=t.notes,
            state=t.state,
            progress_percent=t.progress,
            completed_on=t.completed_on,
            entered_on=spec.entered_on,
            # The report's completions were confirmed on their evidence date.
            confirmed_on=t.completed_on,
        )
        session.add(task)
        tasks += 1
        for e in t.evidence:
            session.add(
                Evidence(
                    task=task,
                    document=entry_for_evidence(
                        session, ward.id, lead, number=e.number, issued_on=e.date,
                        subject=e.summary,
                    ),
                    document_number=e.number,
                    document_date=e.date,
                    summary=e.summary,
                    added_by=lead,
                )
            )
            evidence += 1
    session.flush()
    return plan, tasks, evidence
