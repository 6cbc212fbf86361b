"""The meeting pages: the unit's meetings (and opening the next one), the meeting itself
(attendance, agenda, decisions, evaluations, closing), its files, the evaluations."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from wtforms import SelectChoice

from tracker.core import clock
from tracker.core.downloads import download, file_name
from tracker.core.formatting import format_percent, status_badge, task_url
from tracker.core.fragments import KeptHtml, filled, reread_reader
from tracker.core.office import ConversionError, convert_to_pdf, libreoffice
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Conflict, Refusal, show_refusal
from tracker.core.spreadsheets import xlsx_download
from tracker.core.transactions import discard
from tracker.extensions import db
from tracker.meetings import bp
from tracker.meetings.agenda import meeting_agenda
from tracker.meetings.exporting import (
    agenda_xlsx,
    evaluations_xlsx,
    meeting_subject,
    minutes_docx,
)
from tracker.meetings.forms import (
    NOT_EVALUATED,
    ActionForm,
    CloseForm,
    DecisionForm,
    EvaluationForm,
    GradesForm,
    ItemForm,
    MeetingForm,
)
from tracker.meetings.models import Meeting
from tracker.meetings.operations import (
    DEFAULT_GRADES,
    MAX_TEXT,
    AlreadyOpen,
    DecisionInput,
    EvaluationInput,
    GradingRefused,
    MeetingInput,
    NewTask,
    add_item,
    close_meeting,
    evaluate_all,
    evaluation_state,
    next_meeting_defaults,
    open_meeting,
    record_decision,
    set_attendance,
    set_grades,
    update_meeting,
)
from tracker.meetings.queries import (
    evaluation_table,
    grade_list,
    meeting_head,
    meeting_page,
    meeting_whole,
    officer_evaluations,
    unevaluated,
    unit_meetings,
)
from tracker.people.models import Officer
from tracker.people.queries import active_officers, unit_or_404
from tracker.tasks.forms import officer_choice

log = logging.getLogger("tracker.meetings")
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = meeting_whole(db.session, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _unit_officers(unit_id: int) -> list[Officer]:
    return active_officers(db.session, unit_id)


def _officer_choices(form: MeetingForm, officers: list[Officer]) -> None:
    people = [officer_choice(o) for o in officers]
    form.chair_id.choices = [SelectChoice("", _("— Chọn người chủ trì —")), *people]
    form.secretary_id.choices = [SelectChoice("", _("— Chọn thư ký —")), *people]


def _meeting_input(form: MeetingForm) -> MeetingInput:
    return MeetingInput(
        year=form.year.data or 0,
        month=form.month.data or 0,
        held_on=form.held_on.date,
        starts_at=form.starts_at.time,
        place=form.place.data or "",
        number=form.number.data or "",
        chair_id=form.chair_id.data,
        secretary_id=form.secretary_id.data,
    )


# ---------------------------------------------------------------------------- the list


def _index(unit, form: MeetingForm | None = None, status: int = 200):
    meetings = unit_meetings(db.session, unit.id)
    if form is None and can(current_user, Action.MANAGE_MEETINGS, unit):
        data = next_meeting_defaults(db.session, unit, clock.today(), current_user)
        form = MeetingForm(
            formdata=None,
            year=data.year,
            month=data.month,
            held_on=f"{data.held_on:%d/%m/%Y}",
            starts_at=f"{data.starts_at:%H:%M}" if data.starts_at else "",
            place=data.place,
            chair_id=data.chair_id,
            secretary_id=data.secretary_id,
        )
    if form is not None:
        _officer_choices(form, _unit_officers(unit.id))
    return render_template("meetings/index.html", unit=unit, meetings=meetings, form=form), status


@bp.route("/units/<unit_code>/meetings")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_MEETINGS, unit)
    return _index(unit)


@bp.route("/units/<unit_code>/meetings", methods=["POST"])
@login_required
def create(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_MEETINGS, unit)
    form = MeetingForm()
    _officer_choices(form, _unit_officers(unit.id))
    if not form.validate_on_submit():
        return _index(unit, form, 200)
    try:
        meeting = open_meeting(db.session, unit, _meeting_input(form), current_user)
    except AlreadyOpen as opened:  # perhaps a moment ago, by another leader: go to it
        show_refusal(opened)
        return redirect(url_for(".detail", meeting_id=opened.meeting_id))
    except Refusal as refusal:
        show_refusal(refusal, form)
        return _index(unit, form, 200)
    flash(_("Đã mở Họp giao ban CCHC tháng %(m)s/%(y)s.", m=meeting.month, y=meeting.year),
          "success")
    return redirect(url_for(".detail", meeting_id=meeting.id))


# ---------------------------------------------------------------------------- the meeting


# Placeholders of a blank decision form, replaced by each copy's prefix and ids.
_PREFIX, _ITEM_ID, _TASK_ID = "zzprefixzz", "zzitemzz", "zztaskzz"
_OFFICER_ID, _COMMENT, _REASON = "zzofficerzz", "zzcommentzz", "zzreasonzz"
_VERSION, _SEEN = "zzversionzz", "zzseenzz"
_PLACEHOLDER = re.compile("zz(?:prefix|item|task|officer|comment|reason|version|seen)zz")

# The blank forms, kept across requests: a blank depends only on its key (the meeting, the
# choices, the rights; the language and the app: core.fragments), its CSRF token a slot
# filled per request.
_BLANKS = KeptHtml("meeting blank forms", 256)
# The page's body, kept under the unit's data version, the day and the reader's rights.
_BODIES = KeptHtml("meeting pages", 128)


def _copy(blank: str, values: dict[str, str]) -> str:
    """A form rendered once with placeholders, filled in for one officer, item or task (in one
    pass, so that a typed text that happens to hold a placeholder stays as typed); its CSRF
    slot stays, filled when the page is served."""
    return _PLACEHOLDER.sub(lambda match: values[match[0]], blank)


def _choices_key(choices) -> tuple:
    return tuple((c.value, c.label) for c in choices)


def _rights(meeting: Meeting) -> tuple[bool, bool, bool]:
    """What the reader may do on the meeting's page: manage, evaluate, assign a task."""
    may_manage = not meeting.is_closed and can(current_user, Action.MANAGE_MEETINGS, meeting)
    may_evaluate = not meeting.is_closed and can(current_user, Action.EVALUATE_OFFICERS, meeting)
    may_assign = may_evaluate and can(current_user, Action.ASSIGN_TASK, meeting.unit)
    return may_manage, may_evaluate, may_assign


