import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from tracker.core.clock import today
from tracker.core.files import send_stored, store_upload
from tracker.core.formatting import format_date
from tracker.core.forms import Form
from tracker.core.fragments import rendering_key
from tracker.core.once import single_use
from tracker.core.permissions import (
    Action,
    authorize,
    can,
    may_assign,
    may_assign_in,
    may_be_confirmer,
)
from tracker.core.refusals import Conflict, Refusal, show_refusal
from tracker.core.status import deadline_class
from tracker.core.versions import Kept
from tracker.documents.queries import recent_entries
from tracker.extensions import db
from tracker.people.models import Officer, Role
from tracker.people.queries import active_officers, unit_or_404
from tracker.plans.models import Plan
from tracker.tasks import bp
from tracker.tasks.deadlines import deadline_changes
from tracker.tasks.forms import (
    BulkAssignForm,
    CompletionForm,
    ConfirmForm,
    NoteForm,
    ProgressForm,
    ReasonForm,
    TaskForm,
    officer_choice,
)
from tracker.tasks.models import CadenceMode, CadenceUnit, Evidence, Task, TaskState
from tracker.tasks.notices import DAY_REMINDERS, NOTICE_LINES
from tracker.tasks.operations import (
    TaskInput,
    add_note,
    bulk_assign,
    check_task,
    confirm_completion,
    current_occurrence,
    mark_notifications_read,
    record_progress,
    reopen,
    return_completion,
    save_task,
    submit_completion,
    withdraw_task,
)
from tracker.tasks.queries import (
    officer_tasks,
    pending_confirmations,
    recent_notifications,
    returned_evidence,
    submitter_id,
    task_history_and_units,
    task_journal,
    task_or_404,
    task_page_or_404,
    unit_version,
    waiting_submission,
)
from tracker.tasks.rendering import task_cards

RECENT_DONE = 10

log = logging.getLogger("tracker.tasks")

# What higher areas show on the task page (followups: prompting and explanations): listed once
# where the app is built (tracker.configure_task_page), each a SectionSource.
TASK_SECTIONS = "tracker.task_sections"  # in app.extensions


@dataclass(frozen=True, slots=True)
class TaskSection:
    template: str  # included by tasks/detail.html, with `section` in its context
    context: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SectionSource:
    """A section of the task page. `probe`, if any, gives a SQL expression on Task (has the
    task children, prompts…?) that the page reads with the task, in its one statement; `load`
    builds the section from the task and that value, and skips the queries it answers no to."""

    load: Callable[..., TaskSection]  # (task) -> section, or (task, probed) with a probe
    probe: Callable[[], ColumnElement] | None = None


@bp.route("/my-tasks")
@login_required
def mine():
    rows = officer_tasks(db.session, current_user.id, today())
    returned = [r for r in rows if r.to_resubmit]
    rest = [r for r in rows if not r.to_resubmit]
    done = [r for r in rest if r.status.is_done]
    sections = {
        "returned": returned,
        "overdue": [r for r in rest if r.status == "open_overdue"],
        "open": [r for r in rest if r.status == "open_on_time"],
        # what is done matters less than what is next: the latest few, the rest a click away
        "done": done[:RECENT_DONE],
    }
    labels = {  # patterns the template fills in on every row
        "done_on": _("Hoàn thành %(date)s"),
        "due_on": _("Hạn %(date)s"),
    }
    return render_template(
        "tasks/mine.html",
        sections=sections,
        done_total=len(done),
        as_of=today(),
        labels=labels,
        task_cards=task_cards,
        # Returned work is resubmitted from its card, with the task page's completion form.
        completion_forms={r.task.id: CompletionForm(formdata=None) for r in returned},
    )


@dataclass(frozen=True, slots=True)
class TaskActivity:
    """What the task page shows of its journal and its audit trail (the returned alert, the
    evidence list, the exchanges, the history), the same for every reader, and who submitted
    the completion waiting for a decision (the rights to decide depend on it)."""

    returned: Markup
    evidence: Markup
    journal: Markup
    history: Markup
    submitter_id: int | None
    # Every officer named is of the task's unit: then the unit's version covers the names.
    own_names: bool


# Kept across requests (tracker.core.versions) under the data version of the task's unit, read
# with the task: notes, completions, decisions and evidence all renew it.
_ACTIVITY: Kept[tuple, TaskActivity] = Kept("task pages' activity", 512)


