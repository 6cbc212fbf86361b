"""The plan's metadata, from the form or the command line; what is missing comes from the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.plans.importing.cells import fold
from tracker.plans.importing.deadlines import text_date
from tracker.plans.importing.problems import _
from tracker.plans.models import APPENDIX_ROWS, PlanKind

NO_APPENDIX_ROW = "none"  # metadata value: the plan feeds no appendix row

# The appendix row each kind of plan feeds (DOMAIN: Phụ lục 1, rows 1.2, 1.3, 1.4, 1.6).
DEFAULT_APPENDIX_ROW: dict[PlanKind, str | None] = {
    PlanKind.ANNUAL_REFORM: "1.2",
    PlanKind.PAPI: "1.3",
    PlanKind.CONCLUSION_91: "1.4",
    PlanKind.ASSIGNED_BY_HIGHER_LEVEL: "1.6",
    PlanKind.OTHER: None,
}

TITLE_MAX = 500  # Plan.title
DOCUMENT_NUMBER_MAX = 100  # Plan.document_number


@dataclass(slots=True)
class PlanMetadata:
    kind: PlanKind | None = None  # None: guessed from the title
    title: str | None = None  # None: the file's title row, else the file name
    document_number: str | None = None
    document_date: date | None = None
    start_year: int | None = None  # None: the file's title block, the document's year, this year
    end_year: int | None = None
    appendix_row: str | None = None  # None: from the kind; NO_APPENDIX_ROW: none


def parse_document_date(text: str | None) -> date | None:
    """'31/01/2024' or '2024-01-31' (empty: None); ValueError with a message otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    value = text_date(text)
    if value is None:
        raise ValueError(_("Ngày văn bản “%(value)s” không hợp lệ (dd/mm/yyyy).", value=text))
    return value


def parse_years(text: str | None) -> tuple[int, int] | None:
    """'2024' or '2023-2024' (empty: None); ValueError with a message otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:\s*[-–—]\s*(\d{4}))?", text)
    if m:
        start = int(m.group(1))
        end = int(m.group(2) or start)
        if 1990 <= start <= end <= 2100:
            return start, end
    raise ValueError(
        _("Năm thực hiện “%(value)s” không hợp lệ (ví dụ 2024 hoặc 2023-2024).", value=text)
    )


def parse_appendix_row(text: str | None) -> str | None:
    """'1.2' … or 'none'; empty: None (automatic). ValueError otherwise."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if text in (*APPENDIX_ROWS, NO_APPENDIX_ROW):
        return text
    raise ValueError(
        _(
            "Dòng phụ lục “%(value)s” không hợp lệ (%(choices)s).",
            value=text,
            choices=", ".join((*APPENDIX_ROWS, NO_APPENDIX_ROW)),
        )
    )


def guess_kind(text: str) -> PlanKind:
    plain = fold(text)
    if "papi" in plain:
        return PlanKind.PAPI
    if re.search(r"\b91\s*-?\s*kl|ket luan (so )?91\b", plain):
        return PlanKind.CONCLUSION_91
    if "cap tren giao" in plain:
        return PlanKind.ASSIGNED_BY_HIGHER_LEVEL
    if "cai cach hanh chinh" in plain or "cchc" in plain:
        return PlanKind.ANNUAL_REFORM
    return PlanKind.OTHER