def _page(meeting: Meeting, failed: dict | None = None, status: int = 200,
          version: int | None = None):
    """The meeting page; `failed` holds a refused form to show as typed ({kind: form}).

    With `version`, the unit's data version read with the meeting (queries.meeting_head), the
    body is kept: by the meeting, that version, the day, the reader's rights (the rest of the
    key: core.fragments). A refused form's page is rendered as typed, never kept."""
    rights = _rights(meeting)
    has_pdf = libreoffice() is not None
    if failed or version is None:
        body = filled(_body(meeting, failed or {}, rights, has_pdf))
    else:
        key = ("meeting", meeting.id, version, clock.today(), rights, has_pdf)
        body = _BODIES.get(key, lambda: _fresh_body(meeting, rights, has_pdf))
    return render_template("meetings/detail.html", meeting=meeting, body=body), status


def _fresh_body(meeting: Meeting, rights: tuple[bool, bool, bool], has_pdf: bool) -> str:
    """The body to keep: from rows read after the version (the meeting and its unit were read
    with it), the reader's own row too, loaded before it (the reader may be on the page: an
    officer of the unit)."""
    reread_reader(db.session)
    return _body(meeting_whole(db.session, meeting.id), {}, rights, has_pdf)


def _body(meeting: Meeting, failed: dict, rights: tuple[bool, bool, bool], has_pdf: bool) -> str:
    """The page's body, its CSRF tokens left as slots (core.fragments)."""
    page = meeting_page(db.session, meeting)
    evaluations, proposals = page.evaluations, page.proposals
    may_manage, may_evaluate, may_assign = rights
    officers = [a.officer for a in meeting.attendance]
    # Nothing chosen until the chair chooses (or a proposal does): never a grade by default.
    grade_choices = [
        SelectChoice("", _("— Chọn mức đánh giá —")),
        *(SelectChoice(str(g.id), g.name) for g in page.grades),
        SelectChoice(NOT_EVALUATED, _("Không đánh giá")),
    ]
    # The same choices in every decision form (one a task of the agenda): built once.
    plan_choices = [SelectChoice("", _("— Chọn kế hoạch —"))] + [
        SelectChoice(str(p.id), p.title) for p in page.plans
    ]
    lead_choices = [SelectChoice("", _("— Chọn cán bộ —"))] + [
        officer_choice(o) for o in officers if o.active
    ]

    def evaluation_form(officer_id, prefix=None, **values) -> EvaluationForm:
        form = failed.get(("evaluation", officer_id))
        if form is None:
            form = EvaluationForm(
                formdata=None, prefix=prefix or f"e{officer_id}", officer_id=officer_id, **values
            )
        form.grade_id.choices = grade_choices
        return form

    # A refused grading form: the first line refused takes the focus (the browser scrolls to
    # it), each line's state is the one recorded now (saving again is then a choice).
    refused_first = failed.get("grading_first")

    def render_evaluation(form: EvaluationForm, seen: str = _SEEN) -> str:
        return render_template(
            "meetings/_evaluation.html",
            form=form,
            meeting=meeting,
            seen=seen,
            autofocus=refused_first is not None and form.officer_id.data == str(refused_first),
        )

    # One evaluation form an officer, alike but for the prefix, the officer and what was
    # graded: rendered once with placeholders and copied, like the decision forms below.
    blank_evaluation: list[str] = []

    def evaluation(officer_id: int) -> Markup:
        if ("evaluation", officer_id) in failed:
            seen = evaluation_state(evaluations.get(officer_id))
            return Markup(render_evaluation(evaluation_form(officer_id), seen))
        if not blank_evaluation:

            def render() -> str:
                form = evaluation_form(_OFFICER_ID, _PREFIX, comment=_COMMENT, reason=_REASON)
                form.grade_id.data = _PREFIX  # matches no choice: each copy selects its own
                return render_evaluation(form)

            key = ("evaluation", meeting.id, _choices_key(grade_choices))
            blank_evaluation.append(_BLANKS.unfilled(key, render))
        existing = evaluations.get(officer_id)
        proposal = proposals.get(officer_id)
        if existing is not None:
            chosen = str(existing.grade_id) if existing.evaluated else NOT_EVALUATED
        else:
            chosen = str(proposal.id) if proposal else ""
        values = {
            _PREFIX: f"e{int(officer_id)}",
            _OFFICER_ID: str(int(officer_id)),
            _COMMENT: str(escape(existing.comment if existing else "")),
            _REASON: str(escape(existing.reason if existing else "")),
            _SEEN: evaluation_state(existing),
        }
        html = _copy(blank_evaluation[0], values)
        option = f'<option value="{chosen}">'
        return Markup(html.replace(option, f'<option selected value="{chosen}">', 1))

    def decision_form(item_id=None, task_id=None, prefix=None) -> DecisionForm:
        form = failed.get(("decision", item_id, task_id))
        if form is None:
            form = DecisionForm(
                formdata=None,
                prefix=prefix or (f"i{item_id}" if item_id else f"t{task_id}"),
                item_id=item_id or "",
                task_id=task_id or "",
            )
        form.plan_id.choices = plan_choices
        form.lead_officer_id.choices = lead_choices
        return form

    def render_decision(form: DecisionForm, with_deadline: bool) -> str:
        return render_template(
            "meetings/_decision.html", form=form, task_id=with_deadline, meeting=meeting,
            may_assign=may_assign,
        )

    # A page has a decision form under each task of the agenda (hundreds in a large ward), all
    # alike but for their prefix and ids: each kind is rendered once, with placeholders, and
    # copied; a refused form is rendered as typed.
    blanks: dict[tuple[bool, bool], str] = {}

    def decision(item_id=None, task_id=None, with_deadline=False) -> Markup:
        if ("decision", item_id, task_id) in failed:
            return Markup(render_decision(decision_form(item_id, task_id), with_deadline))
        kind = (item_id is not None, bool(with_deadline))
        blank = blanks.get(kind)
        if blank is None:

            def render() -> str:
                form = decision_form(
                    item_id=_ITEM_ID if item_id is not None else None,
                    task_id=_TASK_ID if item_id is None else None,
                    prefix=_PREFIX,
                )
                form.task_version.data = _VERSION
                return render_decision(form, with_deadline)

            key = (
                "decision", *kind, meeting.id, may_assign, _choices_key(plan_choices),
                _choices_key(lead_choices),
            )
            blank = blanks[kind] = _BLANKS.unfilled(key, render)
        prefix = f"i{int(item_id)}" if item_id is not None else f"t{int(task_id)}"
        version = page.task_versions.get(task_id or with_deadline or 0)
        ids = {
            _PREFIX: prefix,
            _ITEM_ID: str(int(item_id or 0)),
            _TASK_ID: str(int(task_id or 0)),
            _VERSION: str(int(version)) if version is not None else "",
        }
        return Markup(_copy(blank, ids))

    def task_lines(lines: list[dict], words: dict[str, str]) -> Markup:
        """A section's task lines (about a hundred on a ward's page), written here rather than
        through an included template each: title, deadline, completion, status, and the
        decision form where one may still be recorded."""
        deadline, completed = escape(words["deadline"]), escape(words["completed"])
        status = escape(words["status"])
        rows = []
        for line in lines:
            form = ""
            if may_evaluate and line["task_id"] not in page.decided_tasks:
                form = decision(task_id=line["task_id"], with_deadline=True)
            rows.append(
                f'<tr><td><a href="{task_url(line["task_id"])}">{escape(line["title"])}</a>'
                f"{form}</td>"
                f'<td class="text-nowrap" data-label="{deadline}">'
                f'{escape(line["deadline"] or "—")}</td>'
                f'<td class="text-nowrap" data-label="{completed}">'
                f'{escape(line["completed_on"] or "—")}</td>'
                f'<td data-label="{status}">{status_badge(line["status"])}</td></tr>\n'
            )
        return Markup(
            '<table class="table table-sm mb-2 table-stack"><thead><tr>'
            f'<th>{escape(words["task"])}</th><th class="text-nowrap">{deadline}</th>'
            f'<th class="text-nowrap">{completed}</th><th>{status}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>\n'
        )

    edit_form = failed.get("meeting") or MeetingForm(
        formdata=None,
        year=meeting.year,
        month=meeting.month,
        held_on=f"{meeting.held_on:%d/%m/%Y}",
        starts_at=f"{meeting.starts_at:%H:%M}" if meeting.starts_at else "",
        place=meeting.place,
        number=meeting.number,
        chair_id=meeting.chair_id,
        secretary_id=meeting.secretary_id,
    )
    _officer_choices(edit_form, [o for o in officers if o.active])
    # The chair's and the secretary's pickers list the same officers: rendered once, each
    # picker marking its own choice as the field macro's loop would.
    def option(choice) -> tuple[str, str]:
        value, label = escape(choice.value), escape(choice.label)
        return choice.value, f'<option value="{value}">{label}</option>'

    people = [option(c) for c in edit_form.chair_id.choices[1:]]

    def officer_options(field) -> Markup:
        rows = [option(field.choices[0]), *people]  # the field's own "— Chọn … —" first
        return Markup("".join(
            html.replace("<option ", "<option selected ", 1)
            if field.coerce(value) == field.data
            else html
            for value, html in rows
        ))

    return render_template(
        "meetings/_detail_body.html",
        meeting=meeting,
        unit=meeting.unit,
        agenda=page.agenda,
        live=page.live,
        evaluations=evaluations,
        proposals=proposals,
        may_manage=may_manage,
        may_evaluate=may_evaluate,
        may_assign=may_assign,
        edit_form=edit_form,
        action_form=ActionForm(formdata=None),
        item_form=failed.get("item") or ItemForm(formdata=None),
        close_form=failed.get("close") or CloseForm(formdata=None),
        unevaluated=unevaluated(meeting),
        typed_marks=failed.get("marks", {}),
        close_refusal=failed.get("close_refusal"),
        evaluation=evaluation,
        decision=decision,
        decided_tasks=page.decided_tasks,
        task_lines=task_lines,
        officer_options=officer_options,
        failed_reasons=failed.get("attendance", {}),
        has_pdf=has_pdf,
        rate=_rate,
    )


