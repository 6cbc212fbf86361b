"""The task workflow: assign, report progress, submit completion, confirm, return, reopen.

Operations take model objects and plain values, check the domain rules, flush, and never
commit. Permission checks happen before, in one place (core.permissions); the audit trail is
written by the flush listener (core.audit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from tracker.core import clock
from tracker.core.clock import utcnow
from tracker.core.files import StoredFile
from tracker.core.formatting import format_date
from tracker.core.locking import hold, lock
from tracker.core.permissions import Action, Submission, can, may_assign, may_be_confirmer
from tracker.core.refusals import Refusal
from tracker.core.workdays import WorkCalendar
from tracker.documents.models import IssuedDocument
from tracker.documents.operations import entry_for_evidence, file_fields
from tracker.documents.rules import DOCUMENT_NUMBER, validate_document  # noqa: F401
from tracker.people.models import Officer, OfficerRole, Role
from tracker.people.queries import unit_calendar
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.conflicts import already_done, stale_edit
from tracker.tasks.deadlines import move_deadline
from tracker.tasks.models import (
    CadenceMode,
    CadenceUnit,
    Evidence,
    NoteKind,
    Notification,
    Task,
    TaskNote,
    TaskOccurrence,
    TaskState,
)
from tracker.tasks.notices import ACTION_KINDS, RETURNED, SUBMITTED, resolve
from tracker.tasks.recurrence import build_occurrences, next_flexible_occurrence

log = logging.getLogger("tracker.tasks")


@dataclass
class TaskInput:
    title: str = ""
    deliverable: str = ""
    group_id: int | None = None
    lead_officer_id: int | None = None
    supporter_ids: list[int] = field(default_factory=list)
    confirmer_id: int | None = None
    deadline: date | None = None
    start_date: date | None = None
    deadline_working_days: int | None = None
    cadence_every: int | None = None
    cadence_unit: CadenceUnit | None = None
    cadence_mode: CadenceMode | None = None
    recurrence_note: str = ""
    notes: str = ""
    # Why the deadline moves, when it does (kept in the deadline's history).
    deadline_reason: str = ""
    deadline_decision: str = ""
    # The task's version the form was filled from (None: not checked, e.g. a new task).
    version: int | None = None


# ---------------------------------------------------------------------------- notices


def notify(
    session: Session,
    officer_ids: Iterable[int | None],
    task: Task | None,
    kind: str,
    message: str,
    *,
    skip: int | None = None,
) -> None:
    """In-app notices (email comes with the reminders); never to the officer who acted.

    `message` is stored, so it is written in Vietnamese (not translated) by design for now."""
    for officer_id in dict.fromkeys(i for i in officer_ids if i is not None and i != skip):
        session.add(Notification(officer_id=officer_id, task=task, kind=kind, message=message))


def _journal(
    session: Session, task: Task, actor: Officer | None, kind: NoteKind, body: str = "", **fields
) -> TaskNote:
    note = TaskNote(
        task=task, author_id=actor.id if actor else None, kind=kind, body=body, **fields
    )
    session.add(note)
    return note


def _leaders_of(session: Session, unit_id: int, roles: Iterable[Role]) -> list[Officer]:
    return list(
        session.scalars(
            select(Officer)
            .join(OfficerRole, OfficerRole.officer_id == Officer.id)
            .where(Officer.unit_id == unit_id, Officer.active, OfficerRole.role.in_(list(roles)))
            .order_by(Officer.id)
            .distinct()
        )
    )


# ---------------------------------------------------------------------------- assigning


def lay_out_occurrences(session: Session, task: Task, calendar: WorkCalendar | None = None) -> None:
    """(Re)build a recurring task's occurrences with the unit's calendar."""
    build_occurrences(task, task.plan, calendar or unit_calendar(session, task.plan.unit_id))


def default_confirmer(session: Session, unit_id: int) -> Officer | None:
    """The unit's chairperson, who confirms unless a task names another leader."""
    return session.scalar(
        select(Officer)
        .join(OfficerRole, OfficerRole.officer_id == Officer.id)
        .where(Officer.unit_id == unit_id, Officer.active, OfficerRole.role == Role.CHAIRPERSON)
        .order_by(Officer.id)
        .limit(1)
    )


