"""Forms of the task workflow. Dates are typed dd/mm/yyyy (ISO accepted)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.core.files import ALLOWED
from tracker.core.forms import DateField, Form
from tracker.core.once import token_field


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class TaskForm(Form):
    form_token = token_field()  # a new task is created once (core.once)
    version = HiddenField()  # the task's version the edit started from
    title = TextAreaField(_l("Nhiệm vụ"), validators=[Length(max=2000)])
    deliverable = TextAreaField(_l("Sản phẩm, kết quả"), validators=[Length(max=2000)])
    group_id = SelectField(_l("Lĩnh vực"), coerce=_optional_int, validate_choice=False)
    lead_officer_id = SelectField(
        _l("Chủ trì"), coerce=_optional_int, validate_choice=False
    )
    supporter_ids = SelectMultipleField(_l("Phối hợp"), coerce=int, validate_choice=False)
    confirmer_id = SelectField(
        _l("Lãnh đạo chịu trách nhiệm xác nhận"), coerce=_optional_int, validate_choice=False
    )
    deadline_kind = RadioField(
        _l("Thời hạn"),
        choices=[
            SelectChoice("date", _l("Một ngày cụ thể")),
            SelectChoice("working_days", _l("Số ngày làm việc")),
            SelectChoice("recurring", _l("Định kỳ")),
        ],
        default="date",
    )
    deadline = DateField(_l("Hạn hoàn thành"), render_kw={"placeholder": "dd/mm/yyyy"})
    start_date = DateField(_l("Ngày bắt đầu"), render_kw={"placeholder": "dd/mm/yyyy"})
    deadline_working_days = IntegerField(
        _l("Số ngày làm việc"), validators=[Optional(), NumberRange(1, 366)]
    )
    cadence_every = IntegerField(_l("Mỗi"), validators=[Optional(), NumberRange(1, 24)])
    cadence_unit = SelectField(
        _l("Đơn vị chu kỳ"),
        choices=[SelectChoice("month", _l("tháng")), SelectChoice("week", _l("tuần"))],
    )
    cadence_mode = SelectField(
        _l("Cách tính kỳ"),
        choices=[
            SelectChoice("fixed", _l("Cố định: mỗi kỳ đến hạn theo lịch")),
            SelectChoice("flexible", _l("Linh hoạt: kỳ sau mở khi kỳ trước xong")),
        ],
    )
    recurrence_note = StringField(
        _l("Ghi chú định kỳ"),
        validators=[Length(max=100)],
        render_kw={"placeholder": _l("Hàng tháng, hàng quý…")},
    )
    notes = TextAreaField(_l("Ghi chú"), validators=[Length(max=4000)])
    # Kept in the deadline's history when an edit moves the deadline.
    deadline_reason = StringField(
        _l("Lý do đổi thời hạn (nếu đổi)"),
        validators=[Length(max=2000)],
        render_kw={"placeholder": _l("Theo chỉ đạo của…, đề nghị của…")},
    )
    submit = SubmitField(_l("Lưu nhiệm vụ"))


class BulkAssignForm(Form):
    task_ids = SelectMultipleField(_l("Nhiệm vụ"), coerce=int, validate_choice=False)
    lead_officer_id = SelectField(_l("Chủ trì"), coerce=_optional_int, validate_choice=False)
    confirmer_id = SelectField(_l("Lãnh đạo xác nhận"), coerce=_optional_int, validate_choice=False)
    submit = SubmitField(_l("Giao các nhiệm vụ đã chọn"))


class ProgressForm(Form):
    percent = IntegerField(
        _l("Tiến độ (0–100)"),
        validators=[
            InputRequired(_l("Nhập tiến độ.")),
            NumberRange(0, 100, _l("Tiến độ phải từ 0 đến 100.")),
        ],
    )
    note = TextAreaField(_l("Ghi chú tiến độ"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Cập nhật tiến độ"))


class CompletionForm(Form):
    form_token = token_field()
    occurrence_id = HiddenField()
    document_number = StringField(
        _l("Số, ký hiệu văn bản"),
        validators=[DataRequired(_l("Nhập số, ký hiệu văn bản.")), Length(max=100)],
        # The register's numbers offered as the officer types: a document is entered once.
        render_kw={"placeholder": "333/KH-UBND", "list": "register-numbers", "autocomplete": "off"},
    )
    document_date = DateField(_l("Ngày ban hành"), render_kw={"placeholder": "dd/mm/yyyy"})
    summary = TextAreaField(_l("Trích yếu"), validators=[Length(max=2000)])
    file = FileField(
        _l("Tệp văn bản (PDF, DOCX, XLSX, ảnh)"),
        validators=[
            FileAllowed([s[1:] for s in ALLOWED], _l("Chỉ nhận PDF, DOCX, XLSX, PNG, JPG."))
        ],
    )
    submit = SubmitField(_l("Báo cáo hoàn thành"))


class ReasonForm(Form):
    occurrence_id = HiddenField()
    reason = TextAreaField(_l("Lý do"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Gửi"))


class ConfirmForm(Form):
    occurrence_id = HiddenField()
    submit = SubmitField(_l("Xác nhận hoàn thành"))


class NoteForm(Form):
    form_token = token_field()
    body = TextAreaField(_l("Ghi chú"), validators=[Length(max=4000)])
    file = FileField(
        _l("Tệp đính kèm"),
        validators=[
            FileAllowed([s[1:] for s in ALLOWED], _l("Chỉ nhận PDF, DOCX, XLSX, PNG, JPG."))
        ],
    )
    submit = SubmitField(_l("Thêm ghi chú"))


def officer_choice(officer) -> SelectChoice:
    label = f"{officer.full_name} – {officer.position}" if officer.position else officer.full_name
    return SelectChoice(str(officer.id), label)


class CommunesForm(Form):
    """Which communes a province issues to: all below it, or those chosen (the picker of
    templates/tasks/_communes_picker.html)."""

    all_units = RadioField(
        _l("Giao cho"),
        choices=[
            SelectChoice("all", _l("Tất cả xã, phường trực thuộc")),
            SelectChoice("chosen", _l("Các xã, phường được chọn")),
        ],
        default="all",
    )
    unit_ids = SelectMultipleField(_l("Xã, phường"), coerce=int, validate_choice=False)


class IssueForm(CommunesForm):
    """One task of a province issued to many of its communes (tasks.cascade)."""

    form_token = token_field()  # issued once, however often the button is pressed
    title = TextAreaField(_l("Nhiệm vụ"), validators=[Length(max=2000)])
    deliverable = TextAreaField(_l("Sản phẩm, kết quả"), validators=[Length(max=2000)])
    deadline = DateField(_l("Hạn hoàn thành"), render_kw={"placeholder": "dd/mm/yyyy"})
    lead_officer_id = SelectField(
        _l("Cán bộ theo dõi (chủ trì ở cấp tỉnh)"), coerce=_optional_int, validate_choice=False
    )
    confirmer_id = SelectField(
        _l("Lãnh đạo chịu trách nhiệm xác nhận"), coerce=_optional_int, validate_choice=False
    )
    notes = TextAreaField(_l("Ghi chú"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Giao nhiệm vụ"))


class IssuePlanForm(CommunesForm):
    """A whole plan of a province issued to many of its communes (tasks.cascade.issue_plan):
    the communes, a preview of what will be created, then the confirmation."""

    form_token = token_field()
    confirm = HiddenField()  # what the preview showed (the ids of its communes and tasks)
    preview = SubmitField(_l("Xem trước"))
    submit = SubmitField(_l("Xác nhận giao cả kế hoạch"))