def _rate(value: str | None) -> str:
    return format_percent(Decimal(value)) if value is not None else _("không phát sinh")


@bp.route("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    found = meeting_head(db.session, meeting_id)
    if found is None:
        abort(404)
    meeting, version = found
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    return _page(meeting, version=version)


def _page_refused(meeting_id: int, refusal: Refusal, key, form):
    """The page again with the refused form as typed (attendance: its marks), nothing saved."""
    show_refusal(refusal, form if key != "attendance" else None)
    meeting = _meeting_or_404(meeting_id)  # as it was before the refused change
    return _page(meeting, {key: form}, 200)


def _done(meeting: Meeting, message: str, anchor: str = ""):
    flash(message, "success")
    return redirect(url_for(".detail", meeting_id=meeting.id, _anchor=anchor or None))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["POST"])
@login_required
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.MANAGE_MEETINGS, meeting)
    form = MeetingForm()
    _officer_choices(form, _unit_officers(meeting.unit_id))
    try:
        if not form.validate_on_submit():
            raise Refusal({})
        update_meeting(db.session, meeting, _meeting_input(form))
    except Refusal as refusal:
        return _page_refused(meeting_id, refusal, "meeting", form)
    return _done(meeting, _("Đã lưu thông tin cuộc họp."))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.MANAGE_MEETINGS, meeting)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    marks = {}
    for row in meeting.attendance:
        oid = row.officer_id
        present = request.form.get(f"present-{oid}") == "1"
        marks[oid] = (present, request.form.get(f"reason-{oid}", "")[:500])
    try:
        set_attendance(db.session, meeting, marks)
    except Refusal as refusal:
        return _page_refused(meeting_id, refusal, "attendance", marks)
    return _done(meeting, _("Đã lưu điểm danh."), "attendance")


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@login_required
def item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.MANAGE_MEETINGS, meeting)
    form = ItemForm()
    try:
        if not form.validate_on_submit():
            raise Refusal({})
        add_item(db.session, meeting, current_user, form.text.data)
    except Refusal as refusal:
        return _page_refused(meeting_id, refusal, "item", form)
    return _done(meeting, _("Đã thêm nội dung vào chương trình họp."), "items")


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _prefix(field: str) -> str:
    """The prefix of the one form of its kind posted (a page holds one per officer or item:
    "e12-officer_id"); none when the fields came unprefixed."""
    for key in request.form:
        head, _, tail = key.partition("-")
        if tail == field and head.isascii() and head[1:].isdigit() and len(head) <= 12:
            return head
    return ""


