"""The indicator tree of Phụ lục 1, read from a data file per year (tracker/appendix/data).

A province changes the table for a new year by adding `phu_luc_1_<year>.toml`: the period
uses the latest file not after its year. The file is checked when read: a rate's parts, a
part's whole, a computed row's source must exist, so a broken edit fails at once.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FILE_NAME = re.compile(r"^phu_luc_1_(\d{4})\.toml$")

KINDS = ("section", "heading", "entered", "computed", "sum", "rate")
TYPES = ("count", "money", "choice")
COUNTS = ("total", "done", "done_on_time", "done_late", "open_overdue")
SOURCES = ("tasks", "directing_documents")
MILLION = "Triệu đồng"


class TreeError(ValueError):
    """The indicator file is inconsistent; the message names the row."""


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    code: str
    label: str
    unit: str
    kind: str
    bullet: str = ""
    note: str = ""
    type: str = ""  # entered rows: count, money, choice
    choices: tuple[int, ...] = ()
    within: str = ""  # the whole this entered row never exceeds
    cumulative: str = ""  # "year" or "always"
    period_part: str = ""  # the in-period figure a cumulative row includes
    paid_count: str = ""  # an amount paid: the number of dossiers it was paid for
    source: str = ""
    plan_row: str = ""
    count: str = ""
    parts: tuple[str, ...] = ()  # a sum's parts
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()

    @property
    def is_entered(self) -> bool:
        return self.kind == "entered"

    @property
    def is_computed(self) -> bool:
        """Never typed: from the tasks, or from other rows."""
        return self.kind in ("computed", "sum", "rate")

    @property
    def has_value(self) -> bool:
        return self.kind not in ("section", "heading")

    @property
    def decimals(self) -> int:
        """Digits a typed figure may have after the decimal comma."""
        return 3 if self.type == "money" and self.unit == MILLION else 0

    @property
    def label_with_bullet(self) -> str:
        return f"{self.bullet} {self.label}" if self.bullet else self.label


@dataclass(frozen=True)
class Tree:
    year: int
    title: str
    rows: tuple[Indicator, ...]

    @functools.cached_property
    def by_key(self) -> dict[str, Indicator]:
        return {row.key: row for row in self.rows}

    def __getitem__(self, key: str) -> Indicator:
        return self.by_key[key]

    @functools.cached_property
    def _printed_codes(self) -> dict[str, str]:
        """Each row's printed STT, or, for a row printed without one (a "-" or "+" line),
        the STT of the row it is printed under."""
        codes, last = {}, ""
        for row in self.rows:
            last = row.code.rstrip(".") or last
            codes[row.key] = last
        return codes

    def name_of(self, key: str) -> str:
        """A row as a reader finds it in the printed table: "4.1 Tổng số biên chế…", or
        "Tổng số biên chế năm 2015 (…) (mục 4.1)" for a row without its own STT; never the
        internal key ("4.1.e1")."""
        row = self.by_key[key]
        if row.code:
            return f"{row.code.rstrip('.')} {row.label}"
        code = self._printed_codes[key]
        return f"{row.label} (mục {code})" if code else row.label

    @property
    def entered(self) -> list[Indicator]:
        return [row for row in self.rows if row.is_entered]

    @property
    def plan_rows(self) -> set[str]:
        return {row.plan_row for row in self.rows if row.source == "tasks"}



_FIELDS = frozenset(Indicator.__dataclass_fields__)


def _check(tree: Tree, where: str) -> None:
    keys = tree.by_key
    if len(keys) != len(tree.rows):
        raise TreeError(f"{where}: two rows share a key")
    for row in tree.rows:
        name = f"{where}: row {row.key}"
        if row.kind not in KINDS:
            raise TreeError(f"{name}: unknown kind {row.kind!r}")
        if row.is_entered and row.type not in TYPES:
            raise TreeError(f"{name}: type must be one of {', '.join(TYPES)}")
        if row.type == "choice" and not row.choices:
            raise TreeError(f"{name}: a choice needs its choices")
        if row.kind == "computed":
            if row.source not in SOURCES:
                raise TreeError(f"{name}: source must be one of {', '.join(SOURCES)}")
            if row.source == "tasks" and (not row.plan_row or row.count not in COUNTS):
                raise TreeError(f"{name}: a tasks row needs plan_row and count")
        if row.kind == "rate" and not (row.numerator and row.denominator):
            raise TreeError(f"{name}: a rate needs numerator and denominator")
        if row.kind == "sum" and not row.parts:
            raise TreeError(f"{name}: a sum needs its parts")
        for ref in (*row.parts, *row.numerator, *row.denominator, row.within, row.period_part,
                    row.paid_count):
            if ref and (ref not in keys or not keys[ref].has_value):
                raise TreeError(f"{name}: {ref!r} is not a row with a figure")


def read_tree(path: Path) -> Tree:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    rows = []
    for item in raw.get("rows", []):
        unknown = set(item) - _FIELDS
        if unknown:
            raise TreeError(f"{path.name}: row {item.get('key')}: unknown {sorted(unknown)}")
        values = dict(item)
        values.setdefault("code", "")
        values.setdefault("unit", "")
        for name in ("choices", "parts", "numerator", "denominator"):
            if name in values:
                values[name] = tuple(values[name])
        try:
            rows.append(Indicator(**values))
        except TypeError as error:
            raise TreeError(f"{path.name}: row {item.get('key')}: {error}") from None
    tree = Tree(year=int(raw["year"]), title=str(raw.get("title", "")), rows=tuple(rows))
    _check(tree, path.name)
    return tree


def available_years(directory: Path = DATA_DIR) -> list[int]:
    return sorted(int(m.group(1)) for p in directory.iterdir() if (m := FILE_NAME.match(p.name)))


@functools.cache
def tree_for_year(year: int) -> Tree:
    """The table in force in `year`: the latest file not after it (the earliest otherwise)."""
    years = available_years()
    chosen = max((y for y in years if y <= year), default=years[0])
    return read_tree(DATA_DIR / f"phu_luc_1_{chosen}.toml")