def _officers(session: Session, ids: Iterable[int], unit_id: int) -> dict[int, Officer]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    # FOR KEY SHARE: an officer being deactivated or moved at this moment (tasks.handover,
    # FOR UPDATE) is read once that is committed, and then no longer found.
    query = select(Officer).where(Officer.id.in_(ids), Officer.unit_id == unit_id, Officer.active)
    found = {o.id: o for o in session.scalars(query.with_for_update(read=True, key_share=True))}
    return found


def _validate(
    session: Session, plan: Plan, data: TaskInput, calendar: WorkCalendar
) -> tuple[dict[str, str], dict[str, object]]:
    errors: dict[str, str] = {}
    resolved: dict[str, object] = {}
    title = " ".join((data.title or "").split())
    deliverable = (data.deliverable or "").strip()
    if not title:
        errors["title"] = _("Chưa rõ việc: nhập nội dung nhiệm vụ.")
    if not deliverable:
        errors["deliverable"] = _("Chưa rõ sản phẩm: nhập sản phẩm, kết quả cần có.")
    people = _officers(
        session,
        [i for i in (data.lead_officer_id, data.confirmer_id, *data.supporter_ids) if i],
        plan.unit_id,
    )
    lead = people.get(data.lead_officer_id) if data.lead_officer_id else None
    if lead is None:
        errors["lead_officer_id"] = _("Chưa rõ người chủ trì: chọn một cán bộ của đơn vị.")
    confirmer = people.get(data.confirmer_id) if data.confirmer_id else None
    if confirmer is None or not may_be_confirmer(confirmer, plan.unit, data.lead_officer_id):
        errors["confirmer_id"] = _confirmer_refused(confirmer, data.lead_officer_id) or _(
            "Chưa rõ trách nhiệm: chọn lãnh đạo chịu trách nhiệm xác nhận kết quả."
        )
    supporters = [people[i] for i in dict.fromkeys(data.supporter_ids) if i in people]
    if len(supporters) != len(set(data.supporter_ids)):
        errors["supporter_ids"] = _("Có cán bộ phối hợp không thuộc đơn vị hoặc đã nghỉ.")
    if lead is not None and lead in supporters:
        supporters.remove(lead)  # leading includes supporting
    group = None
    if data.group_id is not None:
        group = session.get(TaskGroup, data.group_id)
        if group is None or group.plan_id != plan.id:
            errors["group_id"] = _("Lĩnh vực không thuộc kế hoạch này.")
    recurring = data.cadence_every is not None
    deadline = data.deadline
    notice = ""
    if recurring:
        if not (1 <= data.cadence_every <= 24) or data.cadence_unit is None:
            errors["cadence_every"] = _("Chu kỳ phải từ 1 đến 24 tháng hoặc tuần.")
    elif data.deadline_working_days is not None:
        if data.start_date is None:
            errors["start_date"] = _("Nhập ngày bắt đầu để tính thời hạn theo ngày làm việc.")
        elif not (1 <= data.deadline_working_days <= 366):
            errors["deadline_working_days"] = _("Số ngày làm việc phải từ 1 đến 366.")
        else:
            deadline = calendar.add_working_days(data.start_date, data.deadline_working_days)
    if not recurring and deadline is None and "start_date" not in errors:
        errors["deadline"] = _(
            "Chưa rõ thời hạn: nhập ngày, số ngày làm việc từ ngày bắt đầu, hoặc chu kỳ định kỳ."
        )
    if deadline is not None and not recurring:
        if not (2000 <= deadline.year <= 2100):
            errors["deadline"] = _("Thời hạn không hợp lệ.")
        elif data.start_date is not None and deadline < data.start_date:
            errors["deadline"] = _(
                "Thời hạn %(deadline)s trước ngày bắt đầu %(start)s.",
                deadline=f"{deadline:%d/%m/%Y}",
                start=f"{data.start_date:%d/%m/%Y}",
            )
        elif not calendar.is_working_day(deadline):
            # A period ending on a day off ends on the next working day (Bộ luật Dân sự, Điều 148).
            moved = calendar.next_working_day(deadline)
            notice = _(
                "Hạn %(day)s là ngày nghỉ; thời hạn được tính đến %(moved)s.",
                day=f"{deadline:%d/%m/%Y}",
                moved=f"{moved:%d/%m/%Y}",
            )
            deadline = moved
    resolved.update(
        title=title,
        deliverable=deliverable,
        lead=lead,
        confirmer=confirmer,
        supporters=supporters,
        group=group,
        deadline=deadline,
        notice=notice,
    )
    return errors, resolved


