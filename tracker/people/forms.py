from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length

from tracker.core.forms import DateField, Form
from tracker.core.once import token_field


class CalendarDayForm(Form):
    day = DateField(_l("Ngày"), render_kw={"placeholder": "dd/mm/yyyy"})
    kind = SelectField(
        _l("Loại"),
        choices=[
            SelectChoice("off", _l("Ngày nghỉ riêng của đơn vị")),
            SelectChoice("work", _l("Ngày làm việc bù")),
        ],
    )
    note = StringField(_l("Ghi chú"), validators=[Length(max=200)])
    submit = SubmitField(_l("Thêm"))


class WithdrawForm(Form):
    row_id = HiddenField()
    submit = SubmitField(_l("Bỏ"))


class OfficerForm(Form):
    """An officer's details and roles (add, edit). The rules are people.operations'; the form
    only keeps what was typed."""

    full_name = StringField(_l("Họ và tên"))
    position = StringField(_l("Chức vụ"), description=_l("Ví dụ: Công chức Văn phòng - Thống kê"))
    department = StringField(_l("Bộ phận"), description=_l("Ví dụ: Văn phòng HĐND và UBND"))
    email = StringField(
        _l("Email"), description=_l("Dùng để đăng nhập; thư mời đặt mật khẩu được gửi đến đây.")
    )
    phone = StringField(_l("Điện thoại"))
    roles = SelectMultipleField(_l("Vai trò"), validate_choice=False)
    form_token = token_field()
    submit = SubmitField(_l("Lưu"))


class ImportOfficersForm(Form):
    file = FileField(
        _l("Tệp danh sách cán bộ (.xlsx)"),
        validators=[
            FileRequired(_l("Chọn tệp danh sách cán bộ.")),
            FileAllowed(["xlsx"], _l("Chỉ nhận tệp .xlsx.")),
        ],
    )
    submit = SubmitField(_l("Nhập danh sách"))


class ActionForm(Form):
    """A button that changes one thing (resend the invitation, reactivate): CSRF only."""

    submit = SubmitField(_l("Xác nhận"))


class HandoverForm(Form):
    """Deactivate or transfer: the new leads are read from the posted form (one field per
    task, tasks.handover), the unit from here."""

    unit_id = SelectField(_l("Chuyển sang đơn vị"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Xác nhận"))
