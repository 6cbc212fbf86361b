"""The indicator tree of Phụ lục 1, read from a data file per year (tracker/appendix/data).

A new table ships as `phu_luc_1_<year>.toml` (a period uses the latest file not after its
year), or a province loads its own for a year from the same format (`IndicatorTreeFile`, see
`stored_tree`). Either is checked when read by one rule (`row_problems`): a broken file fails at
once, naming each bad line.
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
_TEXT_FIELDS = ("key", "code", "label", "unit", "kind", "bullet", "note", "type", "within",
                "cumulative", "period_part", "paid_count", "source", "plan_row", "count")
_LIST_FIELDS = ("choices", "parts", "numerator", "denominator")


@dataclass(frozen=True, slots=True)
class TreeProblem:
    """What is wrong with an indicator file, and where: the line of the row's [[rows]] (or of
    the TOML error), None for the file as a whole."""

    line: int | None
    message: str


def row_problems(rows: list[Indicator]) -> list[tuple[int, str]]:
    """Every inconsistency of a tree, as (row index, Vietnamese message): the one definition
    of a valid tree, for the files of data/ and the ones a province loads. Keys and printed
    codes unique, a part within a whole of its unit, a rate over counted parts of one unit."""
    from flask_babel import gettext as _

    found: list[tuple[int, str]] = []
    keys: dict[str, int] = {}
    codes: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.key in keys:
            found.append((index, _("Mã dòng “%(key)s” trùng với một dòng trước.", key=row.key)))
        keys.setdefault(row.key, index)
        if row.code:
            if row.code in codes:
                found.append((index, _("STT “%(code)s” trùng với một dòng trước.",
                                       code=row.code)))
            codes.setdefault(row.code, index)
    by_key = {row.key: row for row in rows}

    def figure(ref: str) -> Indicator | None:
        target = by_key.get(ref)
        return target if target is not None and target.has_value else None

    for index, row in enumerate(rows):
        def say(message: str) -> None:
            found.append((index, f"“{row.key}”: {message}"))  # noqa: B023

        if row.kind not in KINDS:
            say(_("loại dòng “%(kind)s” không có; dùng một trong: %(kinds)s.",
                  kind=row.kind, kinds=", ".join(KINDS)))
            continue
        if row.is_entered and row.type not in TYPES:
            say(_("dòng nhập tay cần type là một trong: %(types)s.", types=", ".join(TYPES)))
        if row.type == "choice" and not row.choices:
            say(_("dòng lựa chọn cần danh sách choices."))
        if row.kind == "computed":
            if row.source not in SOURCES:
                say(_("dòng tính tự động cần source là một trong: %(sources)s.",
                      sources=", ".join(SOURCES)))
            elif row.source == "tasks" and (not row.plan_row or row.count not in COUNTS):
                say(_("dòng tính từ nhiệm vụ cần plan_row và count (một trong: %(counts)s).",
                      counts=", ".join(COUNTS)))
        refs = (*row.parts, *row.numerator, *row.denominator, row.within, row.period_part,
                row.paid_count)
        missing = [ref for ref in refs if ref and figure(ref) is None]
        for ref in missing:
            say(_("“%(ref)s” không phải một dòng có số liệu trong tệp.", ref=ref))
        if row.kind == "sum" and not row.parts:
            say(_("dòng tổng cần các dòng thành phần (parts)."))
        if row.kind == "rate":
            if not (row.numerator and row.denominator):
                say(_("tỷ lệ cần tử số (numerator) và mẫu số (denominator)."))
            elif not missing:
                parts = [by_key[k] for k in (*row.numerator, *row.denominator)]
                if any(p.kind == "rate" or p.type == "choice" for p in parts):
                    say(_("tỷ lệ chỉ tính từ các số đếm, không từ một tỷ lệ hay một lựa chọn."))
                elif len({p.unit for p in parts}) > 1:
                    say(_("tử số và mẫu số của tỷ lệ phải cùng đơn vị tính (%(units)s).",
                          units=", ".join(sorted({p.unit for p in parts}))))
            if row.unit != "%":
                say(_("tỷ lệ có đơn vị tính “%%”, không phải “%(unit)s”.", unit=row.unit))
        if row.within and row.within not in missing:
            whole = by_key[row.within]
            if whole.kind == "rate" or whole.type == "choice" or row.type == "choice":
                say(_("“within” nối một số đếm với tổng của nó, không với tỷ lệ hay lựa chọn."))
            elif whole.unit != row.unit:
                say(_("phần (%(unit)s) và tổng “%(whole)s” (%(whole_unit)s) phải cùng đơn vị "
                      "tính.", unit=row.unit, whole=whole.key, whole_unit=whole.unit))
            elif whole.key == row.key:
                say(_("một dòng không thể là tổng của chính nó."))
    return found


def _row_lines(text: str) -> list[int]:
    """The line number of each [[rows]] header, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1)
            if re.match(r"\s*\[\[\s*rows\s*\]\]", line)]


