"""The forms of a plan typed in the browser (new, edit, next year's)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, ValidationError

from tracker.core.forms import Form
from tracker.core.once import token_field
from tracker.plans.editing import FROM_KIND, PlanInput
from tracker.plans.importing import (
    DOCUMENT_NUMBER_MAX,
    NO_APPENDIX_ROW,
    TITLE_MAX,
    parse_document_date,
    parse_years,
)
from tracker.plans.models import APPENDIX_ROWS, Plan, PlanKind


def kind_labels() -> dict[str, str]:
    return {
        PlanKind.ANNUAL_REFORM: _l("Kế hoạch CCHC năm"),
        PlanKind.PAPI: _l("Kế hoạch cải thiện chỉ số PAPI"),
        # Stored as "conclusion_91" (the one in force when the product began); the kind holds
        # any conclusion of the provincial Party Committee.
        PlanKind.CONCLUSION_91: _l("Kế hoạch thực hiện kết luận của Tỉnh ủy"),
        PlanKind.ASSIGNED_BY_HIGHER_LEVEL: _l("Nhiệm vụ cấp trên giao"),
        # A province's tasks issued to its communes (tasks.cascade).
        PlanKind.ASSIGNED_TO_LOWER_LEVEL: _l("Nhiệm vụ giao cấp dưới"),
        PlanKind.OTHER: _l("Kế hoạch khác"),
    }


def check_with(parse):
    def check(form, field) -> None:
        try:
            parse(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    return check


def _required_years(form, field) -> None:
    if not (field.data or "").strip():
        raise ValidationError(_("Nhập năm thực hiện, ví dụ 2024 hoặc 2024-2025."))


class PlanForm(Form):
    # Lengths are checked by the operation (editing._checked), with the form kept as typed.
    title = StringField(_l("Tên kế hoạch"), description=_l("Tối đa %(max)s ký tự.", max=TITLE_MAX))
    kind = SelectField(_l("Loại kế hoạch"), default="", validate_choice=False)
    document_number = StringField(
        _l("Số văn bản"),
        description=_l("Ví dụ: 39/KH-UBND (tối đa %(max)s ký tự).", max=DOCUMENT_NUMBER_MAX),
    )
    document_date = StringField(
        _l("Ngày văn bản"),
        validators=[check_with(parse_document_date)],
        description=_l("dd/mm/yyyy, ví dụ 31/01/2024."),
        render_kw={"data-date": ""},  # the date macro and its picker
    )
    years = StringField(
        _l("Năm thực hiện"),
        validators=[_required_years, check_with(parse_years)],
        description=_l("Ví dụ 2024 hoặc 2024-2025."),
    )
    appendix_row = SelectField(
        _l("Dòng trong Phụ lục 1 của báo cáo quý"), default=FROM_KIND, validate_choice=False
    )
    version = HiddenField()  # the plan's version the edit started from
    leader_id = SelectField(_l("Lãnh đạo phụ trách kế hoạch"), default="", validate_choice=False)
    form_token = token_field()  # a new plan is created once (core.once)
    submit = SubmitField(_l("Lưu kế hoạch"))

    def __init__(self, leaders=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _("— Chọn loại —"))] + [
            (kind.value, label) for kind, label in kind_labels().items()
        ]
        self.appendix_row.choices = [
            (FROM_KIND, _("Theo loại kế hoạch")),
            *((row, row) for row in APPENDIX_ROWS),
            (NO_APPENDIX_ROW, _("Không đưa vào phụ lục")),
        ]
        self.leader_id.choices = [("", _("— Chưa giao —"))] + [
            (str(o.id), f"{o.full_name} ({o.position})" if o.position else o.full_name)
            for o in leaders
        ]

    def fill(self, data: PlanInput) -> None:
        """Show `data` (a plan's, or next year's draft) in the form."""
        self.title.data = data.title
        self.kind.data = data.kind.value if data.kind else ""
        self.document_number.data = data.document_number
        self.document_date.data = (
            f"{data.document_date:%d/%m/%Y}" if data.document_date else ""
        )
        if data.start_year == data.end_year:
            self.years.data = str(data.start_year)
        else:
            self.years.data = f"{data.start_year}-{data.end_year}"
        self.appendix_row.data = (
            FROM_KIND if data.appendix_row == FROM_KIND else data.appendix_row or NO_APPENDIX_ROW
        )
        self.leader_id.data = str(data.leader_id) if data.leader_id else ""
        self.version.data = str(data.version) if data.version else ""

    def data_input(self) -> PlanInput:
        """What was typed, read leniently: the operation refuses what is wrong, by field."""
        try:
            years = parse_years(self.years.data)
        except ValueError:
            years = None
        try:
            document_date = parse_document_date(self.document_date.data)
        except ValueError:
            document_date = None
        row = self.appendix_row.data
        leader = self.leader_id.data or ""
        version = self.version.data or ""
        return PlanInput(
            title=self.title.data or "",
            kind=PlanKind(self.kind.data) if self.kind.data in set(PlanKind) else None,
            document_number=self.document_number.data or "",
            document_date=document_date,
            start_year=years[0] if years else None,
            end_year=years[1] if years else None,
            appendix_row=None if row == NO_APPENDIX_ROW else row,
            leader_id=int(leader) if leader.isascii() and leader.isdigit() and len(leader) < 10
            else None,
            version=int(version) if version.isascii() and version.isdigit() and len(version) < 10
            else None,
        )


def plan_input(plan: Plan) -> PlanInput:
    return PlanInput(
        title=plan.title,
        kind=plan.kind,
        document_number=plan.document_number,
        document_date=plan.document_date,
        start_year=plan.start_year,
        end_year=plan.end_year,
        appendix_row=plan.appendix_row,
        leader_id=plan.leader_id,
        version=plan.version,
    )