@bp.route("/meetings/<int:meeting_id>/decisions", methods=["POST"])
@login_required
def decision(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.EVALUATE_OFFICERS, meeting)
    form = DecisionForm(prefix=_prefix("decision"))
    item_id, task_id = _int(form.item_id.data), _int(form.task_id.data)
    key = ("decision", item_id, task_id)
    form.plan_id.choices = form.lead_officer_id.choices = []
    data = DecisionInput(
        item_id=item_id,
        task_id=task_id,
        decision=form.decision.data or "",
        dealt_with=bool(form.dealt_with.data),
        is_recommendation=bool(form.is_recommendation.data),
        new_deadline=form.new_deadline.date,
        task_version=_int(form.task_version.data),
    )
    if form.new_task.data:
        data.new_task = NewTask(
            plan_id=form.plan_id.data,
            title=form.title.data or "",
            deliverable=form.deliverable.data or "",
            lead_officer_id=form.lead_officer_id.data,
            deadline=form.deadline.date,
        )
    try:
        if not form.validate_on_submit():
            raise Refusal({})
        if item_id is None and task_id is None:
            raise Refusal(_("Chọn nội dung cần kết luận."))
        if (data.new_task or data.new_deadline) and not can(
            current_user, Action.ASSIGN_TASK, meeting.unit
        ):
            raise Refusal(_("Chỉ lãnh đạo giao việc mới giao nhiệm vụ hoặc gia hạn."))
        record_decision(db.session, meeting, current_user, data)
    except Conflict as conflict:
        # The other leader's change is named in the message; saving again is then a choice.
        form.task_version.data = str(conflict.current_version)
        return _page_refused(meeting_id, conflict, key, form)
    except Refusal as refusal:
        return _page_refused(meeting_id, refusal, key, form)
    for notice in data.notices:
        flash(notice, "info")
    return _done(meeting, _("Đã ghi kết luận."), "items")


