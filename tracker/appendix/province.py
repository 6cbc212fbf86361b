"""A province collects its communes' Phụ lục 1: it opens a period for all of them at once,
loads its own indicator tree for a year, and sees who froze their table, when, and on time.

The national regime (Bộ Nội vụ's guidance on periodic CCHC reports under Nghị định 09/2019):
four reports a year, Quý I, 6 tháng, Quý III and Năm; data from the 15th of the previous
period's last month to the 14th of the period's last month; the report due on the 20th of that
month (`regime_dates`, the one place that knows it; the page lets the province edit them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from tracker.appendix.indicators import TreeProblem, parse_tree
from tracker.appendix.models import (
    IndicatorTreeFile,
    PeriodKind,
    ProvincePeriod,
    ReportingPeriod,
)
from tracker.appendix.operations import _clean, check_period
from tracker.core.audit import current_actor_id
from tracker.core.clock import to_local
from tracker.core.refusals import Refusal
from tracker.core.text import fold
from tracker.people.models import Officer, Unit, UnitKind

log = logging.getLogger("tracker.appendix")

# The units a province collects reports from (since 1 July 2025, directly below it).
COMMUNE_KINDS = frozenset(
    {UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE, UnitKind.TOWNSHIP}
)
MAX_TREE_BYTES = 1_000_000
DUE_DAY = 20


@dataclass(frozen=True, slots=True)
class RegimePeriod:
    code: str  # q1, h1, q3, year
    kind: PeriodKind
    label: str
    start: date
    end: date
    due_on: date


# code -> (kind, label template, last month of the period)
_REGIME = {
    "q1": (PeriodKind.QUARTER, "Quý I năm {year}", 3),
    "h1": (PeriodKind.HALF, "6 tháng đầu năm {year}", 6),
    "q3": (PeriodKind.QUARTER, "Quý III năm {year}", 9),
    "year": (PeriodKind.YEAR, "Năm {year}", 12),
}
REGIME_CODES = tuple(_REGIME)


def regime_dates(code: str, year: int) -> RegimePeriod:
    """The dates of a period of the national regime: Quý I 15/12–14/03, 6 tháng 15/12–14/06,
    Quý III 15/06–14/09, Năm 15/12–14/12, each due on the 20th of its last month."""
    kind, label, month = _REGIME[code]
    start = date(year - 1, 12, 15) if code != "q3" else date(year, 6, 15)
    return RegimePeriod(code, kind, label.format(year=year), start, date(year, month, 14),
                        date(year, month, DUE_DAY))


# ---------------------------------------------------------------------------- reading


def province_communes(session: Session, province_id: int) -> list[Unit]:
    """The open communes, wards and special zones at any depth below the province (older data
    may keep a district level between them), by name: one query, the tree walked here."""
    units = session.execute(select(Unit.id, Unit.parent_id, Unit.kind, Unit.closed_at)).all()
    children: dict[int | None, list] = {}
    for row in units:
        children.setdefault(row.parent_id, []).append(row)
    found: list[int] = []
    stack = [province_id]
    while stack:
        for row in children.get(stack.pop(), ()):
            stack.append(row.id)
            if row.kind in COMMUNE_KINDS and row.closed_at is None:
                found.append(row.id)
    if not found:
        return []
    return list(session.scalars(
        select(Unit).where(Unit.id.in_(found)).order_by(Unit.name, Unit.id)
    ))


def tree_in_force(session: Session, province_id: int, year: int) -> IndicatorTreeFile | None:
    """The newest tree the province loaded for the year (None: the file of data/)."""
    return session.scalar(
        select(IndicatorTreeFile)
        .where(IndicatorTreeFile.unit_id == province_id, IndicatorTreeFile.year == year)
        .order_by(IndicatorTreeFile.id.desc())
        .limit(1)
    )


def province_trees(session: Session, province_id: int) -> list[IndicatorTreeFile]:
    return list(session.scalars(
        select(IndicatorTreeFile)
        .where(IndicatorTreeFile.unit_id == province_id)
        .order_by(IndicatorTreeFile.year.desc(), IndicatorTreeFile.id.desc())
    ))


def province_periods(session: Session, province_id: int) -> list[ProvincePeriod]:
    return list(session.scalars(
        select(ProvincePeriod)
        .where(ProvincePeriod.unit_id == province_id)
        .order_by(ProvincePeriod.end.desc(), ProvincePeriod.id.desc())
    ))


@dataclass(frozen=True, slots=True)
class CommuneReport:
    """Where one commune's report of a province period stands."""

    unit: Unit
    period: ReportingPeriod | None  # None: the commune has no such period (created since)

    @property
    def frozen(self) -> bool:
        return self.period is not None and self.period.is_submitted

    @property
    def submitted_at(self) -> datetime | None:
        return self.period.submitted_at if self.frozen else None

    def on_time(self, due_on: date) -> bool | None:
        """Frozen by the due date (the commune's local day); None while not frozen."""
        if not self.frozen or self.period.submitted_at is None:
            return None
        return to_local(self.period.submitted_at).date() <= due_on


