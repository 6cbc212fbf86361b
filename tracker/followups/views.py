"""The task page's prompting forms (a section included in tasks/detail.html) and the unit's
monthly list for the review meeting."""

from __future__ import annotations

import logging
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core import clock
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Refusal, show_refusal
from tracker.core.status import DeadlineClass, deadline_class
from tracker.core.transactions import after_commit
from tracker.extensions import db
from tracker.followups import bp
from tracker.followups.forms import AnswerForm, DecideForm, PromptForm, RequestForm
from tracker.followups.operations import (
    answer_explanation,
    decide_explanation,
    request_explanation,
    send_prompt,
    waiting_request,
)
from tracker.followups.queries import (
    TaskFollowups,
    month_followups,
    task_followups,
)
from tracker.people.queries import unit_or_404
from tracker.tasks.models import Task
from tracker.tasks.queries import task_or_404
from tracker.tasks.views import TaskSection

log = logging.getLogger("tracker.followups")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def task_section(task: Task, any_followups: bool | None = None) -> TaskSection:
    """The task page's follow-up section (listed in tracker.configure_task_page): the prompts
    and explanation requests (followups.queries), and the forms the officer may use.
    `any_followups` False: the page has read that there are none (followups_probe)."""
    today = clock.today()
    # Most tasks have none: then nothing to load.
    data = (
        TaskFollowups([], []) if any_followups is False else task_followups(db.session, task.id)
    )
    user = current_user
    is_open = task.state.is_open and task.lead_officer_id is not None
    pending = data.open_request
    may = {
        "can_prompt": is_open and can(user, Action.PROMPT_TASK, task),
        "can_request": (
            is_open
            and pending is None
            and deadline_class(task, today) is DeadlineClass.OPEN_OVERDUE
            and can(user, Action.REQUEST_EXPLANATION, task)
        ),
        "can_answer": (
            pending is not None
            and not pending.is_answered
            and can(user, Action.ANSWER_EXPLANATION, task)
        ),
        "can_decide": (
            pending is not None
            and pending.is_answered
            and can(user, Action.DECIDE_EXPLANATION, task)
        ),
    }
    # Only the forms the officer may use (most see none): a form costs more than its section.
    context = {
        "data": data,
        **may,
        "prompt_form": PromptForm(formdata=None) if may["can_prompt"] else None,
        "request_form": RequestForm(formdata=None) if may["can_request"] else None,
        "answer_form": AnswerForm(formdata=None) if may["can_answer"] else None,
        "decide_form": DecideForm(formdata=None, decision="accept") if may["can_decide"] else None,
    }
    return TaskSection("followups/_task_section.html", context)


def _send_now(email_ids: list[int], today, now) -> None:
    """The leader's action goes out now (once committed: `after_commit`); if the mail server is
    down it stays queued, and the scheduler's retry job sends it (the action itself is saved)."""
    if not email_ids:
        return
    from tracker.reminders.jobs import deliver

    try:
        report = deliver(today=today, now=now, ids=email_ids)
    except Exception:  # the page must not fail for the mail server: the retry job sends it
        db.session.rollback()
        log.exception("follow-up emails %s not sent now; queued for retry", email_ids)
        return
    if report.retrying:
        flash(_("Máy chủ thư chưa nhận thư; thư sẽ được gửi lại tự động."), "warning")


def _form_again(task: Task, form, title: str, action: str):
    """The refused form on a page of its own, as typed, with what is wrong."""
    return render_template(
        "followups/action.html", task=task, form=form, title=title, action=action
    )


def _leader_message(
    task_id: int, form_class, operation, title: str, endpoint: str, done: str, action: Action
):
    """Prompt or request an explanation: a leader's message to the lead, emailed now."""
    task = task_or_404(task_id)
    authorize(current_user, action, task)
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    now, today = clock.utcnow(), clock.today()
    try:
        sent = operation(db.session, task, current_user, form.message.data, today=today, now=now)
    except Refusal as refusal:
        show_refusal(refusal, form)
        return _form_again(task, form, title, url_for(endpoint, task_id=task.id))
    after_commit(lambda: _send_now(sent.emails, today, now))
    flash(done, "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.route("/tasks/<int:task_id>/prompt", methods=["POST"])
@login_required
def prompt(task_id: int):
    return _leader_message(
        task_id,
        PromptForm,
        send_prompt,
        _("Đôn đốc"),
        ".prompt",
        _("Đã gửi đôn đốc đến cán bộ chủ trì."),
        Action.PROMPT_TASK,
    )


@bp.route("/tasks/<int:task_id>/explanation", methods=["POST"])
@login_required
def request_(task_id: int):
    return _leader_message(
        task_id,
        RequestForm,
        request_explanation,
        _("Yêu cầu giải trình"),
        ".request_",
        _("Đã gửi yêu cầu giải trình đến cán bộ chủ trì."),
        Action.REQUEST_EXPLANATION,
    )


@bp.route("/tasks/<int:task_id>/explanation/answer", methods=["POST"])
@login_required
def answer(task_id: int):
    task = task_or_404(task_id)
    authorize(current_user, Action.ANSWER_EXPLANATION, task)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _form_again(task, form, _("Giải trình"), url_for(".answer", task_id=task.id))
    now, today = clock.utcnow(), clock.today()
    try:
        pending = waiting_request(db.session, task, _("không thể trả lời."))
        result = answer_explanation(
            db.session,
            pending,
            current_user,
            form.reason.data,
            form.proposed_deadline.date,
            today=today,
            now=now,
        )
    except Refusal as refusal:
        show_refusal(refusal, form)
        return _form_again(task, form, _("Giải trình"), url_for(".answer", task_id=task.id))
    if result.notice:
        flash(result.notice, "info")
    flash(_("Đã gửi giải trình."), "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.route("/tasks/<int:task_id>/explanation/decide", methods=["POST"])
@login_required
def decide(task_id: int):
    task = task_or_404(task_id)
    authorize(current_user, Action.DECIDE_EXPLANATION, task)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    action = url_for(".decide", task_id=task.id)
    try:
        pending = waiting_request(db.session, task, _("không thể quyết định lại."))
        if form.decision.data not in ("accept", "refuse"):
            raise Refusal({"decision": _("Chọn chấp nhận hoặc không chấp nhận.")})
        decide_explanation(
            db.session,
            pending,
            current_user,
            form.decision.data == "accept",
            form.note.data,
            now=clock.utcnow(),
        )
    except Refusal as refusal:
        show_refusal(refusal, form)
        return _form_again(task, form, _("Quyết định gia hạn"), action)
    if form.decision.data == "accept":
        flash(_("Đã chấp nhận thời hạn mới."), "success")
    else:
        flash(_("Đã giữ nguyên thời hạn."), "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.route("/units/<unit_code>/followups")
@login_required
def month(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.SEE_LEADER_VIEWS, unit)
    today = clock.today()
    year, month_ = today.year, today.month
    text = (request.args.get("month") or "").strip()
    if text:
        match = MONTH.match(text)
        if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
            year, month_ = int(match[1]), int(match[2])
        else:
            flash(_("Tháng “%(value)s” không hợp lệ (YYYY-MM).", value=text), "warning")
    data = month_followups(db.session, unit.id, year, month_)
    previous = (year, month_ - 1) if month_ > 1 else (year - 1, 12)
    following = (year, month_ + 1) if month_ < 12 else (year + 1, 1)
    return render_template(
        "followups/month.html",
        unit=unit,
        data=data,
        year=year,
        month=month_,
        previous=f"{previous[0]:04d}-{previous[1]:02d}",
        following=f"{following[0]:04d}-{following[1]:02d}",
    )