def _confirmer_refused(confirmer: Officer | None, lead_officer_id: int | None) -> str:
    if confirmer is not None and confirmer.id == lead_officer_id:
        return _("Người chủ trì không tự xác nhận kết quả của mình: chọn lãnh đạo khác.")
    return ""


def check_task(session: Session, plan: Plan, data: TaskInput) -> dict[str, str]:
    """What `save_task` would refuse, without saving: the form shows it all at once."""
    errors, _ = _validate(session, plan, data, unit_calendar(session, plan.unit_id))
    return errors


@dataclass
class SaveResult:
    task: Task
    notice: str = ""


def save_task(
    session: Session, plan: Plan, data: TaskInput, actor: Officer | None, task: Task | None = None
) -> SaveResult:
    """Create a task in `plan`, or update `task`; refuses one without its five clears."""
    calendar = unit_calendar(session, plan.unit_id)
    errors, r = _validate(session, plan, data, calendar)
    if errors:
        raise Refusal(errors)
    if actor is not None and not may_assign(actor, plan, r["group"], task):
        raise Refusal({"group_id": _("Bạn không có quyền thực hiện thao tác này.")})
    creating = task is None
    if creating:
        task = Task(plan=plan, ordinal=next_ordinal(session, plan))
        session.add(task)
    else:
        task = _lock_task(session, task)
        if data.version is not None and task.version != data.version:
            raise stale_edit(session, task, data.version)
    old_lead_id = None if creating else task.lead_officer_id
    old_cadence = (task.cadence_every, task.cadence_unit, task.cadence_mode, task.start_date)
    task.title = r["title"]
    task.deliverable = r["deliverable"]
    task.group = r["group"]
    task.lead_officer = r["lead"]
    task.confirmer = r["confirmer"]
    task.supporters = r["supporters"]
    task.start_date = data.start_date
    task.deadline_working_days = data.deadline_working_days if data.cadence_every is None else None
    task.cadence_every = data.cadence_every
    task.cadence_unit = data.cadence_unit if data.cadence_every else None
    task.cadence_mode = (data.cadence_mode or CadenceMode.FIXED) if data.cadence_every else None
    task.recurrence_note = (data.recurrence_note or "").strip()
    task.notes = (data.notes or "").strip()
    if task.cadence_every is not None:
        new_cadence = (task.cadence_every, task.cadence_unit, task.cadence_mode, task.start_date)
        if creating or new_cadence != old_cadence or not task.occurrences:
            build_occurrences(task, plan, calendar)
    else:
        task.occurrences = (
            [o for o in task.occurrences if o.state is TaskState.DONE] if (not creating) else []
        )
        if creating:
            task.deadline = r["deadline"]
    session.flush()
    if not creating and task.cadence_every is None:
        move_deadline(
            session,
            task,
            r["deadline"],
            actor=actor,
            reason=data.deadline_reason,
            decision=data.deadline_decision,
        )
    if not creating and old_lead_id != task.lead_officer_id:
        record_lead_change(task, old_lead_id)
    if creating or old_lead_id != task.lead_officer_id:
        _assigned(session, task, old_lead_id, actor)
    log.info(
        "officer %s %s task %s of plan %s, unit %s",
        actor.id if actor else None,
        "created" if creating else "updated",
        task.id,
        plan.id,
        plan.unit_id,
    )
    return SaveResult(task, r["notice"])


