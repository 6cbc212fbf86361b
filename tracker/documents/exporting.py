"""The register as .xlsx, in the columns its import reads back."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.core.spreadsheets import Column, SpreadsheetWriter
from tracker.documents.models import IssuedDocument
from tracker.documents.rules import kind_labels

HEADERS = ("STT", "Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Người ký",
           "Chỉ đạo CCHC (mục 1.1)", "Ghi chú")


def register_xlsx(unit_name: str, caption: str, entries: list[IssuedDocument]) -> bytes:
    labels = kind_labels()
    writer = SpreadsheetWriter()
    sheet = writer.sheet(
        "So van ban di",
        [Column(6, "center"), Column(18), Column(14, "center", date=True), Column(14),
         Column(60), Column(24), Column(12, "center"), Column(24)],
    )
    sheet.title(_("SỔ VĂN BẢN ĐI"), size=14, bold=True)
    sheet.title(f"{unit_name} {caption}".strip(), italic=True)
    sheet.blank()
    sheet.header(HEADERS)  # the import's own words, in Vietnamese whatever the page's language
    for i, e in enumerate(entries, 1):
        note = _("Đã hủy: %(reason)s", reason=e.cancel_reason) if e.is_cancelled else ""
        sheet.row([i, e.number, e.issued_on, labels[e.kind], e.subject, e.signer,
                   "x" if e.directs_reform and not e.is_cancelled else "", note])
    sheet.finish()
    return writer.to_bytes()
