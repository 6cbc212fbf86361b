"""The province page as an .xlsx (through core.spreadsheets: formula-safe, Times New Roman).

STT | Đơn vị | (Trực thuộc) | per plan kind: the three rates | Quá hạn | Chờ xác nhận |
Họp CCHC gần nhất | one column per Phụ lục 1 period of the year. Rates are numbers with one
decimal (a rate over nothing is "—", không phát sinh), dates real dates shown dd/mm/yyyy.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale

from tracker.core.downloads import file_name
from tracker.core.formatting import RATE_BANDS, format_date
from tracker.core.spreadsheets import Column, SpreadsheetWriter
from tracker.plans.forms import kind_labels
from tracker.province.queries import RATES, Overview, PeriodStatus, parse_rate_key

RATE_HEADERS = {
    "completion": "Hoàn thành / tổng số (%)",
    "due": "Hoàn thành / đã đến hạn (%)",
    "on_time": "Đúng hạn / đã hoàn thành (%)",
}
PERIOD_WORDS = {
    PeriodStatus.NOT_OPENED: "Chưa mở",
    PeriodStatus.TYPING: "Đang nhập",
    PeriodStatus.FROZEN: "Đã chốt",
    PeriodStatus.REOPENED: "Đã mở lại",
}
SORT_WORDS = {
    "name": "tên",
    "parent": "đơn vị trực thuộc",
    "overdue": "số nhiệm vụ quá hạn",
    "pending": "số nhiệm vụ chờ xác nhận",
    "meeting": "cuộc họp gần nhất",
}


def _described(overview: Overview, kinds: dict) -> str:
    query, parts = overview.query, []
    if query.q:
        parts.append(f"tên có “{query.q}”")
    if query.band:
        kind, rate = parse_rate_key(overview.band_of)  # type: ignore[misc]
        with force_locale("vi"):
            band = str(RATE_BANDS[query.band][2])
        parts.append(f"{kinds[kind]}, {RATE_HEADERS[rate][:-4].lower()}: {band}")
    return "; ".join(parts)


def export_overview_xlsx(overview: Overview) -> bytes:
    with force_locale("vi"):
        kinds = {kind: str(label) for kind, label in kind_labels().items()}
    rate_column = Column(14, align="right")
    columns = [Column(6, align="center"), Column(30)]
    headers = ["STT", "Đơn vị"]
    if overview.several_parents:
        columns.append(Column(24))
        headers.append("Trực thuộc")
    for kind in overview.kinds:
        for rate in RATES:
            columns.append(rate_column)
            headers.append(f"{kinds[kind]}: {RATE_HEADERS[rate]}")
    columns += [Column(12, align="right"), Column(12, align="right"),
                Column(14, align="center", date=True)]
    headers += ["Quá hạn, chưa hoàn thành", "Chờ xác nhận hoàn thành", "Họp CCHC gần nhất"]
    for period in overview.periods:
        columns.append(Column(14, align="center"))
        headers.append(f"Phụ lục 1: {period.label}")

    writer = SpreadsheetWriter()
    sheet = writer.sheet("Các xã, phường", columns)
    sheet.title("TÌNH HÌNH THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", size=14, bold=True)
    sheet.title(overview.unit.name, bold=True)
    sheet.title(f"Số liệu lũy kế đến ngày {format_date(overview.query.as_of)}", italic=True)
    described = _described(overview, kinds)
    if described:
        sheet.title(f"Lọc theo: {described}", italic=True)
    sort = SORT_WORDS.get(overview.query.sort)
    if sort is None:
        kind, rate = parse_rate_key(overview.query.sort)  # type: ignore[misc]
        sort = f"{kinds[kind]}, {RATE_HEADERS[rate][:-4].lower()}"
    order = "giảm dần" if overview.query.descending else "tăng dần"
    sheet.title(f"Sắp xếp theo {sort} ({order})", italic=True)
    sheet.blank()
    sheet.header(headers)
    for number, line in enumerate(overview.lines, start=1):
        values: list = [number, line.name]
        if overview.several_parents:
            values.append(line.parent_name)
        for kind in overview.kinds:
            for rate in RATES:
                value = line.rate(kind, rate)
                values.append(value if value is not None else "—")
        values += [line.overdue, line.pending, line.last_meeting or ""]
        values += [PERIOD_WORDS[line.period(period.label)] for period in overview.periods]
        cells = sheet.row(values)
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.0"
    sheet.finish()
    return writer.to_bytes()


def export_filename(overview: Overview) -> str:
    return file_name(
        f"Các xã, phường - {overview.unit.name} - {format_date(overview.query.as_of)}"
    )
