from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.people.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Nhập email."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))
    submit = SubmitField(_l("Đăng nhập"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Nhập mật khẩu hiện tại."))]
    )
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
    submit = SubmitField(_l("Đổi mật khẩu"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Nhập email."))])
    submit = SubmitField(_l("Gửi đường dẫn đặt lại mật khẩu"))


class SetPasswordForm(FlaskForm):
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