def _grading_lines() -> dict[int, EvaluationForm]:
    """The lines of the grading form posted, by officer: one per prefix e<n> (the page's one
    form), or the one unprefixed line a script or an old page sends."""
    prefixes = []
    for key in request.form:
        head, _sep, tail = key.partition("-")
        digits = head[1:]
        if tail == "officer_id" and head[:1] == "e" and digits.isascii() and digits.isdigit() \
                and len(head) <= 12:
            prefixes.append(head)
    lines: dict[int, EvaluationForm] = {}
    for prefix in prefixes or [""]:
        form = EvaluationForm(prefix=prefix, meta={"csrf": False})
        form.grade_id.choices = []
        officer_id = _int(form.officer_id.data)
        if officer_id is not None:
            lines.setdefault(officer_id, form)
    return lines


@bp.route("/meetings/<int:meeting_id>/evaluations", methods=["POST"])
@login_required
def evaluation(meeting_id: int):
    """The grading form: every officer's line saved at once, all or nothing."""
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.EVALUATE_OFFICERS, meeting)
    guard = ActionForm()  # the CSRF token of the one form
    lines = _grading_lines()
    try:
        if not guard.validate_on_submit() or not lines:
            raise Refusal(_("Chọn mức đánh giá, hoặc “Không đánh giá”."))
        typed_errors = {oid: {} for oid, form in lines.items() if not form.validate()}
        rows = []
        for oid, form in lines.items():
            chosen = form.grade_id.data
            rows.append(
                EvaluationInput(
                    officer_id=oid,
                    grade_id=chosen if isinstance(chosen, int) else None,
                    not_evaluated=chosen == NOT_EVALUATED,
                    comment=form.comment.data or "",
                    reason=form.reason.data or "",
                    seen=request.form.get(f"{form._prefix}seen") if form._prefix else None,
                )
            )
        try:
            valid = [r for r in rows if r.officer_id not in typed_errors]
            written = evaluate_all(db.session, meeting, current_user, valid)
        except GradingRefused as refusal:
            typed_errors.update(refusal.by_officer)
        if typed_errors:
            raise GradingRefused(typed_errors)
    except GradingRefused as refusal:
        discard()
        for oid, errors in refusal.by_officer.items():
            show_refusal(Refusal(errors), lines[oid])
        flash(refusal.message, "danger")
        order = [a.officer_id for a in meeting.attendance]
        failed: dict = {("evaluation", oid): form for oid, form in lines.items()}
        failed["grading_first"] = min(
            refusal.by_officer, key=lambda oid: order.index(oid) if oid in order else len(order)
        )
        return _page(_meeting_or_404(meeting_id), failed, 200)
    except Refusal as refusal:
        show_refusal(refusal)
        return _page(_meeting_or_404(meeting_id), {}, 200)
    anchor = f"officer-{next(iter(lines))}" if len(lines) == 1 else "grading"
    log.debug("meeting %s: %s evaluations written", meeting.id, written)
    return _done(meeting, _("Đã ghi xếp loại."), anchor)


