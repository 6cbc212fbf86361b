from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length

from tracker.core.forms import DateField


class CalendarDayForm(FlaskForm):
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


class WithdrawForm(FlaskForm):
    row_id = HiddenField()
    submit = SubmitField(_l("Bỏ"))