def _activity(task: Task) -> TaskActivity:
    journal = task_journal(db.session, task)
    history, named_units = task_history_and_units(db.session, task)
    named_units |= {n.author.unit_id for n in journal if n.author is not None}
    context = {"task": task, "returns": returned_evidence(journal), "journal": journal,
               "history": history}
    current_app.update_template_context(context)
    parts = current_app.jinja_env.get_template("tasks/_activity.html").make_module(context)
    return TaskActivity(
        returned=Markup(parts.returned_alert()),
        evidence=Markup(parts.evidence_list()),
        journal=Markup(parts.journal_list()),
        history=Markup(parts.history_list()),
        submitter_id=submitter_id(task, journal),
        own_names=named_units <= {task.plan.unit_id},
    )


@lru_cache(maxsize=8)
def _state_labels_in(language: str) -> dict[str, str]:
    """The states' names as tasks/_changes.html defines them, in the request's language (the
    translations do not change while the application runs: once per language; a copy of the
    dictionary goes to each page)."""
    module = current_app.jinja_env.get_template("tasks/_changes.html").make_module(
        current_app.jinja_env.globals
    )
    return dict(module.state_labels)


def _kept_activity(task: Task, version: int) -> TaskActivity:
    fresh: list[TaskActivity] = []

    def compute() -> TaskActivity:
        fresh.append(_activity(task))
        return fresh[0]

    activity = _ACTIVITY.get(rendering_key((task.id, task.plan.unit_id, version)), compute)
    # Names of officers of other units: their renaming renews those units' versions, not this
    # one's; such a task's activity is read anew each time (once: not again when just read).
    return activity if activity.own_names or fresh else _activity(task)


@bp.route("/tasks/<int:task_id>")
@login_required
def detail(task_id: int):
    sources = current_app.extensions[TASK_SECTIONS]
    probes = tuple(source.probe for source in sources if source.probe is not None)
    task, probed = task_page_or_404(db.session, task_id, (*probes, unit_version))
    authorize(current_user, Action.VIEW_UNIT, task.plan.unit)
    answers = iter(probed[:-1])
    activity = _kept_activity(task, probed[-1])
    sections = [
        source.load(task, next(answers)) if source.probe is not None else source.load(task)
        for source in sources
    ]
    occurrence = current_occurrence(task) if task.is_recurring else None
    submission = waiting_submission(task, activity.submitter_id)
    # What the officer may do here decides which forms the page holds (and builds).
    officer = current_user
    may = {
        "confirm": submission is not None
        and can(officer, Action.CONFIRM_COMPLETION, submission),
        "reopen": task.state is TaskState.DONE and can(officer, Action.CONFIRM_COMPLETION, task),
        "progress": task.state.is_open and can(officer, Action.REPORT_PROGRESS, task),
        "note": can(officer, Action.ADD_NOTE, task),
        "withdraw": can(officer, Action.WITHDRAW_TASK, task),
    }
    return render_template(
        "tasks/detail.html",
        task=task,
        status=deadline_class(task, today()),
        activity=activity,
        state_labels=dict(_state_labels_in(str(get_locale()))),
        submission=submission,
        occurrence=occurrence,
        may=may,
        progress_form=(
            ProgressForm(formdata=None, percent=task.progress_percent) if may["progress"] else None
        ),
        confirm_form=ConfirmForm(formdata=None) if may["confirm"] else None,
        reason_form=(
            ReasonForm(formdata=None)
            if may["confirm"] or may["reopen"] or may["withdraw"]
            else None
        ),
        deadline_changes=deadline_changes(db.session, task.id) if task.deadline_history else [],
        note_form=NoteForm(formdata=None) if may["note"] else None,
        sections=sections,
    )


@bp.route("/evidence/<int:evidence_id>/file")
@login_required
def evidence_file(evidence_id: int):
    """Evidence files live outside static files and go only to those who may see the task."""
    evidence = db.get_or_404(Evidence, evidence_id)
    authorize(current_user, Action.VIEW_UNIT, evidence.task.plan.unit)
    if not evidence.stored_name or evidence.archived_at is not None:
        abort(404)
    return send_stored(
        f"evidence {evidence.id}", evidence.stored_name, evidence.sha256,
        evidence.content_type, evidence.file_name,
    )


