"""Plan import and export pages (upload a spreadsheet, download one)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import func, select
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from tracker.core.forms import Form
from tracker.core.permissions import Action, authorize
from tracker.core.spreadsheets import xlsx_download
from tracker.core.transactions import discard
from tracker.extensions import db
from tracker.people.queries import unit_or_404
from tracker.plans import bp
from tracker.plans.exporting import (
    export_filename,
    export_plan_xlsx,
    load_plan_for_export,
)
from tracker.plans.forms import check_with as _check_with
from tracker.plans.forms import kind_labels
from tracker.plans.importing import (
    DOCUMENT_NUMBER_MAX,
    NO_APPENDIX_ROW,
    TITLE_MAX,
    ImportProblems,
    PlanMetadata,
    import_plan_file,
    parse_document_date,
    parse_years,
)
from tracker.plans.models import APPENDIX_ROWS, PlanKind
from tracker.tasks.models import Task


class ImportPlanForm(Form):
    file = FileField(
        _l("Tệp kế hoạch (.xlsx, .csv hoặc Word .docx)"),
        validators=[
            FileRequired(_l("Chọn tệp kế hoạch.")),
            FileAllowed(["xlsx", "csv", "docx"], _l("Chỉ nhận tệp .xlsx, .csv hoặc .docx.")),
        ],
    )
    kind = SelectField(_l("Loại kế hoạch"), default="")
    title = StringField(
        _l("Tiêu đề"),
        validators=[Optional(), Length(max=TITLE_MAX)],
        description=_l("Để trống: lấy dòng tiêu đề trong tệp."),
    )
    document_number = StringField(
        _l("Số văn bản"),
        validators=[Optional(), Length(max=DOCUMENT_NUMBER_MAX)],
        description=_l("Ví dụ: 39/QĐ-UBND."),
    )
    document_date = StringField(
        _l("Ngày văn bản"),
        validators=[_check_with(parse_document_date)],
        description=_l("dd/mm/yyyy, ví dụ 31/01/2024."),
        render_kw={"data-date": ""},  # the date macro and its picker
    )
    years = StringField(
        _l("Năm thực hiện"),
        validators=[_check_with(parse_years)],
        description=_l("Ví dụ 2024 hoặc 2023-2024; để trống: theo tệp hoặc ngày văn bản."),
    )
    appendix_row = SelectField(_l("Dòng trong Phụ lục 1 của báo cáo quý"), default="")
    submit = SubmitField(_l("Nhập kế hoạch"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _("Tự nhận biết theo tiêu đề"))] + [
            (kind.value, label) for kind, label in kind_labels().items()
        ]
        self.appendix_row.choices = [
            ("", _("Theo loại kế hoạch")),
            *((row, row) for row in APPENDIX_ROWS),
            (NO_APPENDIX_ROW, _("Không đưa vào phụ lục")),
        ]

    def metadata(self) -> PlanMetadata:
        years = parse_years(self.years.data)
        return PlanMetadata(
            kind=PlanKind(self.kind.data) if self.kind.data else None,
            title=(self.title.data or "").strip() or None,
            document_number=(self.document_number.data or "").strip() or None,
            document_date=parse_document_date(self.document_date.data),
            start_year=years[0] if years else None,
            end_year=years[1] if years else None,
            appendix_row=self.appendix_row.data or None,
        )


@bp.route("/units/<unit_code>/plans/import", methods=["GET", "POST"])
@login_required
def import_plan(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_PLANS, unit)
    form = ImportPlanForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            plan = import_plan_file(
                db.session, unit, upload.filename or "", upload.read(), form.metadata()
            )
        except ImportProblems as exc:
            discard()
            problems = exc.messages
        else:
            flash(
                _(
                    "Đã nhập kế hoạch “%(title)s”: %(tasks)s nhiệm vụ.",
                    title=plan.title,
                    tasks=_count_tasks(plan.id),
                ),
                "success",
            )
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/import.html", unit=unit, form=form, problems=problems)


def _count_tasks(plan_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Task.plan_id == plan_id)) or 0


@bp.route("/plans/<int:plan_id>/export.xlsx")
@login_required
def export_xlsx(plan_id: int):
    plan = load_plan_for_export(db.session, plan_id)
    if plan is None:
        abort(404)
    authorize(current_user, Action.VIEW_UNIT, plan.unit)
    return xlsx_download(export_plan_xlsx(plan), export_filename(plan))
