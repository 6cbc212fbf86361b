"""Forms of the meeting pages. Dates are typed dd/mm/yyyy (ISO accepted), times HH:MM."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from tracker.core.forms import DateField, Form

_TIME = re.compile(r"^([01]?\d|2[0-3])[:hH]([0-5]\d)$")


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class TimeField(StringField):
    """A time typed as 08:00 (or 8h00); `.time` holds the parsed value."""

    time = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()
        match = _TIME.match(self.data)
        self.time = time(int(match[1]), int(match[2])) if match else None

    def pre_validate(self, form):
        if self.data and self.time is None:
            raise FieldError(_l("Giờ “%(value)s” không hợp lệ (HH:MM).", value=self.data))


class MeetingForm(Form):
    year = IntegerField(_l("Năm"), validators=[Optional(), NumberRange(2000, 2100)])
    month = IntegerField(_l("Tháng"), validators=[Optional(), NumberRange(1, 12)])
    held_on = DateField(_l("Ngày họp"), render_kw={"placeholder": "dd/mm/yyyy"})
    starts_at = TimeField(_l("Giờ họp"), render_kw={"placeholder": "08:00"})
    place = StringField(_l("Địa điểm"), validators=[Length(max=300)])
    number = StringField(_l("Số biên bản"), validators=[Length(max=50)])
    chair_id = SelectField(_l("Chủ trì"), coerce=_optional_int, validate_choice=False)
    secretary_id = SelectField(_l("Thư ký"), coerce=_optional_int, validate_choice=False)


class ActionForm(Form):
    """Only the CSRF token: the attendance form's fields are read by officer id."""


class ItemForm(Form):
    text = TextAreaField(_l("Nội dung"), validators=[Length(max=4000)])


class DecisionForm(Form):
    item_id = HiddenField()
    task_id = HiddenField()
    task_version = HiddenField()  # of the task whose deadline the decision may change
    decision = TextAreaField(_l("Kết luận của cuộc họp"), validators=[Length(max=4000)])
    dealt_with = BooleanField(_l("Đã giải quyết"), default=True)
    is_recommendation = BooleanField(_l("Kiến nghị cấp trên (vào mục V của báo cáo quý)"))
    new_deadline = DateField(_l("Gia hạn đến"), render_kw={"placeholder": "dd/mm/yyyy"})
    new_task = BooleanField(_l("Giao nhiệm vụ mới"))
    plan_id = SelectField(_l("Kế hoạch"), coerce=_optional_int, validate_choice=False)
    title = TextAreaField(_l("Nhiệm vụ"), validators=[Length(max=2000)])
    deliverable = StringField(_l("Sản phẩm, kết quả"), validators=[Length(max=2000)])
    lead_officer_id = SelectField(
        _l("Chủ trì"), coerce=_optional_int, validate_choice=False
    )
    deadline = DateField(_l("Thời hạn"), render_kw={"placeholder": "dd/mm/yyyy"})


# The evaluation's choice that is no grade: the officer is not evaluated this month.
NOT_EVALUATED = "none"


def _grade_choice(value):
    """A grade's id, NOT_EVALUATED, or None (nothing chosen, or what no choice could be: a
    malformed post reads as nothing chosen and is refused with the field's message)."""
    if value == NOT_EVALUATED:
        return NOT_EVALUATED
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class EvaluationForm(Form):
    """One officer's line of the meeting's grading form (prefixed e<officer id>)."""

    officer_id = HiddenField()
    seen = HiddenField()  # the evaluation as the page showed it (operations.evaluation_state)
    grade_id = SelectField(_l("Xếp loại"), coerce=_grade_choice, validate_choice=False)
    comment = TextAreaField(_l("Nhận xét"), validators=[Length(max=4000)])
    reason = TextAreaField(
        _l("Lý do"),
        validators=[Length(max=4000)],
        description=_l(
            "Bắt buộc khi mức khác đề xuất, khi không có đề xuất, hoặc khi không đánh giá."
        ),
    )


class CloseForm(Form):
    conclusions = TextAreaField(_l("Kết luận chung"), validators=[Length(max=20000)])


class GradesForm(Form):
    names = TextAreaField(_l("Các mức xếp loại (mỗi dòng một mức, cao nhất trước)"))
