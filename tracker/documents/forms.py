"""The register's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.core.files import ALLOWED
from tracker.core.forms import DateField, Form
from tracker.documents.rules import NUMBER_MAX, SIGNER_MAX, SUBJECT_MAX, kind_labels

# The row 1.1 decision: by the rule (its kind), or a leader's either way.
OVERRIDES = {"": None, "yes": True, "no": False}


def _kind_choices(blank: str):
    return [("", blank), *((k.value, label) for k, label in kind_labels().items())]


def _override_choices():
    return [
        ("", _l("Theo loại văn bản")),
        ("yes", _l("Tính là văn bản chỉ đạo CCHC")),
        ("no", _l("Không tính")),
    ]


class DetailsForm(Form):
    kind = SelectField(_l("Loại văn bản"), choices=[])
    subject = TextAreaField(_l("Trích yếu"), validators=[Length(max=SUBJECT_MAX)])
    signer = StringField(_l("Người ký"), validators=[Length(max=SIGNER_MAX)])
    directing = SelectField(_l("Mục 1.1 Phụ lục 1"), choices=[])
    submit = SubmitField(_l("Lưu"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices(str(_l("Theo ký hiệu")))
        self.directing.choices = _override_choices()


class DocumentForm(DetailsForm):
    number = StringField(
        _l("Số, ký hiệu"),
        validators=[DataRequired(_l("Nhập số, ký hiệu văn bản.")), Length(max=NUMBER_MAX)],
        render_kw={"placeholder": "39/QĐ-UBND"},
    )
    issued_on = DateField(_l("Ngày ban hành"), render_kw={"placeholder": "dd/mm/yyyy"})
    file = FileField(
        _l("Tệp văn bản (PDF, DOCX, XLSX, ảnh)"),
        validators=[
            FileAllowed([s[1:] for s in ALLOWED], _l("Chỉ nhận PDF, DOCX, XLSX, PNG, JPG."))
        ],
    )


class CancelForm(Form):
    reason = TextAreaField(_l("Lý do hủy"), validators=[Length(max=SUBJECT_MAX)])
    submit = SubmitField(_l("Hủy văn bản"))


class ImportForm(Form):
    file = FileField(
        _l("Tệp sổ văn bản đi (.xlsx)"),
        validators=[
            FileRequired(_l("Chọn tệp sổ văn bản đi.")),
            FileAllowed(["xlsx"], _l("Chỉ nhận tệp .xlsx.")),
        ],
    )
    submit = SubmitField(_l("Xem trước"))


class ConfirmImportForm(Form):
    payload = HiddenField()
    submit = SubmitField(_l("Nhập vào sổ"))