# ---------------------------------------------------------------------------- workflow


def _unit_officers(unit_id: int) -> list[Officer]:
    return active_officers(db.session, unit_id, with_roles=True)


def _fill_choices(form: TaskForm, plan: Plan) -> None:
    officers = _unit_officers(plan.unit_id)
    people = [officer_choice(o) for o in officers]
    form.group_id.choices = [SelectChoice("", _("— Không thuộc lĩnh vực —"))] + [
        SelectChoice(str(g.id), f"{g.ordinal}. {g.name}") for g in plan.groups
    ]
    form.lead_officer_id.choices = [SelectChoice("", _("— Chọn cán bộ —")), *people]
    form.supporter_ids.choices = people
    form.confirmer_id.choices = [SelectChoice("", _("— Chọn lãnh đạo —"))] + [
        officer_choice(o) for o in officers if may_be_confirmer(o, plan.unit)
    ]


def _member(enum_type, value):
    try:
        return enum_type(value)
    except ValueError:
        return None


def _task_input(form: TaskForm) -> TaskInput:
    kind = form.deadline_kind.data
    return TaskInput(
        title=form.title.data or "",
        deliverable=form.deliverable.data or "",
        group_id=form.group_id.data,
        lead_officer_id=form.lead_officer_id.data,
        supporter_ids=list(form.supporter_ids.data or []),
        confirmer_id=form.confirmer_id.data,
        deadline=form.deadline.date if kind == "date" else None,
        start_date=form.start_date.date,
        deadline_working_days=form.deadline_working_days.data if kind == "working_days" else None,
        cadence_every=form.cadence_every.data if kind == "recurring" else None,
        cadence_unit=_member(CadenceUnit, form.cadence_unit.data) if kind == "recurring" else None,
        cadence_mode=_member(CadenceMode, form.cadence_mode.data) if kind == "recurring" else None,
        recurrence_note=form.recurrence_note.data or "",
        notes=form.notes.data or "",
        deadline_reason=form.deadline_reason.data or "",
        version=_number(form.version.data),
    )