@bp.route("/meetings/<int:meeting_id>/close", methods=["POST"])
@login_required
def close(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.EVALUATE_OFFICERS, meeting)
    form = CloseForm()
    # "Không đánh giá" for the officers still without a grade: one reason field each.
    marks = {
        row.officer_id: request.form.get(f"skip-{row.officer_id}", "")[:MAX_TEXT]
        for row in unevaluated(meeting)
    }
    try:
        if not form.validate_on_submit():
            raise Refusal({})
        close_meeting(
            db.session, meeting, current_user, form.conclusions.data, not_evaluated=marks
        )
    except Refusal as refusal:
        show_refusal(refusal, form)
        left = refusal.errors.get("not_evaluated")  # the officers named, shown by the list too
        failed = {"close": form, "marks": marks, "close_refusal": left}
        return _page(_meeting_or_404(meeting_id), failed, 200)
    return _done(meeting, _("Đã kết thúc cuộc họp; số liệu được chốt."))


# ---------------------------------------------------------------------------- files


def _minutes(meeting: Meeting) -> bytes:
    return minutes_docx(meeting, meeting_agenda(db.session, meeting))


@bp.route("/meetings/<int:meeting_id>/minutes.docx")
@login_required
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    name = file_name(f"Biên bản {meeting_subject(meeting)}", ".docx")
    return download(_minutes(meeting), name, DOCX_MIMETYPE)


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    if libreoffice() is None:
        abort(404)
    try:
        pdf = convert_to_pdf(_minutes(meeting), ".docx")
    except ConversionError:
        log.exception("minutes of meeting %s not converted to PDF", meeting.id)
        flash(_("Không tạo được tệp PDF; hãy tải bản Word."), "warning")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    return download(pdf, file_name(f"Biên bản {meeting_subject(meeting)}", ".pdf"),
                    "application/pdf")