def _indicator(item: dict) -> Indicator:
    values = dict(item)
    values.setdefault("code", "")
    values.setdefault("unit", "")
    for name in _LIST_FIELDS:
        if name in values:
            values[name] = tuple(values[name])
    return Indicator(**values)


def parse_tree(text: str) -> tuple[Tree | None, list[TreeProblem]]:
    """A tree from the text of an indicator file, or every problem found, by line (Vietnamese).
    Nothing is kept of a file with a problem."""
    from flask_babel import gettext as _

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"line (\d+)", str(error))
        return None, [TreeProblem(int(where.group(1)) if where else None,
                                  _("Tệp không đúng định dạng TOML: %(error)s",
                                    error=str(error)))]
    problems: list[TreeProblem] = []
    year = raw.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(TreeProblem(None, _("Thiếu năm áp dụng (year = 2025) hoặc năm không "
                                            "hợp lệ.")))
    items = raw.get("rows")
    if not isinstance(items, list) or not items:
        problems.append(TreeProblem(None, _("Tệp không có dòng chỉ tiêu nào ([[rows]]).")))
        return None, problems
    lines = _row_lines(text)
    rows: list[Indicator] = []
    line_of: list[int | None] = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else None
        name = item.get("key") if isinstance(item, dict) else None
        bad = []
        if not isinstance(item, dict) or not isinstance(name, str) or not name.strip():
            bad.append(_("dòng thiếu mã (key)."))
        else:
            unknown = sorted(set(item) - _FIELDS)
            if unknown:
                bad.append(_("trường không có: %(names)s.", names=", ".join(unknown)))
            for field_name in _TEXT_FIELDS:
                if field_name in item and not isinstance(item[field_name], str):
                    bad.append(_("%(name)s phải là chuỗi văn bản.", name=field_name))
            for field_name in _LIST_FIELDS:
                value = item.get(field_name, [])
                kind = int if field_name == "choices" else str
                if not isinstance(value, list) or not all(
                        isinstance(v, kind) and not isinstance(v, bool) for v in value):
                    bad.append(_("%(name)s phải là một danh sách.", name=field_name))
            if "label" not in item or "kind" not in item:
                bad.append(_("dòng cần label và kind."))
        if bad:
            prefix = f"“{name}”: " if isinstance(name, str) and name.strip() else ""
            problems.extend(TreeProblem(line, prefix + message) for message in bad)
            continue
        rows.append(_indicator(item))
        line_of.append(line)
    problems.extend(TreeProblem(line_of[index], message)
                    for index, message in row_problems(rows))
    if problems:
        return None, sorted(problems, key=lambda p: (p.line or 0))
    return Tree(year=year, title=str(raw.get("title", "")), rows=tuple(rows)), []


def read_tree(path: Path) -> Tree:
    tree, problems = parse_tree(path.read_text(encoding="utf-8"))
    if problems:
        first = problems[0]
        raise TreeError(f"{path.name}: line {first.line}: {first.message}")
    return tree


def available_years(directory: Path = DATA_DIR) -> list[int]:
    return sorted(int(m.group(1)) for p in directory.iterdir() if (m := FILE_NAME.match(p.name)))


@functools.cache
def tree_for_year(year: int) -> Tree:
    """The table in force in `year`: the latest file not after it (the earliest otherwise)."""
    years = available_years()
    chosen = max((y for y in years if y <= year), default=years[0])
    return read_tree(DATA_DIR / f"phu_luc_1_{chosen}.toml")


@functools.lru_cache(maxsize=128)
def _stored(tree_id: int, content: str) -> Tree:
    tree, problems = parse_tree(content)
    if tree is None:  # checked when loaded: only a file edited in the database comes here
        raise TreeError(f"indicator tree {tree_id}: {problems[0].message}")
    return tree


def stored_tree(tree_file) -> Tree:
    """The tree of a loaded file (an `IndicatorTreeFile`), parsed once per process."""
    return _stored(tree_file.id, tree_file.content)
