"""Forms of the reminders area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange

from tracker.core.forms import Form

WEEKDAY_CHOICES = [
    SelectChoice("", _l("Không gửi")),
    SelectChoice("0", _l("Thứ Hai")),
    SelectChoice("1", _l("Thứ Ba")),
    SelectChoice("2", _l("Thứ Tư")),
    SelectChoice("3", _l("Thứ Năm")),
    SelectChoice("4", _l("Thứ Sáu")),
    SelectChoice("5", _l("Thứ Bảy")),
    SelectChoice("6", _l("Chủ nhật")),
]


class EmailPreferenceForm(Form):
    enabled = HiddenField()


class SettingsForm(Form):
    days_before = StringField(
        _l("Nhắc trước hạn (số ngày làm việc)"),
        validators=[Length(max=60)],
        description=_l("Ví dụ 7,3,1; để trống nếu không nhắc trước hạn."),
    )
    on_deadline = BooleanField(_l("Nhắc vào ngày đến hạn"))
    overdue_every = IntegerField(
        _l("Nhắc khi quá hạn, mỗi (ngày làm việc)"),
        validators=[InputRequired(), NumberRange(0, 60)],
        description=_l("0: không nhắc khi quá hạn."),
    )
    escalate_after = IntegerField(
        _l("Báo Chủ tịch khi quá hạn hơn (ngày làm việc)"),
        validators=[InputRequired(), NumberRange(0, 120)],
        description=_l("0: không báo."),
    )
    copy_supporters = BooleanField(_l("Gửi bản sao cho cán bộ phối hợp"))
    digest_weekday = SelectField(_l("Tổng hợp tuần gửi Chủ tịch"), choices=WEEKDAY_CHOICES)
    meeting_days_before = IntegerField(
        _l("Nhắc trước Họp giao ban CCHC tháng (ngày làm việc)"),
        validators=[InputRequired(), NumberRange(0, 20)],
    )
    submit = SubmitField(_l("Lưu"))
