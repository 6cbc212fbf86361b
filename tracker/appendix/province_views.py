"""The province's pages of Phụ lục 1: its periods opened for all communes, who froze their
table and when, the summary as .xlsx/.docx, and its indicator trees. Views parse, authorize,
call one operation, redirect."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.appendix import bp
from tracker.appendix.exporting import CommuneLine, Context, summary_docx, summary_xlsx
from tracker.appendix.models import ProvincePeriod
from tracker.appendix.province import (
    MAX_TREE_BYTES,
    REGIME_CODES,
    InvalidTreeFile,
    commune_reports,
    load_tree_file,
    open_for_communes,
    province_communes,
    province_periods,
    province_trees,
    regime_dates,
)
from tracker.appendix.summary import province_summary
from tracker.appendix.views import DOCX_MIMETYPE
from tracker.core import clock
from tracker.core.dates import parse_date
from tracker.core.downloads import download, file_name
from tracker.core.formatting import format_date, format_datetime
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Refusal
from tracker.core.spreadsheets import xlsx_download
from tracker.core.transactions import discard
from tracker.extensions import db
from tracker.people.queries import unit_or_404


def _regime_labels() -> dict[str, str]:
    return {"q1": _("Quý I"), "h1": _("6 tháng"), "q3": _("Quý III"), "year": _("Năm")}


def _default_form(code: str, year: int) -> dict[str, str]:
    dates = regime_dates(code, year)
    return {"regime": code, "year": str(year), "label": dates.label,
            "start": format_date(dates.start), "end": format_date(dates.end),
            "due_on": format_date(dates.due_on)}


def _next_regime(today) -> tuple[str, int]:
    """The first period of the regime whose report is not yet due."""
    for year in (today.year, today.year + 1):
        for code in REGIME_CODES:
            if regime_dates(code, year).due_on >= today:
                return code, year
    return "q1", today.year + 1


def _asked_regime() -> tuple[str, int]:
    code = str(request.args.get("regime", ""))
    year = str(request.args.get("year", ""))
    if code in REGIME_CODES and re.fullmatch(r"[0-9]{4}", year) and 2000 <= int(year) <= 2100:
        return code, int(year)
    return _next_regime(clock.today())


@bp.route("/units/<unit_code>/appendix/province", methods=["GET", "POST"])
@login_required
def province_periods_page(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    errors: dict[str, str] = {}
    form = _default_form(*_asked_regime())
    if request.method == "POST":
        authorize(current_user, Action.MANAGE_PROVINCE_REPORTS, unit)
        form = {name: str(request.form.get(name, ""))[:200] for name in form}
        start, end, due_on = (parse_date(form[name]) for name in ("start", "end", "due_on"))
        if form["regime"] not in REGIME_CODES:
            errors["regime"] = _("Chọn kỳ báo cáo.")
        for name, value in (("start", start), ("end", end), ("due_on", due_on)):
            if value is None:
                errors[name] = _("Ngày không hợp lệ (dd/mm/yyyy).")
        if not errors:
            kind = regime_dates(form["regime"], end.year).kind
            try:
                opened = open_for_communes(db.session, unit, current_user, kind, form["label"],
                                           start, end, due_on)
            except Refusal as refusal:
                discard()
                errors = refusal.errors
            else:
                flash(_("Đã mở kỳ %(label)s cho %(n)s đơn vị.", label=opened.period.label,
                        n=len(opened.created)), "success")
                if opened.existing:
                    flash(_("%(n)s đơn vị đã có kỳ này từ trước (không tạo thêm): %(names)s.",
                            n=len(opened.existing),
                            names=", ".join(u.name for u in opened.existing)), "info")
                return redirect(url_for("appendix.province_period",
                                        period_id=opened.period.id))
    return render_template(
        "appendix/province_periods.html",
        unit=unit,
        periods=province_periods(db.session, unit.id),
        communes=len(province_communes(db.session, unit.id)),
        regimes=_regime_labels(),
        form=form,
        errors=errors,
        can_manage=can(current_user, Action.MANAGE_PROVINCE_REPORTS, unit),
    ), (400 if errors else 200)


def _province_period_or_404(period_id: int) -> ProvincePeriod:
    period = db.session.get(ProvincePeriod, period_id)
    if period is None:
        abort(404)
    return period


@bp.route("/appendix/province/<int:period_id>")
@login_required
def province_period(period_id: int):
    period = _province_period_or_404(period_id)
    authorize(current_user, Action.VIEW_UNIT, period.unit)
    reports = commune_reports(db.session, period)
    frozen = sum(1 for r in reports if r.frozen)
    return render_template(
        "appendix/province_period.html",
        period=period,
        unit=period.unit,
        reports=reports,
        frozen=frozen,
        today=clock.today(),
    )


def _commune_lines(summary, due_on) -> list[CommuneLine]:
    lines = [
        CommuneLine(r.unit.name, True, format_datetime(r.submitted_at), r.on_time(due_on))
        for r in summary.frozen
    ]
    return lines + [CommuneLine(r.unit.name, False) for r in summary.missing]


@bp.route("/appendix/province/<int:period_id>/summary.<fmt>")
@login_required
def province_summary_export(period_id: int, fmt: str):
    period = _province_period_or_404(period_id)
    authorize(current_user, Action.VIEW_UNIT, period.unit)
    if fmt not in ("xlsx", "docx"):
        abort(404)
    summary = province_summary(db.session, period)
    ctx = Context(unit_name=period.unit.name, parent_name="", period_label=period.label,
                  start=period.start, end=period.end)
    lines = _commune_lines(summary, period.due_on)
    name = f"Phu luc 1 tong hop - {period.unit.name} - {period.label}"
    if fmt == "xlsx":
        return xlsx_download(summary_xlsx(summary.table, ctx, lines), file_name(name))
    return download(summary_docx(summary.table, ctx, lines), file_name(name, ".docx"),
                     DOCX_MIMETYPE)


@bp.route("/units/<unit_code>/appendix/trees", methods=["GET", "POST"])
@login_required
def indicator_trees(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    errors: dict[str, str] = {}
    problems = []
    if request.method == "POST":
        authorize(current_user, Action.MANAGE_PROVINCE_REPORTS, unit)
        upload = request.files.get("file")
        data = upload.stream.read(MAX_TREE_BYTES + 1) if upload else b""
        try:
            tree = load_tree_file(db.session, unit, current_user,
                                  (upload.filename if upload else "") or "", data)
        except InvalidTreeFile as refusal:
            discard()
            errors, problems = refusal.errors, refusal.problems
        except Refusal as refusal:
            discard()
            errors = refusal.errors
        else:
            flash(_("Đã nạp bộ chỉ tiêu năm %(year)s (%(n)s dòng): các kỳ báo cáo năm %(year)s "
                    "mở từ nay dùng bộ này.", year=tree.year, n=tree.rows), "success")
            return redirect(url_for("appendix.indicator_trees", unit_code=unit.code))
    return render_template(
        "appendix/trees.html",
        unit=unit,
        trees=province_trees(db.session, unit.id),
        errors=errors,
        problems=problems,
        can_manage=can(current_user, Action.MANAGE_PROVINCE_REPORTS, unit),
    ), (400 if errors else 200)