def record_lead_change(task: Task, old_lead_id: int | None) -> None:
    """Keep who led the task until today, so that an officer's figures of an earlier date are
    those of the tasks they led then (core.status.lead_on)."""
    today = clock.today().isoformat()
    history = [list(pair) for pair in task.lead_history or ()] or [[None, old_lead_id]]
    if history[-1][0] == today:  # reassigned twice in a day: the last one holds
        history[-1][1] = task.lead_officer_id
    else:
        history.append([today, task.lead_officer_id])
    task.lead_history = history  # a new list, so the change is seen and saved
def next_ordinal(session: Session, plan: Plan) -> int:
    """The plan's next STT. The plan's row lock makes a second task created at the same time
    wait for the first one's number (archived tasks keep theirs: never reused)."""
    hold(session, Plan, plan.id)
    last = session.scalar(select(func.max(Task.ordinal)).where(Task.plan_id == plan.id))
    return (last or 0) + 1


def _lock_task(session: Session, task: Task) -> Task:
    """The task as committed, locked until the transaction ends: the rule checked next sees
    what another officer did since the page was loaded (core.locking)."""
    return lock(session, task, selectinload(Task.occurrences), selectinload(Task.supporters))


def _assigned(session: Session, task: Task, old_lead_id: int | None, actor: Officer | None) -> None:
    # Notices and journal entries are stored: written in Vietnamese by design for now.
    new_lead = task.lead_officer
    if old_lead_id is not None and old_lead_id != task.lead_officer_id:
        resolve(session, task.id, {RETURNED})  # the returned work is the new lead's now
        notify(
            session,
            [old_lead_id],
            task,
            "reassigned_away",
            f"Nhiệm vụ “{task.title}” đã được giao cho {new_lead.full_name}.",
            skip=actor.id if actor else None,
        )
        _journal(
            session, task, actor, NoteKind.ASSIGNMENT, f"Chuyển chủ trì sang {new_lead.full_name}."
        )
    notify(
        session,
        [task.lead_officer_id],
        task,
        "assigned",
        f"Bạn được giao chủ trì nhiệm vụ “{task.title}”, hạn {_deadline_text(task)}.",
        skip=actor.id if actor else None,
    )


def _deadline_text(task: Task) -> str:
    if task.deadline is None:
        return task.recurrence_note or "—"
    return f"{task.deadline:%d/%m/%Y}"


def bulk_assign(
    session: Session,
    tasks: list[Task],
    actor: Officer | None,
    *,
    lead_officer_id: int,
    supporter_ids: list[int] | None = None,
    confirmer_id: int | None = None,
) -> int:
    """Assign several tasks of one plan at once; all or none."""
    if not tasks:
        raise Refusal({"task_ids": _("Chọn ít nhất một nhiệm vụ.")})
    plan = tasks[0].plan
    if any(t.plan_id != plan.id for t in tasks):
        raise Refusal({"task_ids": _("Các nhiệm vụ phải cùng một kế hoạch.")})
    if actor is not None and not all(may_assign(actor, plan, task=t) for t in tasks):
        raise Refusal({"task_ids": _("Bạn không có quyền thực hiện thao tác này.")})
    ids = [lead_officer_id, *(supporter_ids or []), *([confirmer_id] if confirmer_id else [])]
    people = _officers(session, ids, plan.unit_id)
    lead = people.get(lead_officer_id)
    if lead is None:
        raise Refusal({"lead_officer_id": _("Chưa rõ người chủ trì: chọn một cán bộ của đơn vị.")})
    confirmer = people.get(confirmer_id) if confirmer_id else None
    if confirmer_id and (
        confirmer is None or not may_be_confirmer(confirmer, plan.unit, lead_officer_id)
    ):
        raise Refusal(
            {
                "confirmer_id": _confirmer_refused(confirmer, lead_officer_id)
                or _("Người xác nhận phải là lãnh đạo hoặc đầu mối CCHC.")
            }
        )
    supporters = [people[i] for i in dict.fromkeys(supporter_ids or []) if i in people]
    for task in sorted(tasks, key=lambda t: t.id):  # one lock order: no deadlock with another
        task = _lock_task(session, task)  # its version counts from the committed one
        old_lead_id = task.lead_officer_id
        task.lead_officer = lead
        if supporter_ids is not None:
            task.supporters = [s for s in supporters if s.id != lead.id]
        if confirmer is not None:
            task.confirmer = confirmer
        session.flush()
        if old_lead_id != lead.id:
            record_lead_change(task, old_lead_id)
            _assigned(session, task, old_lead_id, actor)
    session.flush()
    log.info(
        "officer %s assigned tasks %s of plan %s to officer %s, unit %s",
        actor.id if actor else None,
        [t.id for t in tasks],
        plan.id,
        lead.id,
        plan.unit_id,
    )
    return len(tasks)


