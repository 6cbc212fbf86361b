"""A deadline cell: a date, the end of a month, quarter or year, or a recurring phrase."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker.core.dates import parse_date
from tracker.plans.importing.cells import cell_text, fold
from tracker.plans.importing.problems import _

RECURRENCE_MAX = 100  # Task.recurrence_note


# "31/01/2024", "31.01.2024", "2024-01-31": date-shaped, a real day or not.
_DATE_SHAPED = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Deadline phrases without a date: the plan's cadence or condition, kept as written.
RECURRING_PREFIXES = (
    "hang ngay",
    "hang tuan",
    "hang thang",
    "hang quy",
    "hang nam",
    "thuong xuyen",
    "dinh ky",
    "lien tuc",
    "theo yeu cau",
    "theo chi dao",
    "theo ke hoach",
    "theo quy dinh",
    "khi co",
    "ca nam",
    "6 thang mot lan",
)


def _compact_date(text: str) -> str:
    """'30 / 6 / 2024' -> '30/6/2024'; '2024-06-30 00:00:00' (a datetime as text) -> the date."""
    text = re.sub(r"\s*([/.\-])\s*", r"\1", text.strip())
    return re.sub(r"[ T]00:00(?::00)?$", "", text)


def text_date(text: str) -> date | None:
    """dd/mm/yyyy (also with . or -) or ISO; None when it is not one, or not a real day."""
    return parse_date(_compact_date(text))


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# "Trước ngày 30/6/2024", "Chậm nhất ngày 30/6/2024", "Ngày 30/6/2024": the date.
_BEFORE = re.compile(
    r"^(?:hoàn thành )?(?:trước ngày|trước|chậm nhất ngày|chậm nhất|ngày|hạn)\s*:?\s*", re.I
)
# On folded text: "thang 6 2024", "t6 2024", "thang 6 nam 2024"; "quy ii 2024"; "nam 2024".
_MONTH = re.compile(r"(?:thang|t) ?(\d{1,2}) (?:nam )?(\d{4})")
_QUARTER = re.compile(r"quy (iv|iii|ii|i|[1-4]) (?:nam )?(\d{4})")
_WHOLE_YEAR = re.compile(r"(?:trong )?nam (\d{4})")


@dataclass(frozen=True, slots=True)
class Deadline:
    deadline: date | None = None
    recurrence_note: str = ""


def _bad_date(text: str) -> ValueError:
    return ValueError(_("thời hạn “%(value)s” không phải ngày hợp lệ", value=text))


def parse_deadline(value: Any) -> Deadline:
    """A deadline cell: a date cell, 'dd/mm/yyyy', 'Tháng 6/2024', 'Quý II/2024', 'Năm 2024'
    (the end of the period), or a recurring phrase ('Hàng tháng', 'Thường xuyên': no date).

    Raises ValueError with the reason otherwise.
    """
    if isinstance(value, datetime):
        return Deadline(value.date())
    if isinstance(value, date):
        return Deadline(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _bad_date(cell_text(value))  # a number, not a date cell
    text = " ".join(cell_text(value).split())
    if not text:
        return Deadline()
    plain = fold(text)
    if plain.startswith(RECURRING_PREFIXES):
        if len(text) > RECURRENCE_MAX:
            raise ValueError(
                _("thời hạn “%(value)s” dài quá %(max)s ký tự", value=text, max=RECURRENCE_MAX)
            )
        return Deadline(None, text)
    bare = _compact_date(_BEFORE.sub("", text, count=1))
    if _DATE_SHAPED.fullmatch(bare):
        parsed = parse_date(bare)
        if parsed is None:
            raise _bad_date(text)
        return Deadline(parsed)
    if (m := _MONTH.fullmatch(plain)) and 1 <= int(m.group(1)) <= 12:
        return Deadline(_end_of_month(int(m.group(2)), int(m.group(1))))
    if m := _QUARTER.fullmatch(plain):
        return Deadline(_end_of_month(int(m.group(2)), _ROMAN_QUARTERS[m.group(1)] * 3))
    if m := _WHOLE_YEAR.fullmatch(plain):
        return Deadline(date(int(m.group(1)), 12, 31))
    if re.search(r"\d", text):
        raise _bad_date(text)
    raise ValueError(
        _(
            "thời hạn “%(value)s” không rõ: cần một ngày (dd/mm/yyyy) hoặc cụm như "
            "“Hàng tháng”, “Hàng quý”, “Thường xuyên”",
            value=text,
        )
    )
