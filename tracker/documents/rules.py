"""The rules of the register: how a number is written and compared, what kind its symbol
says, and which documents row 1.1 of Phụ lục 1 counts (`directs_reform`, the one place)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from tracker.documents.models import DocumentKind

# "333/KH-UBND", "260/UBND", "39/QĐ-UBND", "91-KL/TU", "30/2020/NĐ-CP", "12/CT-UBND",
# "05/TTr-UBND" (Tờ trình and Chương trình carry a small letter)
DOCUMENT_NUMBER = re.compile(
    r"^\d{1,6}[a-z]?(?:-[A-ZĐ]{1,10})?(?:/\d{4})?/[A-ZĐ][A-ZĐa-zđ0-9]{0,11}"
    r"(?:-[A-ZĐ0-9][A-ZĐa-zđ0-9]{0,11}){0,4}$"
)
NUMBER_MAX = 100
SUBJECT_MAX = 2000
SIGNER_MAX = 200

# The abbreviation a symbol starts with (Nghị định 30/2020/NĐ-CP, Phụ lục III), upper case.
_ABBREVIATIONS = {
    "KH": DocumentKind.PLAN,
    "QĐ": DocumentKind.DECISION,
    "CT": DocumentKind.DIRECTIVE,
    "TB": DocumentKind.NOTICE,
    "KL": DocumentKind.CONCLUSION,
    "CTR": DocumentKind.PROGRAMME,
    "HD": DocumentKind.GUIDANCE,
    "BC": DocumentKind.REPORT,
    "TTR": DocumentKind.SUBMISSION,
    "GM": DocumentKind.INVITATION,
    "BB": DocumentKind.MINUTES,
}

# Row 1.1 "Số văn bản chỉ đạo CCHC đã ban hành (kết luận, chỉ thị, công văn chỉ đạo, quán
# triệt)": the kinds by which a People's Committee directs work.
DIRECTING_KINDS = frozenset(
    {
        DocumentKind.PLAN,
        DocumentKind.DECISION,
        DocumentKind.DIRECTIVE,
        DocumentKind.OFFICIAL_LETTER,
        DocumentKind.NOTICE,
        DocumentKind.CONCLUSION,
        DocumentKind.PROGRAMME,
        DocumentKind.GUIDANCE,
    }
)


def directs_reform(kind: DocumentKind, override: bool | None = None) -> bool:
    """Whether an issued document counts in row 1.1 (văn bản chỉ đạo CCHC đã ban hành).

    By its kind: plans, decisions, directives, official letters, notices, conclusions,
    programmes and guidance direct work; reports, submissions (tờ trình), invitations and
    minutes do not (they answer, propose or record). A ward's directing documents all serve
    one of the nine fields of administrative reform (the Q1 2024 report of Vĩnh Hòa counts 24:
    plans and decisions of the reform plan, the one-stop shop, ISO 9001, the merging of
    residential groups, internal spending rules), so no subject test is made; a leader marks a
    document that directs something else ("không tính vào mục 1.1") or one the kind misses:
    `override`, when set, decides.
    """
    if override is not None:
        return override
    return kind in DIRECTING_KINDS


def normal_number(text: str | None) -> str:
    """The number as written, spaces collapsed and none around "/" or "-" ("7413/QĐ- UBND")."""
    number = " ".join((text or "").split())
    return re.sub(r"\s*([/-])\s*", r"\1", number)


def number_key(text: str | None) -> str:
    """How two numbers compare: without case and spaces ("39/qđ-ubnd" is "39/QĐ-UBND")."""
    return normal_number(text).replace(" ", "").upper()


def kind_from_number(number: str) -> DocumentKind:
    """The kind a symbol says: "39/QĐ-UBND" a decision, "260/UBND" or "125/UBND-VP" (no
    abbreviation before the issuer) an official letter."""
    parts = normal_number(number).split("/")
    if len(parts) < 2:
        return DocumentKind.OTHER
    symbol = parts[-1].split("-")
    if len(symbol) > 1 and symbol[0].upper() in _ABBREVIATIONS:
        return _ABBREVIATIONS[symbol[0].upper()]
    return DocumentKind.OFFICIAL_LETTER


def validate_document(number: str, on: date | None, today: date) -> dict[str, str]:
    """A document's number and date as every form and import checks them: {field: message}."""
    errors = {}
    if not DOCUMENT_NUMBER.match(normal_number(number)):
        errors["document_number"] = _(
            "Số văn bản chưa đúng dạng số/ký hiệu, ví dụ 333/KH-UBND hoặc 39/QĐ-UBND."
        )
    if on is None:
        errors["document_date"] = _("Nhập ngày ban hành văn bản (dd/mm/yyyy).")
    elif on > today:
        errors["document_date"] = _("Ngày văn bản không được sau hôm nay.")
    elif on.year < 2000:
        errors["document_date"] = _("Ngày văn bản không hợp lệ.")
    return errors


def kind_labels() -> dict[DocumentKind, str]:
    return {
        DocumentKind.PLAN: _("Kế hoạch"),
        DocumentKind.DECISION: _("Quyết định"),
        DocumentKind.DIRECTIVE: _("Chỉ thị"),
        DocumentKind.OFFICIAL_LETTER: _("Công văn"),
        DocumentKind.NOTICE: _("Thông báo"),
        DocumentKind.CONCLUSION: _("Kết luận"),
        DocumentKind.PROGRAMME: _("Chương trình"),
        DocumentKind.GUIDANCE: _("Hướng dẫn"),
        DocumentKind.REPORT: _("Báo cáo"),
        DocumentKind.SUBMISSION: _("Tờ trình"),
        DocumentKind.INVITATION: _("Giấy mời"),
        DocumentKind.MINUTES: _("Biên bản"),
        DocumentKind.OTHER: _("Khác"),
    }