def commune_reports(session: Session, province_period: ProvincePeriod) -> list[CommuneReport]:
    """Every commune of the province and its report of the period, by name (đ with d): its
    communes now,
    and any commune whose period was opened with it (one since closed or moved). Three
    queries whatever the number of communes."""
    periods = {
        p.unit_id: p
        for p in session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.province_period_id == province_period.id)
            # the whole table is not read here (a summary reads its `figures`)
            .options(defer(ReportingPeriod.snapshot))
        )
    }
    units = {u.id: u for u in province_communes(session, province_period.unit_id)}
    others = set(periods) - set(units)
    if others:
        units.update((u.id, u) for u in session.scalars(select(Unit).where(Unit.id.in_(others))))
    return [
        CommuneReport(unit, periods.get(unit.id))
        for unit in sorted(units.values(), key=lambda u: (fold(u.name), u.name, u.id))
    ]


# ---------------------------------------------------------------------------- changing


class InvalidTreeFile(Refusal):
    """An indicator file refused, with each problem by line."""

    def __init__(self, problems: list[TreeProblem]):
        self.problems = problems
        super().__init__({"file": _("Tệp có %(n)s lỗi; chưa lưu gì.", n=len(problems))})


def load_tree_file(
    session: Session, province: Unit, officer: Officer, file_name: str, data: bytes
) -> IndicatorTreeFile:
    """Keep a province's indicator tree for a year, from a file in the format of data/: all
    checked first (a Refusal naming each bad line, nothing saved)."""
    if not data:
        raise Refusal({"file": _("Chọn tệp chỉ tiêu (.toml).")})
    if len(data) > MAX_TREE_BYTES:
        raise Refusal({"file": _("Tệp chỉ tiêu quá lớn (tối đa 1 MB).")})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refusal({"file": _("Tệp phải là văn bản UTF-8 (định dạng TOML).")}) from None
    if "\x00" in text:
        raise Refusal({"file": _("Tệp phải là văn bản UTF-8 (định dạng TOML).")})
    tree, problems = parse_tree(text)
    if problems:
        raise InvalidTreeFile(problems)
    record = IndicatorTreeFile(
        unit_id=province.id, year=tree.year, file_name=_clean(file_name)[:200] or "chi-tieu.toml",
        content=text, rows=len(tree.rows), loaded_by_id=officer.id,
    )
    session.add(record)
    session.flush()
    log.info("officer %s loaded indicator tree %s (%s, %s rows), unit %s",
             officer.id, record.id, tree.year, len(tree.rows), province.id)
    return record


@dataclass
class Opened:
    period: ProvincePeriod
    created: list[Unit]
    existing: list[Unit]  # communes that already had the period: reported, not duplicated


def open_for_communes(
    session: Session, province: Unit, officer: Officer, kind: PeriodKind, label: str,
    start: date, end: date, due_on: date,
) -> Opened:
    """Open a reporting period for every commune of the province at once, with its due date
    and the tree in force for its year. One transaction: all communes or none."""
    label, errors = check_period(label, start, end)
    if "end" not in errors and due_on < end:
        errors["due_on"] = _("Hạn gửi báo cáo không thể trước ngày chốt số liệu.")
    if errors:
        raise Refusal(errors)
    if session.scalar(select(ProvincePeriod.id).where(
        ProvincePeriod.unit_id == province.id, ProvincePeriod.kind == kind,
        ProvincePeriod.start == start, ProvincePeriod.end == end,
    )):
        raise Refusal({"": _("Kỳ báo cáo này đã được mở cho các xã.")})
    communes = province_communes(session, province.id)
    if not communes:
        raise Refusal({"": _("Không có xã, phường, đặc khu nào trực thuộc để mở kỳ báo cáo.")})
    tree = tree_in_force(session, province.id, end.year)
    period = ProvincePeriod(
        unit_id=province.id, kind=kind, label=label, start=start, end=end, due_on=due_on,
        tree_id=tree.id if tree else None, created_by_id=officer.id,
    )
    existing = {
        p.unit_id: p
        for p in session.scalars(select(ReportingPeriod).where(
            ReportingPeriod.unit_id.in_([c.id for c in communes]),
            ReportingPeriod.kind == kind, ReportingPeriod.start == start,
            ReportingPeriod.end == end,
        ).with_for_update())
    }
    opened = Opened(period, [], [])
    try:
        with session.begin_nested():
            session.add(period)
            session.flush()
            for commune in communes:
                found = existing.get(commune.id)
                if found is not None:
                    opened.existing.append(commune)
                    if found.province_period_id is None:  # now collected by the province
                        found.province_period_id = period.id
                        found.due_on = found.due_on or due_on
                    continue
                session.add(ReportingPeriod(
                    unit_id=commune.id, kind=kind, label=label, start=start, end=end,
                    due_on=due_on, tree_id=period.tree_id, province_period_id=period.id,
                    acknowledged=[],
                ))
                opened.created.append(commune)
            session.flush()
    except IntegrityError:
        # Opened at the same moment by someone else (the province, or a commune for itself).
        raise Refusal({"": _("Kỳ báo cáo vừa được mở cùng lúc ở nơi khác; tải lại trang và "
                             "thử lại.")}) from None
    log.info("officer %s opened reporting period %s for %s communes (%s had it), unit %s",
             current_actor_id(), period.id, len(opened.created), len(opened.existing),
             province.id)
    return opened
