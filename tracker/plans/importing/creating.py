"""Step 3, creating: officers matched within the unit (by name, position or department:
officers.py), then the Plan, its TaskGroups and Tasks (recurring ones with their occurrences).
Flushes, never commits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.audit import current_actor_id
from tracker.core.clock import today
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Unit
from tracker.people.operations import ensure_open
from tracker.people.queries import unit_calendar
from tracker.plans.importing.metadata import (
    DEFAULT_APPENDIX_ROW,
    DOCUMENT_NUMBER_MAX,
    NO_APPENDIX_ROW,
    TITLE_MAX,
    PlanMetadata,
    guess_kind,
)
from tracker.plans.importing.officers import OfficerMatcher
from tracker.plans.importing.parsing import ParsedPlan, parse_with_problems
from tracker.plans.importing.problems import ImportProblems, Problem, _
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import CadenceMode, Task
from tracker.tasks.operations import default_confirmer, lay_out_occurrences
from tracker.tasks.recurrence import cadence_from_phrase

log = logging.getLogger("tracker.plans")


@dataclass(slots=True)
class _Resolved:
    lead: dict[int, Officer | None]  # task index -> lead
    supporters: dict[int, list[Officer]]


def _resolve_officers(
    session: Session, unit: Unit, parsed: ParsedPlan
) -> tuple[_Resolved, list[Problem]]:
    """Each task's lead and supporting officers, matched by name, position or department
    (officers.py); every cell that names nobody, or several, is a problem."""
    matcher = OfficerMatcher(session.scalars(select(Officer).where(Officer.unit_id == unit.id)))
    problems: list[Problem] = []
    resolved = _Resolved({}, {})
    for index, task in enumerate(parsed.tasks):
        lead = None
        if task.lead_name:
            found = matcher.find_each(task.lead_name)
            if len(found.officers) > 1:
                message = _(
                    "chỉ ghi một cán bộ chủ trì (đang có %(n)s: %(names)s)",
                    n=len(found.officers),
                    names=", ".join(o.full_name for o in found.officers),
                )
                problems.append(Problem(task.line, message))
            elif found.officers:
                lead = found.officers[0]
            else:
                problems.append(Problem(task.line, found.problem))
        resolved.lead[index] = lead
        supporters: list[Officer] = []
        for name in task.supporter_names:
            found = matcher.find_each(name)
            if not found.officers:
                problems.append(Problem(task.line, found.problem))
            supporters += [o for o in found.officers if o not in supporters and o is not lead]
        resolved.supporters[index] = supporters
    return resolved, problems


def _metadata_problems(title: str, number: str) -> list[Problem]:
    problems = []
    if not title:
        problems.append(Problem(None, _("Kế hoạch cần có tiêu đề.")))
    if len(title) > TITLE_MAX:
        problems.append(Problem(None, _("Tiêu đề dài quá %(max)s ký tự.", max=TITLE_MAX)))
    if len(number) > DOCUMENT_NUMBER_MAX:
        problems.append(
            Problem(None, _("Số văn bản dài quá %(max)s ký tự.", max=DOCUMENT_NUMBER_MAX))
        )
    return problems


def _resolve_metadata(parsed: ParsedPlan, metadata: PlanMetadata) -> dict[str, Any]:
    title = " ".join((metadata.title or parsed.title or PurePath(parsed.filename).stem).split())
    number = (metadata.document_number or parsed.document_number or "").strip()
    document_date = metadata.document_date or parsed.document_date
    if metadata.start_year is not None:
        start, end = metadata.start_year, metadata.end_year or metadata.start_year
    elif parsed.years:
        start, end = parsed.years
    else:
        start = end = (document_date or today()).year
    kind = metadata.kind or guess_kind(" ".join([title, *parsed.title_lines]))
    if metadata.appendix_row == NO_APPENDIX_ROW:
        appendix_row = None
    else:
        appendix_row = metadata.appendix_row or DEFAULT_APPENDIX_ROW[kind]
    problems = _metadata_problems(title, number)
    if end < start:
        problems.append(Problem(None, _("Năm kết thúc không được trước năm bắt đầu.")))
    if problems:
        raise ImportProblems(problems)
    return {
        "kind": kind,
        "title": title,
        "document_number": number,
        "document_date": document_date,
        "start_year": start,
        "end_year": end,
        "appendix_row": appendix_row,
    }


def import_plan(
    session: Session, unit: Unit, parsed: ParsedPlan, metadata: PlanMetadata | None = None
) -> Plan:
    """Create the parsed plan in the unit; raises ImportProblems (creating nothing) when a
    named officer is not found, or the metadata is unusable. Flushes, never commits."""
    metadata = metadata or PlanMetadata()
    try:
        ensure_open(unit)  # a closed unit takes no new plan
    except Refusal as refusal:
        raise ImportProblems([(None, refusal.message)]) from None
    resolved, problems = _resolve_officers(session, unit, parsed)
    problems = [*parsed.problems, *problems]
    if problems:
        raise ImportProblems(problems)
    fields = _resolve_metadata(parsed, metadata)
    plan = Plan(unit=unit, **fields)
    groups = [
        TaskGroup(plan=plan, ordinal=ordinal, name=group.name)
        for ordinal, group in enumerate(parsed.groups, start=1)
    ]
    session.add(plan)
    session.add_all(groups)
    confirmer = default_confirmer(session, unit.id)
    calendar = unit_calendar(session, unit.id)
    for index, item in enumerate(parsed.tasks):
        task = Task(
            plan=plan,
            group=groups[item.group] if item.group is not None else None,
            ordinal=index + 1,
            title=item.title,
            deliverable=item.deliverable,
            lead_officer=resolved.lead[index],
            supporters=resolved.supporters[index],
            confirmer=confirmer,
            deadline=item.deadline,
            recurrence_note=item.recurrence_note,
            # A plan's original tasks entered it on its document date, unless the row says.
            entered_on=item.entered_on or plan.document_date or today(),
        )
        cadence = cadence_from_phrase(item.recurrence_note) if item.deadline is None else None
        if cadence is not None:
            # "Hàng tháng" in a plan means one result per month, each with its own deadline.
            task.cadence_every, task.cadence_unit = cadence
            task.cadence_mode = CadenceMode.FIXED
            lay_out_occurrences(session, task, calendar)
        session.add(task)
    session.flush()
    log.info(
        "officer %s imported plan %s %r with %s tasks, unit %s",
        current_actor_id(),
        plan.id,
        plan.title,
        len(parsed.tasks),
        unit.id,
    )
    return plan


def import_plan_file(
    session: Session,
    unit: Unit,
    filename: str,
    data: bytes,
    metadata: PlanMetadata | None = None,
) -> Plan:
    """Parse and import in one go, reporting the file's bad rows and unknown officers together."""
    parsed = parse_with_problems(filename, data)
    return import_plan(session, unit, parsed, metadata)
