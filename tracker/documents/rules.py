"""The rules of the register: how a number is written and compared, what kind its symbol
says, and which documents row 1.1 of Phụ lục 1 counts (`directs_reform`, the one place)."""

from __future__ import annotations

import enum
import re
from datetime import date

from flask_babel import gettext as _


class DocumentKind(enum.StrEnum):
    """The kinds of administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục III), with the
    abbreviation each carries in its symbol ("39/QĐ-UBND"); a công văn carries none."""

    PLAN = "plan"  # Kế hoạch, KH
    DECISION = "decision"  # Quyết định, QĐ
    DIRECTIVE = "directive"  # Chỉ thị, CT
    OFFICIAL_LETTER = "official_letter"  # Công văn: "260/UBND", "125/UBND-VP"
    NOTICE = "notice"  # Thông báo, TB
    CONCLUSION = "conclusion"  # Kết luận, KL
    PROGRAMME = "programme"  # Chương trình, CTr
    GUIDANCE = "guidance"  # Hướng dẫn, HD
    REPORT = "report"  # Báo cáo, BC
    SUBMISSION = "submission"  # Tờ trình, TTr
    INVITATION = "invitation"  # Giấy mời, GM
    MINUTES = "minutes"  # Biên bản, BB
    OTHER = "other"


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
    """The kind a symbol says: "39/QĐ-UBND" a decision, "91-KL/TU" a conclusion, "260/UBND" or
    "125/UBND-VP" (no abbreviation before the issuer) an official letter."""
    parts = normal_number(number).split("/")
    if len(parts) < 2:
        return DocumentKind.OTHER
    symbol = parts[-1].split("-")
    if len(symbol) > 1 and symbol[0].upper() in _ABBREVIATIONS:
        return _ABBREVIATIONS[symbol[0].upper()]
    # The Party's style puts the abbreviation before the issuer's slash: "91-KL/TU".
    before = parts[0].split("-")
    if len(before) > 1 and before[-1].upper() in _ABBREVIATIONS:
        return _ABBREVIATIONS[before[-1].upper()]
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


# Each kind's name as documents cite one another ("Kế hoạch số 333/KH-UBND ngày …"): official
# text is Vietnamese whatever the reader's language; pages show it translated (`kind_labels`,
# whose messages are these names: keep them in the catalogue).
OFFICIAL_NAMES = {
    DocumentKind.PLAN: "Kế hoạch",
    DocumentKind.DECISION: "Quyết định",
    DocumentKind.DIRECTIVE: "Chỉ thị",
    DocumentKind.OFFICIAL_LETTER: "Công văn",
    DocumentKind.NOTICE: "Thông báo",
    DocumentKind.CONCLUSION: "Kết luận",
    DocumentKind.PROGRAMME: "Chương trình",
    DocumentKind.GUIDANCE: "Hướng dẫn",
    DocumentKind.REPORT: "Báo cáo",
    DocumentKind.SUBMISSION: "Tờ trình",
    DocumentKind.INVITATION: "Giấy mời",
    DocumentKind.MINUTES: "Biên bản",
    DocumentKind.OTHER: "Văn bản",
}


def kind_labels() -> dict[DocumentKind, str]:
    return {kind: _(name) for kind, name in OFFICIAL_NAMES.items()}


def document_reference(number: str, day: date | None, summary: str = "") -> str:
    """A document cited in the usual form: "Kế hoạch số 333/KH-UBND ngày 04/03/2024 về việc …"
    (the kind is not repeated when the summary starts with it)."""
    kind = OFFICIAL_NAMES[kind_from_number(number)]
    about = " ".join(summary.split())
    # A summary that opens with a kind ("Văn bản về việc …", the wrong one included): cut it.
    for word in (kind, *OFFICIAL_NAMES.values()):
        if about.lower().startswith(word.lower() + " "):
            about = about[len(word):].lstrip(" :,")
            break
    # A register's subject opens a sentence ("Về việc …"); cited, it goes on one.
    if about[:7].lower() == "về việc":
        about = "v" + about[1:]
    when = f" ngày {day:%d/%m/%Y}" if day else ""
    return f"{kind} số {number}{when}" + (f" {about}" if about else "")