# ---------------------------------------------------------------------------- delivering


def current_occurrence(task: Task) -> TaskOccurrence | None:
    """The recurring task's earliest occurrence not yet done (what the officer works on)."""
    return next((o for o in task.occurrences if o.state is not TaskState.DONE), None)


def _target(task: Task, occurrence_id: int | None) -> TaskOccurrence | None:
    if not task.is_recurring:
        return None
    if occurrence_id is None:
        occurrence = current_occurrence(task)
    else:
        occurrence = next((o for o in task.occurrences if o.id == occurrence_id), None)
    if occurrence is None:
        raise Refusal(_("Không còn kỳ nào cần báo cáo."))
    return occurrence


def _sync_recurring_state(task: Task) -> None:
    states = {o.state for o in task.occurrences}
    if states and states <= {TaskState.DONE}:
        task.state = TaskState.DONE
        task.completed_on = max(o.completed_on for o in task.occurrences)
    else:
        task.completed_on = None
        if TaskState.PENDING_CONFIRMATION in states:
            task.state = TaskState.PENDING_CONFIRMATION
        elif TaskState.RETURNED in states:
            task.state = TaskState.RETURNED
        elif TaskState.DONE in states or TaskState.IN_PROGRESS in states:
            task.state = TaskState.IN_PROGRESS
        else:
            task.state = TaskState.NOT_STARTED


def record_progress(
    session: Session, task: Task, actor: Officer, *, percent: int, note: str = ""
) -> None:
    task = _lock_task(session, task)
    if not task.state.is_open:
        raise already_done(
            session,
            task,
            None,
            _("không cập nhật tiến độ."),
            _("Nhiệm vụ đang chờ xác nhận hoặc đã hoàn thành: không cập nhật tiến độ."),
        )
    if not (0 <= percent <= 100):
        raise Refusal({"percent": _("Tiến độ phải từ 0 đến 100.")})
    task.progress_percent = percent
    if task.state is TaskState.NOT_STARTED:
        task.state = TaskState.IN_PROGRESS
    occurrence = _target(task, None) if task.is_recurring else None
    if occurrence is not None and occurrence.state is TaskState.NOT_STARTED:
        occurrence.state = TaskState.IN_PROGRESS
    _journal(
        session,
        task,
        actor,
        NoteKind.PROGRESS,
        note.strip(),
        progress_percent=percent,
        occurrence_id=occurrence.id if occurrence else None,
    )
    session.flush()
    log.info(
        "officer %s recorded %s%% progress on task %s, unit %s",
        actor.id,
        percent,
        task.id,
        task.plan.unit_id,
    )


