"""Pages of Phụ lục 1: a unit's reporting periods, a period's table (typed figures, checks,
submit, reopen) and its downloads. Views parse, authorize, call one operation, redirect."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.appendix import bp
from tracker.appendix.exporting import Context, appendix_docx, appendix_xlsx, report_docx
from tracker.appendix.models import PeriodKind, ReportingPeriod
from tracker.appendix.operations import (
    FigureInput,
    FreezeSummary,
    ReportInput,
    create_period,
    current_checks,
    preview_freeze,
    reopen_period,
    save_figures,
    save_report_draft,
    submit_period,
)
from tracker.appendix.queries import (
    child_unit_periods,
    covered_officers,
    load_figures,
    named_officers,
    period_head,
    period_history,
    report_draft_of,
    unit_periods,
)
from tracker.appendix.rendering import RowWords, table_rows
from tracker.appendix.report import PARTS, SIGNER_TITLES, compose_report
from tracker.appendix.service import Checks, period_table
from tracker.core import clock
from tracker.core.dates import parse_date
from tracker.core.downloads import download, file_name
from tracker.core.formatting import format_figure
from tracker.core.fragments import KeptHtml, filled, reread_reader
from tracker.core.office import ConversionError, convert_to_pdf, libreoffice
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Refusal
from tracker.core.spreadsheets import xlsx_download
from tracker.core.transactions import discard
from tracker.extensions import db
from tracker.people.queries import unit_or_404

log = logging.getLogger("tracker.appendix")
MAX_FIELDS = 400  # a form with more fields than the table has rows is not ours


bp.add_app_template_global(table_rows, "appendix_rows")
bp.add_app_template_global(RowWords, "row_words")


@bp.app_template_filter("appendix_figure")
def appendix_figure(value) -> str:
    """A typed figure as an audit record holds it ("186.000", 7972.5) in Vietnamese style."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_figure(number)


def _period_or_404(period_id: int) -> ReportingPeriod:
    period = db.session.get(ReportingPeriod, period_id)
    if period is None:
        abort(404)
    return period


def _kind_labels() -> dict[str, str]:
    return {
        PeriodKind.QUARTER.value: _("Quý"),
        PeriodKind.HALF.value: _("Sáu tháng"),
        PeriodKind.YEAR.value: _("Năm"),
    }


