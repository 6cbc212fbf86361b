"""Forms of the units pages: a unit, its settings, its administrators, closing it."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)

from tracker.core.forms import Form
from tracker.core.once import token_field
from tracker.people.models import UnitKind

KIND_LABELS = {
    UnitKind.NATIONAL: _l("Cả nước (quản trị hệ thống)"),
    UnitKind.PROVINCE: _l("Tỉnh, thành phố trực thuộc trung ương"),
    UnitKind.CITY: _l("Thành phố"),
    UnitKind.DISTRICT: _l("Quận, huyện (trước 01/7/2025)"),
    UnitKind.TOWN: _l("Thị xã (trước 01/7/2025)"),
    UnitKind.WARD: _l("Phường"),
    UnitKind.COMMUNE: _l("Xã"),
    UnitKind.SPECIAL_ZONE: _l("Đặc khu"),
    UnitKind.TOWNSHIP: _l("Thị trấn (trước 01/7/2025)"),
}


class UnitForm(Form):
    # Lengths are checked by the operation, with its own messages; the form keeps what was typed.
    code = StringField(
        _l("Mã đơn vị"),
        description=_l("Dùng trong địa chỉ trang; không đổi được sau khi tạo. Ví dụ: vinh-hoa."),
    )
    name = StringField(
        _l("Tên đơn vị (như ghi trên văn bản)"),
        description=_l("Ví dụ: Phường Vĩnh Hòa; tên ngắn: Vĩnh Hòa."),
    )
    short_name = StringField(_l("Tên ngắn"))
    kind = SelectField(
        _l("Cấp, loại đơn vị"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validate_choice=False,
    )
    parent = SelectField(_l("Đơn vị cấp trên"), validate_choice=False)
    form_token = token_field()
    submit = SubmitField(_l("Lưu"))


class UnitSettingsForm(Form):
    name = StringField(_l("Tên đơn vị (như ghi trên văn bản)"))
    short_name = StringField(_l("Tên ngắn"))
    late_extensions = SelectField(
        _l("Hoàn thành trễ khi hạn được gia hạn sau khi đã quá hạn"),
        choices=[
            SelectChoice("count", _l("Tính theo hạn mới")),
            SelectChoice("do_not_count", _l("Vẫn tính theo hạn đã lỡ")),
            SelectChoice("inherit", _l("Theo đơn vị cấp trên")),
        ],
        validate_choice=False,
    )
    two_step = SelectField(
        _l("Bắt buộc đăng nhập hai bước"),
        choices=[
            SelectChoice("inherit", _l("Theo đơn vị cấp trên (hoặc cấu hình máy chủ)")),
            SelectChoice("none", _l("Không bắt buộc ai")),
            SelectChoice("leaders", _l("Quản trị và Chủ tịch")),
            SelectChoice("managers", _l("Quản trị, lãnh đạo và công chức đầu mối")),
            SelectChoice("everyone", _l("Mọi cán bộ")),
        ],
        validate_choice=False,
    )
    submit = SubmitField(_l("Lưu cài đặt"))


class UnitAdminForm(Form):
    officer_id = HiddenField()
    admin = HiddenField()  # "1": name, "0": remove


class ButtonForm(Form):
    """Close or reopen a unit: nothing but the CSRF token."""


class MergeForm(UnitForm):
    """Merging units into a new one (plans.merging): the new unit's fields, and the units."""

    sources = SelectMultipleField(_l("Các đơn vị sáp nhập"), validate_choice=False)
    confirm = HiddenField()  # "1" once the preview was shown
    preview = SubmitField(_l("Xem trước"))
    submit = SubmitField(_l("Xác nhận sáp nhập"))
