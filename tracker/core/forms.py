"""Form fields every area types in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError as FieldError

from tracker.core.dates import parse_date
from tracker.core.validator_messages import translations as validator_translations


class DateField(StringField):
    """A date typed as dd/mm/yyyy; `.date` holds the parsed value."""

    date = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()
        self.date = parse_date(self.data)

    def pre_validate(self, form):
        if self.data and self.date is None:
            raise FieldError(_l("Ngày “%(value)s” không hợp lệ (dd/mm/yyyy).", value=self.data))


class Form(FlaskForm):
    """The base of every form: WTForms' own messages ("Not a valid integer value.") speak the
    reader's language through our catalogue (WTForms ships no Vietnamese one)."""

    class Meta:
        def get_translations(self, form):
            return validator_translations