@bp.route("/units/<unit_code>/appendix", methods=["GET", "POST"])
@login_required
def periods(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    errors: dict[str, str] = {}
    form = {"kind": PeriodKind.QUARTER.value, "label": "", "start": "", "end": ""}
    if request.method == "POST":
        authorize(current_user, Action.EDIT_APPENDIX, unit)
        form = {name: str(request.form.get(name, ""))[:200] for name in form}
        start, end = parse_date(form["start"]), parse_date(form["end"])
        if form["kind"] not in {k.value for k in PeriodKind}:
            errors["kind"] = _("Chọn loại kỳ báo cáo.")
        if start is None:
            errors["start"] = _("Ngày bắt đầu không hợp lệ (dd/mm/yyyy).")
        if end is None:
            errors["end"] = _("Ngày chốt số liệu không hợp lệ (dd/mm/yyyy).")
        if not errors:
            try:
                period = create_period(
                    db.session, unit, PeriodKind(form["kind"]), form["label"], start, end
                )
            except Refusal as refusal:
                discard()
                errors = refusal.errors
            else:
                flash(_("Đã tạo kỳ báo cáo %(label)s.", label=period.label), "success")
                return redirect(url_for("appendix.period", period_id=period.id))
    return render_template(
        "appendix/periods.html",
        unit=unit,
        periods=unit_periods(db.session, unit.id),
        child_periods=child_unit_periods(db.session, unit.id),
        kinds=_kind_labels(),
        form=form,
        errors=errors,
        can_edit=can(current_user, Action.EDIT_APPENDIX, unit),
    ), (400 if errors else 200)


# The body of a period's page, kept under the data versions it reads and the reader's rights.
_BODIES = KeptHtml("appendix pages", 256)


def _render_period(period: ReportingPeriod, *, form: FigureInput | None = None, errors=None,
                   checks: Checks | None = None, status: int = 200,
                   versions: tuple | None = None):
    """The period's page; `form`: the figures as posted, when they come back refused.

    With `versions` (those of the period's unit and of every unit the page reads, read with
    the period: queries.period_head), the body is kept by the period, those versions, the
    day and the reader's rights (the rest of the key: core.fragments); a refused form's page
    is rendered as typed, never kept."""
    rights = (
        not period.is_submitted and can(current_user, Action.EDIT_APPENDIX, period),
        not period.is_submitted and can(current_user, Action.SUBMIT_APPENDIX, period),
        period.is_submitted and can(current_user, Action.REOPEN_APPENDIX, period),
        libreoffice() is not None,
    )
    body = None
    if versions is not None and form is None and not errors and checks is None:
        key = ("appendix", period.id, versions, clock.today(), rights)
        # Empty: the history names an officer the versions do not cover (an id typed into
        # the audit trail by other means than the page's actors): rendered each time.
        kept = _BODIES.unfilled(key, lambda: _body(period, None, None, None, rights, True))
        body = filled(kept) if kept else None
    if body is None:
        body = filled(_body(period, form, errors, checks, rights))
    return render_template("appendix/period.html", period=period, body=body), status


def _body(period: ReportingPeriod, form: FigureInput | None, errors, checks: Checks | None,
          rights: tuple[bool, bool, bool, bool], to_keep: bool = False) -> str:
    """The page's body, its CSRF tokens left as slots (core.fragments); with `to_keep`, ""
    when its history names an officer `period_head`'s versions do not cover."""
    editable, can_submit, can_reopen, pdf_available = rights
    history = period_history(db.session, period)
    if to_keep:
        if current_user.id in (period.submitted_by_id, period.reopened_by_id):
            reread_reader(db.session)  # loaded before the versions, named in the page
        if not named_officers(period, history) <= covered_officers(period, history):
            return ""
    # The typed figures, read once for the table and the checks of an open period.
    figures = None if period.is_submitted else load_figures(db.session, [period.id])[period.id]
    table = period_table(db.session, period, figures)
    if checks is None and not period.is_submitted:
        checks = current_checks(db.session, period, figures)
    return render_template(
        "appendix/_period_body.html",
        period=period,
        unit=period.unit,
        table=table,
        kinds=_kind_labels(),
        editable=editable,
        typed=form.values if form else {},
        typed_notes=form.notes if form else {},
        typed_not_arising=frozenset(form.not_arising) if form else None,
        errors=errors or {},
        checks=checks or Checks(),
        acknowledged=set(period.acknowledged or []),
        can_submit=can_submit,
        can_reopen=can_reopen,
        pdf_available=pdf_available,
        history=history,
    )


@bp.route("/appendix/<int:period_id>")
@login_required
def period(period_id: int):
    head = period_head(db.session, period_id)
    if head is None:
        abort(404)
    authorize(current_user, Action.VIEW_UNIT, head.period)
    # The versions were read with the period, before the data they stand for.
    return _render_period(head.period, versions=head.versions)


def _prefixed(prefix: str) -> dict[str, str]:
    return {
        name[len(prefix):]: str(value)
        for name, value in request.form.items()
        if name.startswith(prefix)
    }


def _posted_figures() -> FigureInput | None:
    """The table's form as posted (None: a post without it)."""
    if len(request.form) > MAX_FIELDS:
        abort(400)
    form = FigureInput(_prefixed("v-"), _prefixed("n-"), set(_prefixed("z-")))
    return form if form.values or form.notes or form.not_arising else None


@bp.route("/appendix/<int:period_id>", methods=["POST"])
@login_required
def save(period_id: int):
    period = _period_or_404(period_id)
    authorize(current_user, Action.EDIT_APPENDIX, period)
    form = _posted_figures() or FigureInput()
    acknowledged = set(request.form.getlist("ack"))
    try:
        result = save_figures(db.session, period, form, acknowledged)
    except Refusal as refusal:
        discard()
        return _render_period(period, form=form, errors=refusal.errors, status=400)
    if result.checks.warnings:
        flash(_("Đã lưu số liệu. Có %(n)s cảnh báo cần kiểm tra trước khi chốt.",
                n=len(result.checks.warnings)), "warning")
    else:
        flash(_("Đã lưu số liệu."), "success")
    return redirect(url_for("appendix.period", period_id=period.id))


def _render_confirmation(period: ReportingPeriod, form: FigureInput | None,
                         summary: FreezeSummary, confirmed: set[str], errors=None,
                         status: int = 200):
    return render_template(
        "appendix/confirm.html",
        period=period,
        unit=period.unit,
        form=form,
        summary=summary,
        confirmed=confirmed,
        errors=errors or {},
    ), status


@bp.route("/appendix/<int:period_id>/submit", methods=["POST"])
@login_required
def submit(period_id: int):
    """Chốt số liệu, in two steps: the figures on the page are checked (not saved) and what
    would be frozen is shown for confirmation; confirmed, they are saved and frozen at once."""
    period = _period_or_404(period_id)
    authorize(current_user, Action.SUBMIT_APPENDIX, period)
    form = _posted_figures()
    if form is not None:
        authorize(current_user, Action.EDIT_APPENDIX, period)
    acknowledged = set(request.form.getlist("ack"))
    confirmed = set(request.form.getlist("blank"))
    if request.form.get("confirm") == "1":
        try:
            submit_period(db.session, period, current_user, acknowledged, clock.utcnow(), form,
                          confirmed)
        except Refusal as refusal:
            discard()
            errors = refusal.errors
        else:
            flash(_("Đã chốt số liệu %(label)s.", label=period.label), "success")
            return redirect(url_for("appendix.period", period_id=period.id))
    else:
        errors = None
    try:
        summary = preview_freeze(db.session, period, form, acknowledged)
    except Refusal as refusal:
        discard()
        return _render_period(period, form=form, errors=refusal.errors, status=400)
    return _render_confirmation(
        period, form, summary, confirmed if errors else summary.confirmed,
        errors, 400 if errors else 200,
    )


@bp.route("/appendix/<int:period_id>/reopen", methods=["POST"])
@login_required
def reopen(period_id: int):
    period = _period_or_404(period_id)
    authorize(current_user, Action.REOPEN_APPENDIX, period)
    try:
        reopen_period(
            db.session, period, current_user, str(request.form.get("reason", "")), clock.utcnow()
        )
    except Refusal as refusal:
        discard()
        return _render_period(period, errors=refusal.errors, status=400)
    flash(_("Đã mở lại số liệu %(label)s.", label=period.label), "success")
    return redirect(url_for("appendix.period", period_id=period.id))


DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export_context(period: ReportingPeriod) -> Context:
    unit = period.unit
    return Context(
        unit_name=unit.name,
        parent_name=unit.parent.name if unit.parent else "",
        period_label=period.label,
        start=period.start,
        end=period.end,
    )


@bp.route("/appendix/<int:period_id>/export.<fmt>")
@login_required
def export(period_id: int, fmt: str):
    period = _period_or_404(period_id)
    authorize(current_user, Action.VIEW_UNIT, period)
    if fmt not in ("xlsx", "docx", "pdf"):
        abort(404)
    table, ctx = period_table(db.session, period), export_context(period)
    name = f"Phu luc 1 - {period.unit.name} - {period.label}"
    if fmt == "xlsx":
        return xlsx_download(appendix_xlsx(table, ctx), file_name(name))
    # Phụ lục 1 alone carries the report's number and date once they are set.
    draft = report_draft_of(db.session, period.id)
    document = (appendix_docx(table, ctx, draft.number or "      /BC-UBND", draft.report_date)
                if draft else appendix_docx(table, ctx))
    if fmt == "docx":
        return download(document, file_name(name, ".docx"), DOCX_MIMETYPE)
    try:
        pdf = convert_to_pdf(document, ".docx")
    except ConversionError:
        log.exception("appendix %s: no PDF", period.id)
        flash(_("Không tạo được tệp PDF (LibreOffice chưa được cài đặt hoặc bị lỗi); "
                "hãy tải tệp Word."), "warning")
        return redirect(url_for("appendix.period", period_id=period.id))
    return download(pdf, file_name(name, ".pdf"), "application/pdf")


def _composed(period: ReportingPeriod):
    return compose_report(db.session, period, period_table(db.session, period))


@bp.route("/appendix/<int:period_id>/report.docx")
@login_required
def report_draft(period_id: int):
    period = _period_or_404(period_id)
    authorize(current_user, Action.VIEW_UNIT, period)
    report = _composed(period)
    content = report_docx(report.table, export_context(period), report.sections, report.details)
    name = f"Du thao bao cao CCHC - {period.unit.name} - {period.label}"
    return download(content, file_name(name, ".docx"), DOCX_MIMETYPE)


def _posted_report() -> ReportInput:
    if len(request.form) > MAX_FIELDS:
        abort(400)
    form = ReportInput(**{
        name: str(request.form.get(name, ""))
        for name in ("number", "report_date", "signer_name", "signer_title", "addressee",
                     "recipients")
    })
    form.texts = _prefixed("text-")
    return form


def _render_report(period: ReportingPeriod, form: ReportInput | None = None, errors=None,
                   status: int = 200):
    report = _composed(period)
    if form is None:
        d = report.details
        form = ReportInput(
            d.number, f"{d.day:%d/%m/%Y}" if d.day else "", d.signer_name, d.signer_title,
            d.addressee, "\n".join(d.recipients),
            {s.key: s.text for s in report.sections},
        )
    return render_template(
        "appendix/report.html", period=period, unit=period.unit, report=report, parts=PARTS,
        form=form, errors=errors or {}, titles=list(SIGNER_TITLES),
        editable=can(current_user, Action.EDIT_APPENDIX, period),
    ), status


@bp.route("/appendix/<int:period_id>/report", methods=["GET", "POST"])
@login_required
def report(period_id: int):
    """The quarterly report of a period: each section as the draft prints it, the officer's
    text beside it, and the report's own details (number, date, signer, recipients)."""
    period = _period_or_404(period_id)
    authorize(current_user, Action.VIEW_UNIT, period)
    if request.method == "GET":
        return _render_report(period)
    authorize(current_user, Action.EDIT_APPENDIX, period)
    form = _posted_report()
    try:
        save_report_draft(db.session, period, form)
    except Refusal as refusal:
        discard()
        return _render_report(period, form, refusal.errors, 400)
    flash(_("Đã lưu báo cáo %(label)s.", label=period.label), "success")
    return redirect(url_for("appendix.report", period_id=period.id))