def _number(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _save(form: TaskForm, plan: Plan, task: Task | None):
    data = _task_input(form)
    # a vice chairperson may create or move tasks only within the fields they oversee
    group = next((g for g in plan.groups if g.id == data.group_id), None)
    if not may_assign(current_user, plan, group, task):
        abort(403)
    try:
        result = save_task(db.session, plan, data, current_user, task=task)
    except Conflict as conflict:
        show_refusal(conflict, form)
        # What they changed is shown; saving again (as typed) is then a choice, not an accident.
        form.version.data = str(conflict.current_version)
        g.task_conflict = conflict
        return None
    except Refusal as refusal:
        show_refusal(refusal, form)
        return None
    if result.notice:
        flash(result.notice, "warning")
    flash(_("Đã lưu nhiệm vụ."), "success")
    return redirect(url_for("tasks.detail", task_id=result.task.id))


def _authorize_assigning_in(plan: Plan) -> None:
    """May assign some task of the plan: all of them, or those of the fields one oversees."""
    if not may_assign_in(current_user, plan):
        abort(403)


# The field that says when a task is due, for each kind of deadline the form offers.
_DEADLINE_FIELD = {"working_days": "deadline_working_days", "recurring": "cadence_every"}


def _deadline_error_on_its_field(form: TaskForm) -> None:
    """The rule's "deadline" message belongs on the field of the kind chosen (the only one
    the page shows): the number of working days, the cycle."""
    name = _DEADLINE_FIELD.get(form.deadline_kind.data)
    if name and form.deadline.errors:
        if not form[name].errors:
            form[name].errors = list(form.deadline.errors)
        form.deadline.errors = []


def _submit(form: TaskForm, plan: Plan, task: Task | None):
    """Save when everything is right; otherwise name every problem, typed and domain alike."""
    if form.validate():
        response = _save(form, plan, task)
    else:
        show_refusal(Refusal(check_task(db.session, plan, _task_input(form))), form)
        response = None
    if response is None:
        _deadline_error_on_its_field(form)
    return response


@bp.route("/plans/<int:plan_id>/tasks/new", methods=["GET", "POST"])
@login_required
@single_use
def create(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    if plan.archived_at is not None:
        abort(404)
    _authorize_assigning_in(plan)
    form = TaskForm()
    _fill_choices(form, plan)
    if request.method == "GET":
        chair = next(
            (o for o in _unit_officers(plan.unit_id) if o.has_role(Role.CHAIRPERSON)), None
        )
        form.confirmer_id.data = chair.id if chair else None
        form.group_id.data = request.args.get("group", type=int)
    if form.is_submitted():
        response = _submit(form, plan, None)
        if response is not None:
            return response
    return render_template("tasks/form.html", form=form, plan=plan, task=None)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id: int):
    task = task_or_404(task_id, details=True)
    authorize(current_user, Action.ASSIGN_TASK, task)
    form = TaskForm(obj=task if request.method == "GET" else None)
    _fill_choices(form, task.plan)
    if request.method == "GET":
        form.supporter_ids.data = [s.id for s in task.supporters]
        form.deadline.data = format_date(task.deadline) if not task.is_recurring else ""
        form.start_date.data = format_date(task.start_date)
        form.deadline_kind.data = (
            "recurring"
            if task.is_recurring
            else "working_days"
            if task.deadline_working_days
            else "date"
        )
        if task.cadence_unit:
            form.cadence_unit.data = task.cadence_unit.value
            form.cadence_mode.data = task.cadence_mode.value
    if form.is_submitted():
        response = _submit(form, task.plan, task)
        if response is not None:
            return response
    return render_template(
        "tasks/form.html", form=form, plan=task.plan, task=task, conflict=g.get("task_conflict")
    )


@bp.route("/plans/<int:plan_id>/assign", methods=["POST"])
@login_required
def bulk(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    _authorize_assigning_in(plan)
    form = BulkAssignForm()
    if not form.validate_on_submit():
        flash(_("Biểu mẫu giao việc không hợp lệ."), "danger")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    tasks = list(
        db.session.scalars(
            select(Task)
            .where(
                Task.id.in_(form.task_ids.data or []),
                Task.plan_id == plan.id,
                Task.archived_at.is_(None),
            )
            .options(selectinload(Task.supporters), joinedload(Task.group))
        ).unique()
    )
    for task in tasks:
        authorize(current_user, Action.ASSIGN_TASK, task)
    try:
        count = bulk_assign(
            db.session,
            tasks,
            current_user,
            lead_officer_id=form.lead_officer_id.data,
            confirmer_id=form.confirmer_id.data,
        )
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(_("Đã giao %(n)s nhiệm vụ.", n=count), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


def _after(task: Task, message: str):
    flash(message, "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


def _back_with_refusal(task: Task, refusal: Refusal):
    """A refused action of the task page: nothing saved, the reasons above the page."""
    show_refusal(refusal)
    return redirect(url_for("tasks.detail", task_id=task.id))


def _back_with_errors(task: Task, form: Form):
    """A small form on the task page: its refusals as messages above the page."""
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")
    return redirect(url_for("tasks.detail", task_id=task.id))


def _stored(upload):
    return store_upload(upload)


def _occurrence_id(form) -> int | None:
    return _number(form.occurrence_id.data)


@bp.route("/tasks/<int:task_id>/progress", methods=["POST"])
@login_required
def progress(task_id: int):
    task = task_or_404(task_id, details=True)
    authorize(current_user, Action.REPORT_PROGRESS, task)
    form = ProgressForm()
    if not form.validate_on_submit():
        return _back_with_errors(task, form)
    try:
        record_progress(
            db.session, task, current_user, percent=form.percent.data, note=form.note.data or ""
        )
    except Refusal as refusal:
        return _back_with_refusal(task, refusal)
    return _after(task, _("Đã cập nhật tiến độ."))


@bp.route("/tasks/<int:task_id>/complete", methods=["GET", "POST"])
@login_required
@single_use
def complete(task_id: int):
    task = task_or_404(task_id, details=True)
    authorize(current_user, Action.SUBMIT_COMPLETION, task)
    form = CompletionForm()
    if form.validate_on_submit():
        status = 200  # a file we do not take is a field error like a mistyped one
        try:
            stored = _stored(form.file.data)
            status = 422
            submit_completion(
                db.session,
                task,
                current_user,
                document_number=form.document_number.data,
                document_date=form.document_date.date,
                summary=form.summary.data or "",
                today=today(),
                file=stored,
                occurrence_id=_occurrence_id(form),
            )
        except Refusal as refusal:
            show_refusal(refusal, form)
            task = task_or_404(task.id, details=True)  # as it was before the refused change
            return _complete_page(form, task), status
        return _after(task, _("Đã báo cáo hoàn thành; chờ lãnh đạo xác nhận."))
    return _complete_page(form, task)


def _complete_page(form, task):
    register = recent_entries(db.session, task.plan.unit_id)
    return render_template("tasks/complete.html", form=form, task=task, register=register)


def _leader_decision(task_id: int, form_class, decide, done_message: str):
    """Confirm, return or reopen: the same shape, a leader's decision on a completion."""
    task = task_or_404(task_id, details=True)
    authorize(current_user, Action.CONFIRM_COMPLETION, task)
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(task, form)
    except Refusal as refusal:
        return _back_with_refusal(task, refusal)
    return _after(task, done_message)


@bp.route("/tasks/<int:task_id>/confirm", methods=["POST"])
@login_required
def confirm(task_id: int):
    return _leader_decision(
        task_id,
        ConfirmForm,
        lambda task, form: confirm_completion(db.session, task, current_user, _occurrence_id(form)),
        _("Đã xác nhận hoàn thành."),
    )


@bp.route("/tasks/<int:task_id>/return", methods=["POST"])
@login_required
def send_back(task_id: int):
    return _leader_decision(
        task_id,
        ReasonForm,
        lambda task, form: return_completion(
            db.session,
            task,
            current_user,
            reason=form.reason.data or "",
            occurrence_id=_occurrence_id(form),
        ),
        _("Đã trả lại báo cáo hoàn thành."),
    )


@bp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
@login_required
def reopen_task(task_id: int):
    return _leader_decision(
        task_id,
        ReasonForm,
        lambda task, form: reopen(db.session, task, current_user, reason=form.reason.data or ""),
        _("Đã mở lại nhiệm vụ."),
    )


@bp.route("/tasks/<int:task_id>/withdraw", methods=["POST"])
@login_required
def withdraw(task_id: int):
    task = task_or_404(task_id, details=True)
    # On the unit: a task withdrawn meanwhile is answered with what happened, not a 403.
    authorize(current_user, Action.WITHDRAW_TASK, task.plan.unit)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _back_with_errors(task, form)
    try:
        withdraw_task(db.session, task, current_user, reason=form.reason.data or "")
    except Refusal as refusal:
        return _back_with_refusal(task, refusal)
    return _after(task, _("Đã rút nhiệm vụ khỏi kế hoạch."))


@bp.route("/tasks/<int:task_id>/notes", methods=["POST"])
@login_required
@single_use
def note(task_id: int):
    task = task_or_404(task_id, details=True)
    authorize(current_user, Action.ADD_NOTE, task)
    form = NoteForm()
    if not form.validate_on_submit():
        return _back_with_errors(task, form)
    try:
        stored = _stored(form.file.data)
        add_note(db.session, task, current_user, body=form.body.data or "", file=stored)
    except Refusal as refusal:
        return _back_with_refusal(task, refusal)
    return _after(task, _("Đã thêm ghi chú."))


@bp.route("/units/<unit_code>/confirmations")
@login_required
def confirmations(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.SEE_LEADER_VIEWS, unit)
    tasks = pending_confirmations(db.session, unit.id)
    return render_template("tasks/confirmations.html", unit=unit, tasks=tasks, form=ConfirmForm())


@bp.route("/notifications")
@login_required
def notifications():
    notices = recent_notifications(db.session, current_user.id, today())
    # The reminders of a day are one notice; the reminders area lists them under it.
    days = [n.day for n, _action in notices if n.kind == DAY_REMINDERS and n.day]
    list_lines = current_app.extensions.get(NOTICE_LINES)
    lines = list_lines(db.session, current_user.id, days) if days and list_lines else {}
    return render_template(
        "tasks/notifications.html",
        action=[n for n, needed in notices if needed],
        info=[n for n, needed in notices if not needed],
        lines=lines,
        day_kind=DAY_REMINDERS,
        form=ConfirmForm(),
    )


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    mark_notifications_read(db.session, current_user.id)
    return redirect(url_for("tasks.notifications"))
