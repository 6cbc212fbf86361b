"""Forms of prompting by hand. Dates are typed dd/mm/yyyy (ISO accepted)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField

from tracker.core.forms import DateField, Form


class PromptForm(Form):
    message = TextAreaField(_l("Nội dung đôn đốc"))


class RequestForm(Form):
    message = TextAreaField(_l("Nội dung yêu cầu giải trình"))


class AnswerForm(Form):
    reason = TextAreaField(_l("Lý do chậm"))
    proposed_deadline = DateField(_l("Thời hạn đề xuất"), render_kw={"placeholder": "dd/mm/yyyy"})


class DecideForm(Form):
    decision = RadioField(
        _l("Quyết định"),
        choices=[
            SelectChoice("accept", _l("Chấp nhận thời hạn mới")),
            SelectChoice("refuse", _l("Không chấp nhận")),
        ],
        validate_choice=False,
    )
    note = TextAreaField(_l("Ý kiến"))