@bp.route("/meetings/<int:meeting_id>/agenda.xlsx")
@login_required
def agenda_export(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    content = agenda_xlsx(meeting, meeting_agenda(db.session, meeting))
    return xlsx_download(content, file_name(f"Chương trình {meeting_subject(meeting)}"))


# ---------------------------------------------------------------------------- evaluations


def _year() -> int:
    year = _int(request.args.get("year"))
    return year if year is not None and 2000 <= year <= 2100 else clock.today().year


@bp.route("/my-evaluations")
@login_required
def mine():
    year = _year()
    rows = officer_evaluations(db.session, current_user.id, year)
    return render_template("meetings/mine.html", evaluations=rows, year=year)


@bp.route("/units/<unit_code>/evaluations")
@login_required
def table(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_EVALUATIONS, unit)
    year = _year()
    rows = evaluation_table(db.session, unit.id, year)
    return render_template("meetings/table.html", unit=unit, rows=rows, year=year)


@bp.route("/units/<unit_code>/evaluations.xlsx")
@login_required
def table_export(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_EVALUATIONS, unit)
    year = _year()
    rows = evaluation_table(db.session, unit.id, year)
    content = evaluations_xlsx(unit.name, year, rows, grade_list(db.session, unit.id))
    return xlsx_download(content, file_name(f"Đánh giá cán bộ năm {year} - {unit.name}"))


@bp.route("/units/<unit_code>/grades", methods=["GET", "POST"])
@login_required
def grades(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.EVALUATE_OFFICERS, unit)
    form = GradesForm()
    status = 200
    if form.validate_on_submit():
        try:
            set_grades(db.session, unit.id, (form.names.data or "").splitlines())
        except Refusal as refusal:
            show_refusal(refusal, form)
            status = 200
        else:
            flash(_("Đã lưu danh sách mức xếp loại."), "success")
            return redirect(url_for(".grades", unit_code=unit.code))
    elif request.method == "POST":
        status = 400
    current = grade_list(db.session, unit.id)
    if request.method == "GET":
        form.names.data = "\n".join(g.name for g in current) or "\n".join(DEFAULT_GRADES)
    return render_template("meetings/grades.html", unit=unit, form=form, grades=current), status