def submit_completion(
    session: Session,
    task: Task,
    actor: Officer,
    *,
    document_number: str,
    document_date: date | None,
    summary: str,
    today: date,
    file: StoredFile | None = None,
    occurrence_id: int | None = None,
    document_id: int | None = None,
) -> Evidence:
    """The lead officer reports the task done, with the issued document as evidence: an entry
    of the unit's register (sổ văn bản đi) picked by `document_id`, or found or entered by its
    number and date."""
    task = _lock_task(session, task)
    occurrence = _target(task, occurrence_id)
    state = occurrence.state if occurrence else task.state
    if not state.is_open:
        raise already_done(
            session,
            task,
            occurrence.id if occurrence else None,
            _("không thể báo cáo hoàn thành lại."),
            _("Nhiệm vụ đã được báo cáo hoàn thành, đang chờ xác nhận hoặc đã xong."),
        )
    summary = (summary or "").strip()
    entry = _picked_entry(session, task, document_id) if document_id else None
    if entry is not None:
        document_number, document_date = entry.number, entry.issued_on
    errors = validate_document(document_number, document_date, today)
    if errors:
        raise Refusal(errors)
    assert document_date is not None
    if entry is None:
        entry = entry_for_evidence(
            session, task.plan.unit_id, actor, number=document_number,
            issued_on=document_date, subject=summary, file=file,
        )
    evidence = Evidence(
        task=task,
        occurrence_id=occurrence.id if occurrence else None,
        document=entry,
        document_number=entry.number,
        document_date=entry.issued_on,
        summary=summary or entry.subject,
        added_by_id=actor.id,
        **(file_fields(file) if file else {}),
    )
    session.add(evidence)
    if occurrence is not None:
        occurrence.state = TaskState.PENDING_CONFIRMATION
        _sync_recurring_state(task)
    else:
        task.state = TaskState.PENDING_CONFIRMATION
    session.flush()
    resolve(session, task.id, {RETURNED})  # the returned work is submitted again
    _journal(
        session,
        task,
        actor,
        NoteKind.SUBMISSION,
        evidence.summary,
        evidence_id=evidence.id,
        occurrence_id=evidence.occurrence_id,
    )
    # Whoever may decide on this submission is told: the named confirmer (a vice chairperson
    # included), the unit's chairpersons and focal officers; never its submitter.
    submission = Submission(task, actor.id)
    candidates = [
        *([task.confirmer] if task.confirmer is not None else []),
        *_leaders_of(session, task.plan.unit_id, (Role.CHAIRPERSON, Role.FOCAL_OFFICER)),
    ]
    confirmers = [o.id for o in candidates if can(o, Action.CONFIRM_COMPLETION, submission)]
    notify(
        session,
        confirmers,
        task,
        "submitted",
        f"{actor.full_name} báo cáo hoàn thành “{task.title}” "
        f"({evidence.document_number}), chờ xác nhận.",
        skip=actor.id,
    )
    session.flush()
    log.info(
        "officer %s submitted the completion of task %s (evidence %s), unit %s",
        actor.id,
        task.id,
        evidence.id,
        task.plan.unit_id,
    )
    return evidence


def _picked_entry(session: Session, task: Task, document_id: int) -> IssuedDocument:
    entry = session.get(IssuedDocument, document_id)
    if entry is None or entry.unit_id != task.plan.unit_id or entry.is_cancelled:
        raise Refusal({"document_id": _("Văn bản đã chọn không có trong sổ văn bản đi.")})
    return entry


def _pending_evidence(session: Session, task: Task, occurrence: TaskOccurrence | None) -> Evidence:
    query = (
        select(Evidence)
        .join(TaskNote, TaskNote.evidence_id == Evidence.id)
        .where(
            TaskNote.task_id == task.id,
            TaskNote.kind == NoteKind.SUBMISSION,
            Evidence.archived_at.is_(None),
        )
        .order_by(TaskNote.id.desc())
        .limit(1)
    )
    if occurrence is not None:
        query = query.where(TaskNote.occurrence_id == occurrence.id)
    evidence = session.scalar(query)
    if evidence is None:
        raise Refusal(_("Không tìm thấy minh chứng của lần báo cáo hoàn thành."))
    return evidence


def _check_decider(task: Task, evidence: Evidence, actor: Officer) -> None:
    """Confirming or returning a completion: never by the officer who submitted it."""
    if not can(actor, Action.CONFIRM_COMPLETION, Submission(task, evidence.added_by_id)):
        if evidence.added_by_id == actor.id:
            raise Refusal(
                _("Người báo cáo hoàn thành không tự xác nhận hoặc trả lại báo cáo của mình.")
            )
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))


def _pending_occurrence(
    session: Session, task: Task, occurrence_id: int | None, refused: str
) -> TaskOccurrence | None:
    """The completion waiting for a decision (a recurring task's period, or None for the task),
    read under the task's lock; refused, naming who decided first, if there is none."""
    if not task.is_recurring:
        if task.state is not TaskState.PENDING_CONFIRMATION:
            raise already_done(
                session, task, None, refused, _("Nhiệm vụ không ở trạng thái chờ xác nhận.")
            )
        return None
    pending = [
        o
        for o in task.occurrences
        if o.state is TaskState.PENDING_CONFIRMATION
        and (occurrence_id is None or o.id == occurrence_id)
    ]
    if not pending:
        raise already_done(
            session, task, occurrence_id, refused, _("Không có kỳ nào chờ xác nhận.")
        )
    return pending[0]


