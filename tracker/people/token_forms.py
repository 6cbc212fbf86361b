"""The forms of the token page (Mã truy cập API)."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField, SubmitField

from tracker.core.forms import Form
from tracker.core.once import token_field
from tracker.people.tokens import DEFAULT_DAYS, MAX_DAYS, NAME_LENGTH


class TokenForm(Form):
    # Checked by people.tokens.issue_token, which says what is wrong in Vietnamese.
    form_token = token_field()
    name = StringField(
        _l("Tên mã"),
        render_kw={
            "maxlength": NAME_LENGTH,
            "placeholder": _l("ví dụ: Hệ thống quản lý văn bản"),
            "autocomplete": "off",
        },
    )
    days = StringField(
        _l("Thời hạn (số ngày)"),
        default=str(DEFAULT_DAYS),
        render_kw={"inputmode": "numeric", "maxlength": 4},
        description=_l("Từ 1 đến %(n)s ngày; mặc định %(default)s ngày.", n=MAX_DAYS,
                       default=DEFAULT_DAYS),
    )
    scope = RadioField(
        _l("Quyền"),
        choices=[SelectChoice("read", _l("Chỉ đọc")), SelectChoice("write", _l("Đọc và ghi"))],
        default="read",
        validate_choice=False,
    )
    submit = SubmitField(_l("Tạo mã"))


class RevokeForm(Form):
    submit = SubmitField(_l("Thu hồi"))
