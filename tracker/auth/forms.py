from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.core.forms import Form
from tracker.people.passwords import MIN_LENGTH


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Nhập email."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))
    submit = SubmitField(_l("Đăng nhập"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Nhập email."))])
    submit = SubmitField(_l("Gửi đường dẫn đặt lại mật khẩu"))


class SetPasswordForm(Form):
    """A new password from an invitation or a reset link (the rules: people.passwords)."""

    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(_l("Nhập mật khẩu mới.")),
            Length(min=MIN_LENGTH, message=_l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[EqualTo("new_password", _l("Hai lần nhập mật khẩu mới không khớp."))],
    )
    submit = SubmitField(_l("Đặt mật khẩu"))


class ChangePasswordForm(SetPasswordForm):
    """The same new password, asked with the current one (the page names each field)."""

    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Nhập mật khẩu hiện tại."))]
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


class CodeForm(Form):
    """The second step: the app's six digits, or a recovery code."""

    code = StringField(
        _l("Mã xác thực"),
        validators=[DataRequired(_l("Nhập mã xác thực.")), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"},
    )
    submit = SubmitField(_l("Xác nhận"))


class EnrolForm(Form):
    code = StringField(
        _l("Mã 6 số từ ứng dụng"),
        validators=[DataRequired(_l("Nhập mã xác thực.")), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Bật xác thực hai bước"))


class PasswordCheckForm(Form):
    """Disabling the second step or renewing the recovery codes asks for the password."""

    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])
    submit = SubmitField(_l("Xác nhận"))