def confirm_completion(
    session: Session, task: Task, actor: Officer, occurrence_id: int | None = None
) -> None:
    """Only a confirmed completion counts as done; it counts from the evidence's date."""
    task = _lock_task(session, task)
    occurrence = _pending_occurrence(session, task, occurrence_id, _("không thể xác nhận."))
    evidence = _pending_evidence(session, task, occurrence)
    _check_decider(task, evidence, actor)
    task.confirmed_on = clock.today()
    if occurrence is not None:
        occurrence.state = TaskState.DONE
        occurrence.completed_on = evidence.document_date
        if task.cadence_mode is CadenceMode.FLEXIBLE and occurrence is task.occurrences[-1]:
            _open_next_flexible(session, task, occurrence)
        _sync_recurring_state(task)
    else:
        task.state = TaskState.DONE
        task.completed_on = evidence.document_date
        task.progress_percent = 100
    resolve(session, task.id, {SUBMITTED})  # decided: no other leader needs to
    _journal(
        session,
        task,
        actor,
        NoteKind.CONFIRMATION,
        "",
        occurrence_id=occurrence.id if occurrence else None,
        evidence_id=evidence.id,
    )
    notify(
        session,
        [task.lead_officer_id],
        task,
        "confirmed",
        f"Hoàn thành “{task.title}” đã được xác nhận.",
        skip=actor.id,
    )
    session.flush()
    log.info(
        "officer %s confirmed the completion of task %s (evidence %s), unit %s",
        actor.id,
        task.id,
        evidence.id,
        task.plan.unit_id,
    )


def _open_next_flexible(session: Session, task: Task, done: TaskOccurrence) -> None:
    calendar = unit_calendar(session, task.plan.unit_id)
    occurrence = next_flexible_occurrence(task, done, calendar)
    if occurrence is not None:
        task.occurrences.append(occurrence)
        task.deadline = occurrence.deadline


