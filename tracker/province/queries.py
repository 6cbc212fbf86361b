"""The communes below a unit and their figures, in a fixed number of queries.

The tasks are counted in the database, grouped by commune and plan kind, with the status rule's
SQL form (core.status_sql) for the tasks it reads from three dates; the few others (a moved
deadline, a reopened completion, a recurring task) are loaded as status rows and counted by
`core.status.tally`. Both add up to the same `Tally` the ward's dashboard shows.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from operator import itemgetter

from sqlalchemy import Integer, Select, and_, bindparam, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import BindParameter

from tracker.appendix.models import PeriodKind, PeriodState, ReportingPeriod
from tracker.core.formatting import rate_band
from tracker.core.status import Tally, done_on, final_deadline, in_plan_on, tally
from tracker.core.status_sql import plain, tally_from, tally_sums
from tracker.core.text import fold
from tracker.core.versions import (
    DataVersion,
    Kept,
    VersionsWhere,
    versions_where,
    versions_where_statement,
)
from tracker.dashboard.queries import ProgressSeries, chart_days, series_from_counts
from tracker.meetings.models import Meeting
from tracker.people.models import Unit, UnitKind
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.models import Task, TaskState
from tracker.tasks.queries import RULE_COLUMNS, status_rows

# The units a province oversees directly since 1 July 2025 (and the wards of a city of old).
COMMUNE_KINDS = (UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE, UnitKind.TOWNSHIP)
# The national page is paged; a province's (at most a few hundred communes) is not.
NATIONAL_PAGE_SIZE = 100
PAGE_SIZE = 500
MAX_QUERY_LENGTH = 200

# The three rates of a Tally, by the key the page and its query string use.
RATES = {
    "completion": "completion_rate",  # done of all (Phụ lục 1)
    "due": "due_completion_rate",  # done of those due
    "on_time": "on_time_rate",  # on time of those done
}
BANDS = ("high", "medium", "low", "none")

_COLUMNS = RULE_COLUMNS


class PeriodStatus(enum.StrEnum):
    """Where a commune stands on a Phụ lục 1 period."""

    NOT_OPENED = "not_opened"  # no such period for the commune
    TYPING = "typing"  # open, being typed
    FROZEN = "frozen"  # chốt số liệu
    REOPENED = "reopened"  # frozen once, reopened by the chairperson


@dataclass(frozen=True, slots=True)
class PeriodColumn:
    label: str
    kind: PeriodKind
    end: date


@dataclass(slots=True)
class CommuneLine:
    unit_id: int
    code: str
    name: str
    parent_name: str
    closed: bool
    short_name: str = ""  # "Vĩnh Hòa": communes sort by it, not by "Phường", "Xã"
    tallies: dict[PlanKind, Tally] = field(default_factory=dict)
    pending: int = 0
    last_meeting: date | None = None
    periods: dict[str, PeriodStatus] = field(default_factory=dict)
    # What the line was computed from and is kept under (commune_set): its drawn row too.
    key: tuple = ()

    @property
    def overdue(self) -> int:
        return sum(t.open_overdue for t in self.tallies.values())

    def rate(self, kind: PlanKind, rate: str) -> Decimal | None:
        found = self.tallies.get(kind)
        return getattr(found, RATES[rate]) if found is not None else None

    def period(self, label: str) -> PeriodStatus:
        return self.periods.get(label, PeriodStatus.NOT_OPENED)


@dataclass(frozen=True, slots=True)
class OverviewQuery:
    """What the page was asked: the date, a name, a band of one rate, an order, a page."""

    as_of: date
    q: str = ""
    band: str = ""  # one of BANDS, or "" for all
    band_of: str = ""  # "<plan kind>:<rate>" the band applies to ("" the first kind's "due")
    sort: str = "name"  # "name", "parent", "overdue", "pending", "meeting", "<kind>:<rate>"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True, slots=True)
class Overview:
    unit: Unit
    query: OverviewQuery
    kinds: list[PlanKind]
    periods: list[PeriodColumn]
    lines: list[CommuneLine]  # this page's
    total: int  # communes matching the filters
    communes: int  # every commune below
    page: int
    pages: int
    band_of: str
    several_parents: bool
    bands: dict[str, int]  # communes per band of `band_of`, before the band filter
    # Every commune below with its data version, as the kept set read it (progress_by_kind).
    commune_versions: tuple[tuple[int, int | None], ...]
    key: tuple  # the kept set's (set_key): what else is kept from it is kept under it too


def rate_key(kind: PlanKind, rate: str) -> str:
    return f"{kind.value}:{rate}"


def parse_rate_key(key: str) -> tuple[PlanKind, str] | None:
    kind, _, rate = key.partition(":")
    if rate in RATES and kind in PlanKind.__members__.values():
        return PlanKind(kind), rate
    return None


def _below(unit: Unit | BindParameter):
    """The ids of every unit below `unit` (or the unit whose id a parameter will give), at any
    depth (a recursive query of the tree)."""
    top = unit if isinstance(unit, BindParameter) else unit.id
    tree = select(Unit.id).where(Unit.parent_id == top).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return select(tree.c.id)


# The unit a statement built once is run for (`_communes_select`, `_set_versions`): the cold
# page built them at each request, which cost as much as running them.
_UNIT_ID = bindparam("unit_id", type_=Integer)


def _commune_ids(unit: Unit) -> Select:
    """The ids of the communes at any depth below `unit`, as a query."""
    return select(Unit.id).where(Unit.id.in_(_below(unit)), Unit.kind.in_(COMMUNE_KINDS))


@cache
def _communes_select() -> Select:
    """Every commune, ward or special zone at any depth below the unit `_UNIT_ID`, with the
    name of the unit right above it, and their versions (tracker.core.versions): what its line
    shows besides its figures, and what that line is kept under."""
    parent = aliased(Unit)
    own = aliased(DataVersion)
    above = aliased(DataVersion)
    return (
        select(
            Unit.id, Unit.code, Unit.name, Unit.closed_at, parent.name, Unit.short_name,
            Unit.parent_id, own.version, above.version,
        )
        .join(parent, parent.id == Unit.parent_id)
        .outerjoin(own, own.unit_id == Unit.id)
        .outerjoin(above, above.unit_id == Unit.parent_id)
        .where(Unit.id.in_(_below(_UNIT_ID)), Unit.kind.in_(COMMUNE_KINDS))
    )


def _line(row) -> CommuneLine:
    return CommuneLine(
        unit_id=row[0], code=row[1], name=row[2], parent_name=row[4], closed=row[3] is not None,
        short_name=row[5] or "",
    )


def communes_below(session: Session, unit: Unit) -> list[CommuneLine]:
    """Every commune, ward or special zone at any depth below `unit` (one query), with the
    name of the unit right above it; figures not yet filled in."""
    return [_line(row) for row in session.execute(_communes_select(), {"unit_id": unit.id})]


def has_units_below(session: Session, unit: Unit) -> bool:
    return session.scalar(select(Unit.id).where(Unit.parent_id == unit.id).limit(1)) is not None


# The communes a statement built once is run for: the expanding parameter `ids`.
_IDS = bindparam("ids", expanding=True)


def _tallies(in_units: ColumnElement[bool], as_of: date) -> Select:
    """Per commune, plan kind and the rule's plain test: the tallies' sums of the plain tasks,
    the pending confirmations and the rows."""
    live = and_(Plan.archived_at.is_(None), Task.archived_at.is_(None), in_units)
    pending = and_(Task.state == TaskState.PENDING_CONFIRMATION, Task.withdrawn_on.is_(None))
    # Grouped by the plain test too: evaluated once a row, not in each of the sums.
    is_plain = plain(_COLUMNS).label("plain")
    return (
        select(
            Plan.unit_id,
            Plan.kind,
            is_plain,
            *tally_sums(_COLUMNS, as_of, plain_apart=True),
            func.coalesce(func.sum(case((pending, 1), else_=0)), 0).label("pending"),
            func.count().label("rows"),
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(live)
        .group_by(Plan.unit_id, Plan.kind, is_plain)
    )


@lru_cache(maxsize=16)
def _tallies_of_ids(as_of: date) -> Select:
    """`_tallies` of the communes `_IDS`, built once a date: after a change in one commune,
    building it cost three times what running it did."""
    return _tallies(Plan.unit_id.in_(_IDS), as_of)


def fill_figures(
    session: Session, lines: list[CommuneLine], as_of: date, among: Select | None = None
) -> None:
    """Each line's tallies by plan kind, pending confirmations, last review meeting and
    Phụ lục 1 periods of the year, in five queries (six with recurring tasks) whatever the
    number of communes.

    `among`: a query of the lines' unit ids (every commune below a unit), sent instead of the
    ids themselves: hundreds of parameters cost more to convert and send than the query."""
    by_id = {line.unit_id: line for line in lines}
    if not by_id:
        return
    ids = among if among is not None else list(by_id)
    in_units = Plan.unit_id.in_(ids)
    if among is not None:
        statement, parameters = _tallies(in_units, as_of), {}
    else:
        statement, parameters = _tallies_of_ids(as_of), {"ids": ids}
    others = 0
    for row in session.execute(statement, parameters):
        line = by_id[row.unit_id]
        line.pending += int(row.pending or 0)
        if not row.plain:
            others += int(row.rows)
            line.tallies.setdefault(PlanKind(row.kind), Tally())
            continue
        kind = PlanKind(row.kind)
        found = line.tallies.get(kind)
        line.tallies[kind] = tally_from(row) if found is None else found + tally_from(row)

    # The tasks the SQL sums leave out, through the rule itself (when there are any).
    if others:
        for (unit_id, kind), found in _rule_tallies(session, in_units, as_of).items():
            line = by_id[unit_id]
            line.tallies[kind] = line.tallies.get(kind, Tally()) + found

    for unit_id, held_on in session.execute(
        select(Meeting.unit_id, func.max(Meeting.held_on))
        .where(Meeting.unit_id.in_(ids), Meeting.held_on <= as_of)
        .group_by(Meeting.unit_id)
    ):
        by_id[unit_id].last_meeting = held_on

    for unit_id, label, state, reopened_at in _periods_of_year(session, ids, as_of):
        if state is PeriodState.SUBMITTED:
            status = PeriodStatus.FROZEN
        else:
            status = PeriodStatus.REOPENED if reopened_at is not None else PeriodStatus.TYPING
        by_id[unit_id].periods[label] = status


def _rule_tallies(
    session: Session, in_units: ColumnElement[bool], as_of: date
) -> dict[tuple[int, PlanKind], Tally]:
    """The tallies, by commune and plan kind, of the tasks the SQL sums leave out (a moved
    deadline, a reopened completion, a recurrence), counted by the rule itself."""
    rows = status_rows(session, in_units, not_(plain(_COLUMNS)))
    if not rows:
        return {}
    plans = {
        plan_id: (unit_id, PlanKind(kind))
        for plan_id, unit_id, kind in session.execute(
            select(Plan.id, Plan.unit_id, Plan.kind).where(
                in_units, Plan.id.in_({r.plan_id for r in rows})
            )
        )
    }
    grouped: dict[tuple[int, PlanKind], list] = defaultdict(list)
    for r in rows:
        grouped[plans[r.plan_id]].append(r)
    return {key: tally(group, as_of) for key, group in grouped.items()}


def _periods_of_year(session: Session, unit_ids: list[int] | Select, as_of: date):
    year = as_of.year
    return session.execute(
        select(
            ReportingPeriod.unit_id,
            ReportingPeriod.label,
            ReportingPeriod.state,
            ReportingPeriod.reopened_at,
        ).where(
            ReportingPeriod.unit_id.in_(unit_ids),
            ReportingPeriod.end.between(date(year, 1, 1), date(year, 12, 31)),
        )
    ).all()


def period_columns(session: Session, unit: Unit, as_of: date) -> list[PeriodColumn]:
    """The periods of the year any commune below has, by label, in the order they end (the
    communes as a subquery: the nation's 3,321 ids as parameters cost more to send)."""
    ids = _commune_ids(unit)
    year = as_of.year
    rows = session.execute(
        select(ReportingPeriod.label, ReportingPeriod.kind, func.min(ReportingPeriod.end))
        .where(
            ReportingPeriod.unit_id.in_(ids),
            ReportingPeriod.end.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .group_by(ReportingPeriod.label, ReportingPeriod.kind)
    ).all()
    columns = [PeriodColumn(label, PeriodKind(kind), end) for label, kind, end in rows]
    return sorted(columns, key=lambda c: (c.end, c.label))


# ----------------------------------------------------------------------------- the page


def _sort_value(line: CommuneLine, sort: str):
    """The key a line sorts by; a rate over nothing, or no meeting, always last."""
    if sort == "overdue":
        return line.overdue
    if sort == "pending":
        return line.pending
    if sort == "meeting":
        return line.last_meeting
    parsed = parse_rate_key(sort)
    if parsed is not None:
        return line.rate(*parsed)
    return None


# A name's folded form never changes: the national page folds its 3,321 names at each request,
# which cost as much as the rest of the page.
_folded = lru_cache(maxsize=16384)(fold)


def _name_key(line: CommuneLine) -> tuple:
    return (_folded(line.short_name or line.name), line.code)


def _order(lines: list[CommuneLine], sort: str, descending: bool) -> list[CommuneLine]:
    """`lines`, given in the order of their names (as a `CommuneSet` keeps them), in the order
    asked: ties by name, ascending whichever way the figure goes; a figure over nothing last.
    (Python's sort is stable, also reversed: the names' order needs no second sort.)"""
    if sort == "name":
        return lines[::-1] if descending else list(lines)
    if sort == "parent":
        return sorted(
            lines[::-1] if descending else lines,
            key=lambda x: _folded(x.parent_name),
            reverse=descending,
        )
    known: list[tuple] = []
    unknown: list[CommuneLine] = []
    for line in lines:
        value = _sort_value(line, sort)
        if value is None:
            unknown.append(line)
        else:
            known.append((value, line))
    known.sort(key=itemgetter(0), reverse=descending)
    return [line for _value, line in known] + unknown


@dataclass(frozen=True, slots=True)
class CommuneSet:
    """Every commune below a unit with all its figures as of a date, in the order of their
    names: what the page filters, sorts and pages in Python, kept (`commune_set`) under `key`.
    Its lines are never changed once computed (they are shared by every request)."""

    key: tuple
    lines: tuple[CommuneLine, ...]
    periods: tuple[PeriodColumn, ...]
    several_parents: bool
    versions: tuple[tuple[int, int | None], ...]  # each commune's (id, data version)


_SETS: Kept[tuple, CommuneSet] = Kept("province.communes", 32)
# Each commune's line on a date (the nation's 3,321 on two dates, with room for the others).
_LINES: Kept[tuple, CommuneLine] = Kept("province.commune_lines", 8000)


@cache
def _set_versions() -> VersionsWhere:
    """The versions of the unit `_UNIT_ID` and of every unit below it, at any depth."""
    tree = select(Unit.id).where(Unit.id == _UNIT_ID).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return versions_where_statement(select(tree.c.id))


def set_key(session: Session, unit: Unit, as_of: date) -> tuple:
    """What the communes' lines below `unit` on `as_of` are computed from: the versions of the
    unit (the name above its own communes) and of every unit below it (their names, kinds,
    closing, tasks, meetings, periods; a commune created, moved or merged changes them too),
    read before the data."""
    return (unit.id, as_of, versions_where(session, _set_versions(), {"unit_id": unit.id}))


def commune_set(session: Session, unit: Unit, as_of: date) -> CommuneSet:
    """The communes below `unit` with their figures on `as_of`: kept while no unit of the
    tree changes. Otherwise put together again from each commune's line, itself kept under
    its own version and that of the unit above it (whose name it shows): after a change in
    one commune (the nation's set: in any of its 3,321), that commune's figures only are
    counted again, in the same fixed number of queries."""
    key = set_key(session, unit, as_of)

    def compute() -> CommuneSet:
        lines: list[CommuneLine] = []
        missing: list[tuple[tuple, CommuneLine]] = []
        versions: list[tuple[int, int | None]] = []
        for row in session.execute(_communes_select(), {"unit_id": unit.id}):
            versions.append((row[0], row[7]))
            line_key = (row[0], as_of, row[7], row[6], row[8])
            line = _LINES.find(line_key)
            if line is None:
                line = _line(row)
                line.key = line_key
                missing.append((line_key, line))
            lines.append(line)
        if missing:
            fresh = [line for _key, line in missing]
            every = len(fresh) == len(lines)  # then the ids as a subquery, not as parameters
            fill_figures(session, fresh, as_of, _commune_ids(unit) if every else None)
            for line_key, line in missing:
                _LINES.put(line_key, line)
        lines.sort(key=_name_key)
        return CommuneSet(
            key=key,
            lines=tuple(lines),
            periods=tuple(period_columns(session, unit, as_of)),
            several_parents=len({line.parent_name for line in lines}) > 1,
            versions=tuple(versions),
        )

    return _SETS.get(key, compute)


def build_overview(
    session: Session, unit: Unit, query: OverviewQuery, *, paged: bool = True
) -> Overview:
    """The page asked for, filtered, sorted and paged in Python from the kept `commune_set`.

    What the page counts over is what it always counted: on a page ordered by name or by
    overdue tasks (the national page, paged), the plan kinds and the bands of the page's
    communes; otherwise those of every commune matching the name."""
    kept = commune_set(session, unit, query.as_of)
    every = kept.lines
    communes = len(every)
    lines = list(every)
    if query.q:
        needle = fold(query.q)
        lines = [line for line in lines if needle in _folded(line.name)]
    page_size = NATIONAL_PAGE_SIZE if unit.kind is UnitKind.NATIONAL else PAGE_SIZE
    if not paged:
        page_size = max(1, communes)
    by_name = query.sort in ("name", "parent") and not query.band
    by_overdue = query.sort == "overdue" and not query.band and len(lines) > page_size
    if by_name or by_overdue:
        lines = _order(lines, query.sort, query.descending)
        total = len(lines)
        pages = max(1, math.ceil(total / page_size))
        page = min(max(query.page, 1), pages)
        shown = lines[(page - 1) * page_size : page * page_size]
    else:
        shown = lines
    kinds = sorted(
        {kind for line in shown for kind in line.tallies}, key=list(PlanKind).index
    )
    band_of = query.band_of if parse_rate_key(query.band_of) else ""
    if not band_of:
        band_of = rate_key(kinds[0] if kinds else PlanKind.ANNUAL_REFORM, "due")
    band_kind, band_rate = parse_rate_key(band_of)  # type: ignore[misc]
    bands = dict.fromkeys(BANDS, 0)
    for line in shown:
        bands[rate_band(line.rate(band_kind, band_rate))] += 1
    if not (by_name or by_overdue):
        if query.band:
            shown = [
                line for line in shown if rate_band(line.rate(band_kind, band_rate)) == query.band
            ]
        shown = _order(shown, query.sort, query.descending)
        total = len(shown)
        pages = max(1, math.ceil(total / page_size))
        page = min(max(query.page, 1), pages)
        shown = shown[(page - 1) * page_size : page * page_size]
    return Overview(
        unit=unit,
        query=query,
        kinds=kinds,
        periods=list(kept.periods),
        lines=shown,
        total=total,
        communes=communes,
        page=page,
        pages=pages,
        band_of=band_of,
        several_parents=kept.several_parents,
        bands=bands,
        commune_versions=kept.versions,
        key=kept.key,
    )


# ----------------------------------------------------------------------------- the chart


@dataclass(frozen=True, slots=True)
class ChartCounts:
    """Tasks of one plan kind in their plan on a date, counted on the days its year's chart
    reads (`chart_days_of`): all, those with a deadline, those due by each day, those done by
    each day (read up to the date only). A chart draws counts, never rates: the counts of
    several communes add up to their chart (`_summed`)."""

    total: int
    with_deadline: int
    planned: tuple[int, ...]
    done: tuple[int, ...]


def _summed(group: list[ChartCounts]) -> ChartCounts:
    """The counts of several communes together (a chart's counts add up; its rates would not)."""
    return ChartCounts(
        sum(counts.total for counts in group),
        sum(counts.with_deadline for counts in group),
        tuple(map(sum, zip(*(counts.planned for counts in group), strict=True))),
        tuple(map(sum, zip(*(counts.done for counts in group), strict=True))),
    )


def chart_days_of(as_of: date) -> list[date]:
    """The days the chart of the year of `as_of` reads, each once (`as_of` may end a month)."""
    return list(dict.fromkeys(chart_days(as_of.year, as_of.year, as_of)))


def _cumulative(counts: dict[date, int], days: list[date]) -> tuple[int, ...]:
    """How many of `counts` fall on or before each of `days` (in the order given)."""
    ordered = sorted(counts)
    running, upto, index = 0, {}, 0
    for day in sorted(days):
        while index < len(ordered) and ordered[index] <= day:
            running += counts[ordered[index]]
            index += 1
        upto[day] = running
    return tuple(upto[day] for day in days)


def _chart_selects(in_units: ColumnElement[bool], as_of: date) -> tuple:
    """`count_for_chart`'s two statements by plan kind: the plain tasks in their plan on
    `as_of`, counted by deadline, then (done by then) by completion date."""
    plain_label = case((plain(_COLUMNS), 1), else_=0).label("plain")
    live = and_(
        Plan.archived_at.is_(None),
        Task.archived_at.is_(None),
        in_units,
        or_(Task.entered_on.is_(None), Task.entered_on <= literal(as_of)),
        or_(Task.withdrawn_on.is_(None), Task.withdrawn_on > literal(as_of)),
    )
    by_deadline = (
        select(Plan.kind, plain_label, Task.deadline, func.count())
        .join(Plan, Plan.id == Task.plan_id)
        .where(live)
        .group_by(Plan.kind, plain_label, Task.deadline)
    )
    # Completions after the figures' date are never read (the done line stops there).
    # The rule's test grouped on, not filtered on: as a filter PostgreSQL's plan for it was ten
    # times slower on the nation (3.5 s against 0.35 s).
    by_completion = (
        select(Plan.kind, plain_label, Task.completed_on, func.count())
        .join(Plan, Plan.id == Task.plan_id)
        .where(live, Task.completed_on <= literal(as_of))
        .group_by(Plan.kind, plain_label, Task.completed_on)
    )
    return by_deadline, by_completion


@lru_cache(maxsize=16)
def _commune_sums(as_of: date) -> Select:
    """Per commune of `_IDS`, plan kind and the rule's plain test: the tasks in their plan on
    `as_of`, those with a deadline, and those due and done by each day the chart reads, summed
    in the database (a few rows a commune, where rows per date would be one a task). Built
    once a date."""
    days = chart_days_of(as_of)
    plain_label = case((plain(_COLUMNS), 1), else_=0).label("plain")
    live = and_(
        Plan.archived_at.is_(None),
        Task.archived_at.is_(None),
        Plan.unit_id.in_(_IDS),
        or_(Task.entered_on.is_(None), Task.entered_on <= literal(as_of)),
        or_(Task.withdrawn_on.is_(None), Task.withdrawn_on > literal(as_of)),
    )
    return (
        select(
            Plan.unit_id, Plan.kind, plain_label, func.count(), func.count(Task.deadline),
            *[func.sum(case((Task.deadline <= literal(day), 1), else_=0)) for day in days],
            *[
                func.sum(case((Task.completed_on <= literal(min(day, as_of)), 1), else_=0))
                for day in days
            ],
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(live)
        .group_by(Plan.unit_id, Plan.kind, plain_label)
    )


def count_for_chart(
    session: Session, units: list[int] | Select, as_of: date, *, by_unit: bool
) -> dict:
    """The `ChartCounts` of the plans of `units` on `as_of`: with `by_unit`, of communes given
    by their ids, by (unit id, plan kind), summed up to each day in the database
    (`_commune_sums`: one statement, built once a date); otherwise (the nation, a query of its
    communes) by plan kind, counted by deadline, then by completion date (rows per date,
    whatever the number of tasks). The few tasks the SQL form of the rule leaves out
    (recurring, moved, reopened) are read as status rows."""
    days = chart_days_of(as_of)
    in_units = Plan.unit_id.in_(units)
    deadlines: dict = defaultdict(lambda: defaultdict(int))
    completions: dict = defaultdict(lambda: defaultdict(int))
    totals: dict = defaultdict(lambda: [0, 0])  # tasks, with a deadline
    kinds = {kind.value: kind for kind in PlanKind}  # PlanKind(value) costs more, row by row
    summed: dict[tuple, ChartCounts] = {}  # the plain tasks, when summed in the database
    others = 0
    if by_unit:
        n = len(days)
        for row in session.execute(_commune_sums(as_of), {"ids": list(units)}):
            unit_id, kind, plain_row, total, with_deadline = row[:5]
            if not plain_row:
                others += total
                continue
            summed[(unit_id, kinds[kind])] = ChartCounts(
                total, with_deadline, tuple(row[5 : 5 + n]), tuple(row[5 + n :])
            )
    else:
        by_deadline, by_completion = _chart_selects(in_units, as_of)
        for kind, plain_row, deadline, count in session.execute(by_deadline):
            if not plain_row:
                others += count
                continue
            key = kinds[kind]
            totals[key][0] += count
            if deadline is not None:
                totals[key][1] += count
                deadlines[key][deadline] += count
        for kind, plain_row, completed_on, count in session.execute(by_completion):
            if plain_row:
                completions[kinds[kind]][completed_on] += count
    if others:
        rows = [
            r for r in status_rows(session, in_units, not_(plain(_COLUMNS)))
            if in_plan_on(r, as_of)
        ]
        plans = {
            plan_id: (unit_id, kinds[kind]) if by_unit else kinds[kind]
            for plan_id, unit_id, kind in session.execute(
                select(Plan.id, Plan.unit_id, Plan.kind).where(
                    Plan.id.in_({r.plan_id for r in rows})
                )
            )
        } if rows else {}
        for r in rows:
            key = plans[r.plan_id]
            deadline, finished = final_deadline(r), done_on(r)
            totals[key][0] += 1
            if deadline is not None:
                totals[key][1] += 1
                deadlines[key][deadline] += 1
            if finished is not None and finished <= as_of:
                completions[key][finished] += 1
    counted = {
        key: ChartCounts(
            total, with_deadline,
            _cumulative(deadlines[key], days), _cumulative(completions[key], days),
        )
        for key, (total, with_deadline) in totals.items()
    }
    for key, counts in summed.items():
        counted[key] = _summed([counts, counted[key]]) if key in counted else counts
    return {key: counts for key, counts in counted.items() if counts.total}


def chart_series(counts: ChartCounts, as_of: date) -> ProgressSeries:
    """The year's series of `counts` (dashboard.queries.series_from_counts, drawn like a
    ward's plan)."""
    days = chart_days_of(as_of)
    planned = dict(zip(days, counts.planned, strict=True))
    done = dict(zip(days, counts.done, strict=True))
    return series_from_counts(
        as_of.year,
        as_of.year,
        as_of,
        total=counts.total,
        planned_total=counts.with_deadline,
        planned_upto=planned.__getitem__,
        done_upto=done.__getitem__,
    )


# Each commune's counts on a date, under its data version (as many as `_LINES`).
_CHART_COUNTS: Kept[tuple, dict[PlanKind, ChartCounts]] = Kept("province.chart_counts", 8000)


def progress_by_kind(
    session: Session, communes: Iterable[tuple[int, int | None]], as_of: date
) -> dict[PlanKind, ProgressSeries]:
    """Per plan kind, every commune's tasks together: cumulative done against cumulative
    deadlines month by month over the year of `as_of`. `communes`: (unit id, data version)
    pairs, the versions read before the data (a `CommuneSet`'s). Each commune's counts are
    kept under its version and summed: after a change in one commune, only its tasks are
    counted again (in the same fixed number of queries)."""
    missing: dict[int, tuple] = {}
    found: list[dict[PlanKind, ChartCounts]] = []
    for unit_id, version in communes:
        key = (unit_id, as_of, version)
        kept = _CHART_COUNTS.find(key)
        if kept is None:
            missing[unit_id] = key
        else:
            found.append(kept)
    if missing:
        counted: dict[int, dict[PlanKind, ChartCounts]] = defaultdict(dict)
        for (unit_id, kind), counts in count_for_chart(
            session, list(missing), as_of, by_unit=True
        ).items():
            counted[unit_id][kind] = counts
        for unit_id, key in missing.items():
            _CHART_COUNTS.put(key, counted[unit_id])
            found.append(counted[unit_id])
    by_kind: dict[PlanKind, list[ChartCounts]] = defaultdict(list)
    for own in found:
        for kind, counts in own.items():
            by_kind[kind].append(counts)
    return {
        kind: chart_series(_summed(by_kind[kind]), as_of)
        for kind in sorted(by_kind, key=list(PlanKind).index)
    }
