"""Forms of the reminders area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.core.forms import Form
from tracker.reminders.preferences import EMAIL_HOURS

# The optional reminders (reminders.models.OPTIONAL_REMINDERS) as officers and units read them.
OPTIONAL_LABELS = {
    "before": _l("Nhắc trước hạn"),
    "due": _l("Nhắc vào ngày đến hạn"),
    "copy": _l("Bản sao nhắc việc của nhiệm vụ mình phối hợp"),
    "meeting": _l("Nhắc trước cuộc họp CCHC hàng tháng"),
    "digest": _l("Tổng hợp tuần (Chủ tịch)"),
    "escalation": _l("Báo nhiệm vụ quá hạn kéo dài (Chủ tịch)"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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
    required = CheckboxesField(
        _l("Nhắc việc cán bộ không được tắt"),
        choices=[SelectChoice(key, label) for key, label in OPTIONAL_LABELS.items()],
        description=_l("Nhắc việc khi quá hạn luôn được gửi, không ai tắt được."),
    )
    submit = SubmitField(_l("Lưu"))


class PreferencesForm(Form):
    """Cài đặt thông báo: an officer's own choices, within what their unit requires."""

    email_reminders = BooleanField(_l("Nhận nhắc việc qua email"))
    email_hour = SelectField(
        _l("Giờ nhận thư nhắc việc hằng ngày"),
        choices=[SelectChoice("", _l("Theo giờ chung của hệ thống"))]
        + [SelectChoice(str(h), f"{h:02d}:00") for h in EMAIL_HOURS],
    )
    receive = CheckboxesField(
        _l("Nhắc việc muốn nhận"),
        choices=[SelectChoice(key, label) for key, label in OPTIONAL_LABELS.items()],
        validate_choice=False,  # the operation refuses what is not a known choice
    )
    submit = SubmitField(_l("Lưu cài đặt"))