def return_completion(
    session: Session, task: Task, actor: Officer, *, reason: str, occurrence_id: int | None = None
) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise Refusal({"reason": _("Nhập lý do trả lại.")})
    task = _lock_task(session, task)
    occurrence = _pending_occurrence(session, task, occurrence_id, _("không thể trả lại."))
    evidence = _pending_evidence(session, task, occurrence)
    _check_decider(task, evidence, actor)
    # A returned completion counts for nothing: nothing of it may make the task done.
    if occurrence is not None:
        occurrence.state = TaskState.RETURNED
        occurrence.completed_on = None
        _sync_recurring_state(task)
    else:
        task.state = TaskState.RETURNED
        task.completed_on = None
    resolve(session, task.id, {SUBMITTED})
    _journal(
        session,
        task,
        actor,
        NoteKind.RETURN,
        reason,
        occurrence_id=occurrence.id if occurrence else None,
        evidence_id=evidence.id,  # the task page marks this evidence as returned
    )
    notify(
        session,
        [task.lead_officer_id],
        task,
        "returned",
        f"Báo cáo hoàn thành “{task.title}” bị trả lại: {reason}",
        skip=actor.id,
    )
    session.flush()
    log.info(
        "officer %s returned the completion of task %s, unit %s",
        actor.id,
        task.id,
        task.plan.unit_id,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def reopen(session: Session, task: Task, actor: Officer, *, reason: str) -> None:
    """Undo a confirmed completion (a wrong document, say); the task counts as open again."""
    reason = (reason or "").strip()
    if not reason:
        raise Refusal({"reason": _("Nhập lý do mở lại nhiệm vụ.")})
    task = _lock_task(session, task)
    if task.state is not TaskState.DONE:
        raise already_done(
            session,
            task,
            None,
            _("không thể mở lại."),
            _("Chỉ mở lại được nhiệm vụ đã hoàn thành."),
        )
    if task.is_recurring:
        last = max(
            (o for o in task.occurrences if o.state is TaskState.DONE), key=lambda o: o.sequence
        )
        last.state = TaskState.IN_PROGRESS
        last.completed_on = None
        _sync_recurring_state(task)
    else:
        # The completion stood until today: the figures of the days before keep it.
        task.completion_history = [
            *(task.completion_history or ()),
            [_iso(task.completed_on), _iso(task.confirmed_on), clock.today().isoformat()],
        ]
        task.state = TaskState.IN_PROGRESS
        task.completed_on = None
        task.confirmed_on = None
    _journal(session, task, actor, NoteKind.REOPEN, reason)
    notify(
        session,
        [task.lead_officer_id],
        task,
        "reopened",
        f"Nhiệm vụ “{task.title}” được mở lại: {reason}",
        skip=actor.id,
    )
    session.flush()
    log.info("officer %s reopened task %s, unit %s", actor.id, task.id, task.plan.unit_id)


# As long as the reason field of the return and reopen forms (tasks.forms.ReasonForm).
MAX_REASON = 2000


def withdraw_task(session: Session, task: Task, actor: Officer, *, reason: str) -> None:
    """Rút khỏi kế hoạch: the task stays, audited, and counts for the dates before today; from
    today it is no one's work (no reminders, no actions, not in the figures)."""
    reason = (reason or "").strip()
    task = _lock_task(session, task)  # two leaders at once: the second is told the first's day
    if task.withdrawn_on is not None:
        raise Refusal(
            _(
                "Nhiệm vụ đã được rút khỏi kế hoạch ngày %(day)s.",
                day=format_date(task.withdrawn_on),
            )
        )
    if not can(actor, Action.WITHDRAW_TASK, task):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))
    if not reason:
        raise Refusal({"reason": _("Nhập lý do rút nhiệm vụ khỏi kế hoạch.")})
    if len(reason) > MAX_REASON:
        raise Refusal({"reason": _("Lý do quá dài (tối đa %(n)s ký tự).", n=MAX_REASON)})
    task.withdrawn_on = clock.today()
    task.withdrawn_reason = reason
    task.withdrawn_by_id = actor.id
    resolve(session, task.id, ACTION_KINDS)  # no one's work any more
    # Stored text: the journal is written in Vietnamese, like the other notes.
    _journal(session, task, actor, NoteKind.NOTE, f"Rút nhiệm vụ khỏi kế hoạch. Lý do: {reason}")
    notify(
        session,
        [task.lead_officer_id, *(s.id for s in task.supporters)],
        task,
        "withdrawn",
        f"Nhiệm vụ “{task.title}” đã được rút khỏi kế hoạch: {reason}",
        skip=actor.id,
    )
    session.flush()
    log.info(
        "officer %s withdrew task %s from plan %s, unit %s",
        actor.id,
        task.id,
        task.plan_id,
        task.plan.unit_id,
    )


def add_note(
    session: Session, task: Task, actor: Officer, *, body: str, file: StoredFile | None = None
) -> TaskNote:
    """A note or working file from the lead, a supporting officer or a leader."""
    body = (body or "").strip()
    if not body and file is None:
        raise Refusal({"body": _("Nhập ghi chú hoặc đính kèm tệp.")})
    evidence = None
    if file is not None:
        evidence = Evidence(
            task=task,
            document_number="",
            document_date=None,
            summary=body,
            added_by_id=actor.id,
            **file_fields(file),
        )
        session.add(evidence)
        session.flush()
    note = _journal(
        session, task, actor, NoteKind.NOTE, body, evidence_id=evidence.id if evidence else None
    )
    session.flush()
    log.info(
        "officer %s added note %s to task %s, unit %s",
        actor.id,
        note.id,
        task.id,
        task.plan.unit_id,
    )
    return note


def mark_notifications_read(session: Session, officer_id: int) -> None:
    result = session.execute(
        update(Notification)
        .where(Notification.officer_id == officer_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    log.info("officer %s marked %s notifications read", officer_id, result.rowcount)
