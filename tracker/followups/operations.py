"""Prompting by hand: send a prompt, request an explanation, answer it, decide on it.

Each takes model objects and plain values, checks the domain rules, flushes, never commits.
Permissions are checked before (core.permissions); the audit listener records every change,
the task's new deadline included. The emails go through the reminder engine: each prompt or
request is one reminder per recipient, recorded once, in its own email (not the officer's one
daily email: a leader's explicit action goes out now), sent by the engine's transport with its
retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.clock import to_local, utcnow
from tracker.core.locking import hold, lock
from tracker.core.permissions import Action, can
from tracker.core.refusals import Refusal
from tracker.core.status import DeadlineClass, deadline_class, earliest_missed
from tracker.followups.models import Decision, ExplanationRequest, TaskPrompt
from tracker.people.models import Officer
from tracker.people.queries import unit_calendar
from tracker.reminders.delivery import queue_manual
from tracker.reminders.models import RecipientRole, ReminderKind
from tracker.reminders.operations import settings_of
from tracker.tasks.deadlines import move_deadline
from tracker.tasks.models import Task
from tracker.tasks.notices import EXPLANATION, resolve
from tracker.tasks.operations import notify

MAX_MESSAGE = 2000
log = logging.getLogger("tracker.followups")


@dataclass
class Sent:
    """What an action recorded: the row, and the emails queued to go now."""

    row: TaskPrompt | ExplanationRequest
    emails: list[int] = field(default_factory=list)
    notice: str = ""


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def _name(officer: Officer | None) -> str:
    return officer.full_name if officer is not None else _("hệ thống")


def _moment(moment: datetime | None) -> str:
    """ "09:12 ngày 12/03/2024", local time."""
    if moment is None:
        return "—"
    local = to_local(moment)
    return _("%(time)s ngày %(day)s", time=f"{local:%H:%M}", day=f"{local:%d/%m/%Y}")


def _decided_already(request: ExplanationRequest, refused: str) -> Refusal:
    """Another leader decided first: who, when, and what is refused now."""
    return Refusal(
        _(
            "Yêu cầu giải trình này đã được %(who)s quyết định lúc %(when)s; %(refused)s",
            who=_name(request.decided_by),
            when=_moment(request.decided_at),
            refused=refused,
        )
    )


def _check_may(actor: Officer, action: Action, task: Task) -> None:
    if not can(actor, action, task):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))


def _message(text: str | None, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise Refusal({"message": _("Nhập nội dung.")})
    if len(text) > MAX_MESSAGE:
        raise Refusal({"message": _("Nội dung quá dài (tối đa %(n)s ký tự).", n=MAX_MESSAGE)})
    return text


def _recipients(session: Session, task: Task) -> list[tuple[Officer, RecipientRole]]:
    """The lead, and the supporting officers in copy if the unit copies them."""
    people: list[tuple[Officer, RecipientRole]] = []
    if task.lead_officer is not None and task.lead_officer.active:
        people.append((task.lead_officer, RecipientRole.LEAD))
    if settings_of(session, task.plan.unit).copy_supporters:
        people += [
            (s, RecipientRole.SUPPORTER)
            for s in task.supporters
            if s.active and s.id != task.lead_officer_id
        ]
    return people


def _current_deadline(task: Task, today: date):
    """The occurrence a recurring task is late on (None: the task is late on its own deadline)."""
    late = earliest_missed(task, today)
    return late if task.is_recurring else None


def send_prompt(
    session: Session,
    task: Task,
    actor: Officer,
    message: str,
    *,
    today: date,
    now: datetime | None = None,
) -> Sent:
    """A leader prompts the lead of an open task now (đôn đốc)."""
    now = now or utcnow()
    _check_may(actor, Action.PROMPT_TASK, task)
    if not task.state.is_open:
        raise Refusal(_("Chỉ đôn đốc được nhiệm vụ đang thực hiện."))
    if task.lead_officer_id is None:
        raise Refusal(_("Nhiệm vụ chưa có cán bộ chủ trì để đôn đốc."))
    text = _message(message, required=True)
    prompt = TaskPrompt(
        task=task,
        unit_id=task.plan.unit_id,
        sender_id=actor.id,
        lead_officer_id=task.lead_officer_id,
        deadline=task.deadline,
        message=text,
        created_at=now,
    )
    session.add(prompt)
    session.flush()
    notice = (
        f"Đôn đốc từ {actor.full_name}: nhiệm vụ “{task.title}” (hạn {_d(task.deadline)}): {text}"
    )
    recipients = _recipients(session, task)
    notify(
        session, [o.id for o, _role in recipients], task, "reminder_prompt", notice, skip=actor.id
    )
    emails = queue_manual(
        session,
        kind=ReminderKind.PROMPT,
        subject=f"prompt:{prompt.id}",
        task=task,
        recipients=[(o, role) for o, role in recipients if o.id != actor.id],
        sender=actor,
        message=notice,
        note=text,
        day=today,
        now=now,
    )
    log.info(
        "officer %s prompted the lead of task %s (prompt %s), unit %s",
        actor.id,
        task.id,
        prompt.id,
        prompt.unit_id,
    )
    return Sent(prompt, emails)


def open_request(session: Session, task: Task) -> ExplanationRequest | None:
    return session.scalar(
        select(ExplanationRequest).where(ExplanationRequest.open_task_id == task.id)
    )


def waiting_request(session: Session, task: Task, refused: str) -> ExplanationRequest:
    """The task's request waiting for a decision; if a leader decided it meanwhile, a refusal
    saying who and when."""
    request = open_request(session, task)
    if request is not None:
        return request
    last = session.scalar(
        select(ExplanationRequest)
        .where(ExplanationRequest.task_id == task.id)
        .order_by(ExplanationRequest.id.desc())
        .limit(1)
    )
    if last is not None and not last.is_open:
        raise _decided_already(last, refused)
    raise Refusal(_("Nhiệm vụ không có yêu cầu giải trình đang chờ."))


def request_explanation(
    session: Session,
    task: Task,
    actor: Officer,
    message: str,
    *,
    today: date,
    now: datetime | None = None,
) -> Sent:
    """A leader asks the lead of an overdue task to explain (yêu cầu giải trình)."""
    now = now or utcnow()
    _check_may(actor, Action.REQUEST_EXPLANATION, task)
    if not task.state.is_open or deadline_class(task, today) is not DeadlineClass.OPEN_OVERDUE:
        raise Refusal(_("Chỉ yêu cầu giải trình được nhiệm vụ quá hạn chưa hoàn thành."))
    if task.lead_officer_id is None:
        raise Refusal(_("Nhiệm vụ chưa có cán bộ chủ trì để giải trình."))
    # Two leaders asking at once: the second waits here, then finds the first one's request.
    hold(session, Task, task.id)
    if open_request(session, task) is not None:
        raise Refusal(_("Nhiệm vụ đã có một yêu cầu giải trình chưa được quyết định."))
    text = _message(message, required=False)
    occurrence = _current_deadline(task, today)
    late_on = occurrence.deadline if occurrence is not None else task.deadline
    request = ExplanationRequest(
        task=task,
        open_task_id=task.id,
        occurrence=occurrence,
        unit_id=task.plan.unit_id,
        requested_by_id=actor.id,
        lead_officer_id=task.lead_officer_id,
        deadline=late_on,
        message=text,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    notice = (
        f"Yêu cầu giải trình từ {actor.full_name}: nhiệm vụ “{task.title}” quá hạn "
        f"(hạn {_d(late_on)}). Trả lời lý do và đề xuất thời hạn mới."
        + (f" {text}" if text else "")
    )
    lead = task.lead_officer
    notify(session, [lead.id], task, "reminder_explanation", notice, skip=actor.id)
    emails = queue_manual(
        session,
        kind=ReminderKind.EXPLANATION,
        subject=f"explanation:{request.id}",
        task=task,
        recipients=[(lead, RecipientRole.LEAD)] if lead.active and lead.id != actor.id else [],
        sender=actor,
        message=notice,
        note=text,
        day=today,
        now=now,
    )
    log.info(
        "officer %s asked the lead of task %s to explain (request %s), unit %s",
        actor.id,
        task.id,
        request.id,
        request.unit_id,
    )
    return Sent(request, emails)


def answer_explanation(
    session: Session,
    request: ExplanationRequest,
    actor: Officer,
    reason: str,
    proposed_deadline: date | None,
    *,
    today: date,
    now: datetime | None = None,
) -> Sent:
    """The lead officer gives the reason and proposes a new date (a working day after today;
    a day off moves to the next working day, with a notice)."""
    now = now or utcnow()
    request = lock(session, request)
    if not request.is_open:
        raise _decided_already(request, _("không thể trả lời."))
    if request.is_answered:
        raise Refusal(
            _(
                "Yêu cầu giải trình này đã được %(who)s trả lời lúc %(when)s; không thể trả lời "
                "lại.",
                who=_name(request.answered_by),
                when=_moment(request.answered_at),
            )
        )
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Nêu lý do chậm.")
    elif len(reason) > MAX_MESSAGE:
        errors["reason"] = _("Nội dung quá dài (tối đa %(n)s ký tự).", n=MAX_MESSAGE)
    notice = ""
    if proposed_deadline is None:
        errors["proposed_deadline"] = _("Nhập thời hạn đề xuất (dd/mm/yyyy).")
    elif proposed_deadline <= today or proposed_deadline.year > 2100:
        errors["proposed_deadline"] = _("Thời hạn đề xuất phải sau ngày hôm nay.")
    else:
        calendar = unit_calendar(session, request.unit_id)
        if not calendar.is_working_day(proposed_deadline):
            moved = calendar.next_working_day(proposed_deadline)
            notice = _(
                "Hạn %(day)s là ngày nghỉ; thời hạn được tính đến %(moved)s.",
                day=_d(proposed_deadline),
                moved=_d(moved),
            )
            proposed_deadline = moved
    if errors:
        raise Refusal(errors)
    request.answered_by_id = actor.id
    request.answered_at = now
    request.reason = reason
    request.proposed_deadline = proposed_deadline
    session.flush()
    task = request.task
    resolve(session, task.id, {EXPLANATION})  # the explanation asked is given
    message = (
        f"{actor.full_name} giải trình nhiệm vụ “{task.title}”: {reason} "
        f"Đề xuất thời hạn mới: {_d(proposed_deadline)}."
    )
    notify(
        session,
        [request.requested_by_id, task.confirmer_id],
        task,
        "explanation_answered",
        message,
        skip=actor.id,
    )
    log.info(
        "officer %s answered explanation request %s of task %s, unit %s",
        actor.id,
        request.id,
        request.task_id,
        request.unit_id,
    )
    return Sent(request, notice=notice)


def decide_explanation(
    session: Session,
    request: ExplanationRequest,
    actor: Officer,
    accept: bool,
    note: str = "",
    *,
    now: datetime | None = None,
) -> Sent:
    """A leader accepts the proposed deadline (it becomes the task's, or the late period's)
    or refuses it (the deadline stays)."""
    now = now or utcnow()
    request = lock(session, request)
    if not request.is_open:
        raise _decided_already(request, _("không thể quyết định lại."))
    if not request.is_answered or request.proposed_deadline is None:
        raise Refusal(_("Cán bộ chủ trì chưa trả lời yêu cầu giải trình."))
    note = (note or "").strip()
    if len(note) > MAX_MESSAGE:
        raise Refusal({"note": _("Nội dung quá dài (tối đa %(n)s ký tự).", n=MAX_MESSAGE)})
    task = lock(session, request.task)  # its deadline may change: not over another's edit
    request.decided_by_id = actor.id
    request.decided_at = now
    request.decision = Decision.ACCEPTED if accept else Decision.REFUSED
    request.decision_note = note
    request.open_task_id = None
    if accept:
        request.new_deadline = request.proposed_deadline
        if request.occurrence is not None:
            request.occurrence.deadline = request.proposed_deadline
        else:
            move_deadline(
                session,
                task,
                request.proposed_deadline,
                actor=actor,
                reason=request.reason,
                # Stored text, like the task journal.
                decision=f"{actor.full_name} chấp nhận giải trình",
            )
        message = (
            f"{actor.full_name} chấp nhận gia hạn nhiệm vụ “{task.title}” đến "
            f"{_d(request.proposed_deadline)}."
        )
    else:
        message = (
            f"{actor.full_name} không chấp nhận gia hạn nhiệm vụ “{task.title}”; "
            f"thời hạn giữ nguyên {_d(request.deadline)}."
        )
    if note:
        message += f" {note}"
    session.flush()
    notify(
        session,
        [request.lead_officer_id, task.lead_officer_id],
        task,
        "explanation_decided",
        message,
        skip=actor.id,
    )
    log.info(
        "officer %s %s the deadline proposed in explanation request %s of task %s, unit %s",
        actor.id,
        "accepted" if accept else "refused",
        request.id,
        task.id,
        request.unit_id,
    )
    return Sent(request)
