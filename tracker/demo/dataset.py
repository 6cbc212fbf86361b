"""The demo's data files (tracker/demo/data/*.toml), read with the standard `tomllib` and checked.

The files hold data only; this module turns them into frozen specs and refuses anything a
loader would trip over later (an unknown officer key, a done task without evidence, a typo'd
field name), so a broken edit of the data fails at once with the file and the reason.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from tracker.core.permissions import CONFIRMERS
from tracker.core.workdays import WorkCalendar
from tracker.documents.rules import DOCUMENT_NUMBER
from tracker.people.models import Role, UnitKind
from tracker.plans.models import APPENDIX_ROWS, PlanKind
from tracker.tasks.models import TaskState

DATA_DIR = Path(__file__).resolve().parent / "data"
WARD_FILE = "ward.toml"
# In the order of the appendix rows they feed.
PLAN_FILES = (
    "plan_1_2_cchc_2024.toml",
    "plan_1_3_papi.toml",
    "plan_1_4_kl91.toml",
    "plan_1_6_cap_tren_giao.toml",
)


class DatasetError(ValueError):
    """The demo data files are inconsistent; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class UnitSpec:
    code: str
    name: str
    kind: UnitKind
    parent: str | None


@dataclass(frozen=True, slots=True)
class OfficerSpec:
    key: str
    unit: str
    full_name: str
    position: str
    email: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True)
class EvidenceSpec:
    number: str
    date: date
    summary: str


@dataclass(frozen=True, slots=True)
class TaskSpec:
    title: str
    deliverable: str
    lead: str
    supporters: tuple[str, ...]
    confirmer: str
    deadline: date | None
    recurrence_note: str
    state: TaskState
    progress: int
    notes: str
    completed_on: date | None
    evidence: tuple[EvidenceSpec, ...]


@dataclass(frozen=True, slots=True)
class GroupSpec:
    name: str
    description: str
    overseer: str | None
    tasks: tuple[TaskSpec, ...]


@dataclass(frozen=True, slots=True)
class PlanSpec:
    source: str
    kind: PlanKind
    title: str
    document_number: str
    document_date: date | None
    start_year: int
    end_year: int
    appendix_row: str | None
    confirmer: str
    groups: tuple[GroupSpec, ...]
    # Tasks outside any group (a plan without fields, such as the city's assignments).
    ungrouped: tuple[TaskSpec, ...]

    @property
    def entered_on(self) -> date:
        """When its tasks were entered: the plan's date (the figures as of a day count only the
        tasks entered by then), or the first day of its first year."""
        return self.document_date or date(self.start_year, 1, 1)

    def tasks(self) -> Iterator[tuple[int | None, TaskSpec]]:
        """(group index or None, task), in plan order: grouped tasks first, by group."""
        for index, group in enumerate(self.groups):
            for task in group.tasks:
                yield index, task
        for task in self.ungrouped:
            yield None, task

    @property
    def task_count(self) -> int:
        return sum(len(g.tasks) for g in self.groups) + len(self.ungrouped)


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """A reporting period of the ward (Phụ lục 1): Q1 2024 ran from 14/12/2023 to 12/3/2024."""

    kind: str
    label: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class MeetingSpec:
    """A monthly review meeting of the ward already held: opened, every officer with a
    proposed grade graded as proposed, closed (its figures frozen)."""

    year: int
    month: int
    held_on: date
    starts_at: time
    place: str
    number: str
    chair: str  # officer keys
    secretary: str
    conclusions: str


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """An entry of the ward's register of issued documents (register.toml)."""

    number: str
    date: date
    kind: str
    subject: str
    signer: str  # an officer key


REGISTER_FILE = "register.toml"


@dataclass(frozen=True, slots=True)
class Dataset:
    year: int
    report_date: date
    password: str
    ward: str
    units: tuple[UnitSpec, ...]
    officers: tuple[OfficerSpec, ...]
    plans: tuple[PlanSpec, ...]
    periods: tuple[PeriodSpec, ...] = ()
    meetings: tuple[MeetingSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()

    def ward_unit(self) -> UnitSpec:
        return next(u for u in self.units if u.code == self.ward)

    def officers_of(self, unit_code: str) -> tuple[OfficerSpec, ...]:
        return tuple(o for o in self.officers if o.unit == unit_code)


class _Table:
    """A TOML table read field by field; leftovers are reported as unknown fields."""

    def __init__(self, raw: Any, where: str):
        if not isinstance(raw, dict):
            raise DatasetError(f"{where}: expected a table")
        self._raw = dict(raw)
        self.where = where

    def take(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self._raw:
            if default is ...:
                raise DatasetError(f"{self.where}: missing field {key!r}")
            return default
        value = self._raw.pop(key)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise DatasetError(f"{self.where}: field {key!r} has the wrong type")
        if isinstance(value, str):
            value = value.strip()
        return value

    def take_date(self, key: str, default: Any = ...) -> date | None:
        value = self.take(key, date, default)
        if value is not None and type(value) is not date:  # a datetime is a date subclass
            raise DatasetError(f"{self.where}: field {key!r} must be a date (YYYY-MM-DD)")
        return value

    def done(self) -> None:
        if self._raw:
            raise DatasetError(f"{self.where}: unknown field(s) {', '.join(sorted(self._raw))}")


def _enum(cls, value: str, where: str):
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise DatasetError(f"{where}: {value!r} is not one of {allowed}") from None


# The national calendar: a demo deadline falls on a working day, as the task form would make it.
_CALENDAR = WorkCalendar()


def _check_confirmer(officer: OfficerSpec, where: str) -> None:
    if not set(officer.roles) & CONFIRMERS:
        raise DatasetError(f"{where}: {officer.key!r} may not confirm completions")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise DatasetError(f"{path.name}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DatasetError(f"{path.name}: {exc}") from None


def _units(raw: list, where: str) -> tuple[UnitSpec, ...]:
    units: list[UnitSpec] = []
    codes: set[str] = set()
    for i, item in enumerate(raw, 1):
        t = _Table(item, f"{where} units[{i}]")
        spec = UnitSpec(
            code=t.take("code", str),
            name=t.take("name", str),
            kind=_enum(UnitKind, t.take("kind", str), t.where),
            parent=t.take("parent", str, None),
        )
        t.done()
        if spec.parent is not None and spec.parent not in codes:
            raise DatasetError(f"{t.where}: parent {spec.parent!r} must be listed before it")
        if spec.code in codes:
            raise DatasetError(f"{t.where}: duplicate unit code {spec.code!r}")
        codes.add(spec.code)
        units.append(spec)
    return tuple(units)


def _officers(raw: list, where: str, unit_codes: set[str]) -> tuple[OfficerSpec, ...]:
    officers: list[OfficerSpec] = []
    keys: set[str] = set()
    emails: set[str] = set()
    for i, item in enumerate(raw, 1):
        t = _Table(item, f"{where} officers[{i}]")
        roles = t.take("roles", list)
        spec = OfficerSpec(
            key=t.take("key", str),
            unit=t.take("unit", str),
            full_name=t.take("full_name", str),
            position=t.take("position", str, ""),
            email=t.take("email", str).lower(),
            roles=tuple(_enum(Role, r, t.where) for r in roles),
        )
        t.done()
        if not spec.roles:
            raise DatasetError(f"{t.where}: an officer needs at least one role")
        if spec.unit not in unit_codes:
            raise DatasetError(f"{t.where}: unknown unit {spec.unit!r}")
        if spec.key in keys or spec.email in emails:
            raise DatasetError(f"{t.where}: duplicate key or email ({spec.key}, {spec.email})")
        if not spec.email.endswith(".example"):
            raise DatasetError(f"{t.where}: demo emails must use a reserved .example domain")
        keys.add(spec.key)
        emails.add(spec.email)
        officers.append(spec)
    return tuple(officers)


def _task(raw: Any, where: str, officers: dict[str, OfficerSpec], confirmer: str) -> TaskSpec:
    t = _Table(raw, where)
    title = t.take("title", str)
    deliverable = t.take("deliverable", str, "")
    lead = t.take("lead", str)
    supporters = tuple(t.take("supporters", list, []))
    confirmer = t.take("confirmer", str, confirmer)
    deadline = t.take_date("deadline", None)
    recurrence_note = t.take("recurrence_note", str, "")
    state_name = t.take("state", str, None)
    progress = t.take("progress", int, None)
    notes = t.take("notes", str, "")
    completed_on = t.take_date("completed_on", None)
    evidence: list[EvidenceSpec] = []
    for j, item in enumerate(t.take("evidence", list, []), 1):
        e = _Table(item, f"{where} evidence[{j}]")
        evidence.append(
            EvidenceSpec(
                number=e.take("number", str),
                date=e.take_date("date"),
                summary=e.take("summary", str, ""),
            )
        )
        e.done()
    t.done()

    if not title:
        raise DatasetError(f"{where}: empty title")
    if not deliverable:
        raise DatasetError(f"{where}: a task needs its deliverable (sản phẩm)")
    for key in (lead, confirmer, *supporters):
        if key not in officers:
            raise DatasetError(f"{where}: unknown officer key {key!r}")
    _check_confirmer(officers[confirmer], where)
    if deadline is None:
        raise DatasetError(f"{where}: a task needs its deadline")
    if not _CALENDAR.is_working_day(deadline):
        raise DatasetError(f"{where}: the deadline {deadline:%d/%m/%Y} is not a working day")
    for e in evidence:
        if not DOCUMENT_NUMBER.match(e.number):
            raise DatasetError(f"{where}: {e.number!r} is not an official document number")
    if lead in supporters:
        raise DatasetError(f"{where}: the lead officer is also listed as a supporter")
    if len(recurrence_note) > 100:
        raise DatasetError(f"{where}: recurrence_note is longer than 100 characters")
    if completed_on is not None:
        if not evidence:
            raise DatasetError(f"{where}: a done task needs its evidence")
        if completed_on != max(e.date for e in evidence):
            raise DatasetError(f"{where}: completed_on must be the date of the latest evidence")
        if state_name not in (None, TaskState.DONE.value):
            raise DatasetError(f"{where}: a task with completed_on is done")
        state = TaskState.DONE
        progress = 100 if progress is None else progress
    else:
        if evidence:
            raise DatasetError(f"{where}: evidence given for a task that is not done")
        state = _enum(TaskState, state_name or TaskState.NOT_STARTED.value, where)
        if state is TaskState.DONE:
            raise DatasetError(f"{where}: a done task needs completed_on")
        progress = 0 if progress is None else progress
    if not 0 <= progress <= 100:
        raise DatasetError(f"{where}: progress must be between 0 and 100")
    return TaskSpec(
        title=title,
        deliverable=deliverable,
        lead=lead,
        supporters=supporters,
        confirmer=confirmer,
        deadline=deadline,
        recurrence_note=recurrence_note,
        state=state,
        progress=progress,
        notes=notes,
        completed_on=completed_on,
        evidence=tuple(evidence),
    )


def _plan(path: Path, officers: dict[str, OfficerSpec]) -> PlanSpec:
    name = path.name
    t = _Table(_read(path), name)
    kind = _enum(PlanKind, t.take("kind", str), name)
    title = t.take("title", str)
    document_number = t.take("document_number", str, "")
    document_date = t.take_date("document_date", None)
    start_year = t.take("start_year", int)
    end_year = t.take("end_year", int)
    appendix_row = t.take("appendix_row", str, None)
    confirmer = t.take("confirmer", str)
    if confirmer not in officers:
        raise DatasetError(f"{name}: unknown officer key {confirmer!r}")
    _check_confirmer(officers[confirmer], name)
    groups: list[GroupSpec] = []
    for i, item in enumerate(t.take("groups", list, []), 1):
        g = _Table(item, f"{name} groups[{i}]")
        group_name = g.take("name", str)
        description = g.take("description", str, "")
        overseer = g.take("overseer", str, None)
        if overseer is not None and (
            overseer not in officers or Role.VICE_CHAIRPERSON not in officers[overseer].roles
        ):
            raise DatasetError(f"{g.where}: the overseer must be a vice chairperson of the ward")
        tasks = tuple(
            _task(raw, f"{g.where} tasks[{j}]", officers, confirmer)
            for j, raw in enumerate(g.take("tasks", list, []), 1)
        )
        g.done()
        groups.append(
            GroupSpec(name=group_name, description=description, overseer=overseer, tasks=tasks)
        )
    ungrouped = tuple(
        _task(raw, f"{name} tasks[{j}]", officers, confirmer)
        for j, raw in enumerate(t.take("tasks", list, []), 1)
    )
    t.done()
    if end_year < start_year:
        raise DatasetError(f"{name}: end_year is before start_year")
    if appendix_row is not None and appendix_row not in APPENDIX_ROWS:
        raise DatasetError(f"{name}: appendix_row must be one of {', '.join(APPENDIX_ROWS)}")
    return PlanSpec(
        source=name,
        kind=kind,
        title=title,
        document_number=document_number,
        document_date=document_date,
        start_year=start_year,
        end_year=end_year,
        appendix_row=appendix_row,
        confirmer=confirmer,
        groups=tuple(groups),
        ungrouped=ungrouped,
    )


def read_dataset(directory: Path = DATA_DIR) -> Dataset:
    """Read and check the ward file and the plan files of a data directory."""
    t = _Table(_read(directory / WARD_FILE), WARD_FILE)
    year = t.take("year", int)
    report_date = t.take_date("report_date")
    password = t.take("password", str)
    ward = t.take("ward", str)
    units = _units(t.take("units", list), WARD_FILE)
    officers = _officers(t.take("officers", list), WARD_FILE, {u.code for u in units})
    periods = _periods(t.take("periods", list, []), WARD_FILE)
    meetings = _meetings(t.take("meetings", list, []), WARD_FILE, {o.key for o in officers})
    t.done()
    if len(password) < 8:
        raise DatasetError(f"{WARD_FILE}: the demo password needs at least 8 characters")
    if ward not in {u.code for u in units}:
        raise DatasetError(f"{WARD_FILE}: the ward {ward!r} is not among the units")
    ward_officers = {o.key: o for o in officers if o.unit == ward}
    plans = tuple(_plan(directory / name, ward_officers) for name in PLAN_FILES)
    keys = [(p.kind, p.document_number) for p in plans]
    if len(set(keys)) != len(keys):
        raise DatasetError("two demo plans share a kind and a document number")
    return Dataset(
        year=year,
        report_date=report_date,
        password=password,
        ward=ward,
        units=units,
        officers=officers,
        plans=plans,
        periods=periods,
        meetings=meetings,
        documents=_documents(directory / REGISTER_FILE, set(ward_officers)),
    )


def _documents(path: Path, officer_keys: set[str]) -> tuple[DocumentSpec, ...]:
    if not path.exists():
        return ()
    t = _Table(_read(path), path.name)
    found = []
    for i, item in enumerate(t.take("documents", list, []), 1):
        d = _Table(item, f"{path.name}: documents[{i}]")
        spec = DocumentSpec(
            number=d.take("number", str),
            date=d.take_date("date"),
            kind=d.take("kind", str),
            subject=d.take("subject", str),
            signer=d.take("signer", str),
        )
        d.done()
        if not DOCUMENT_NUMBER.match(spec.number):
            raise DatasetError(f"{path.name}: {spec.number!r} is not an official document number")
        if spec.signer not in officer_keys:
            raise DatasetError(f"{path.name}: documents[{i}]: no officer {spec.signer!r}")
        found.append(spec)
    t.done()
    return tuple(found)


_PERIOD_KINDS = ("quarter", "half", "year")


def _periods(raw: list, where: str) -> tuple[PeriodSpec, ...]:
    found = []
    for i, item in enumerate(raw, 1):
        t = _Table(item, f"{where}: periods[{i}]")
        spec = PeriodSpec(
            kind=t.take("kind", str),
            label=t.take("label", str),
            start=t.take_date("start"),
            end=t.take_date("end"),
        )
        t.done()
        if spec.kind not in _PERIOD_KINDS:
            raise DatasetError(f"{where}: periods[{i}]: kind must be one of {_PERIOD_KINDS}")
        if spec.end < spec.start:
            raise DatasetError(f"{where}: periods[{i}]: end before start")
        found.append(spec)
    return tuple(found)


def _meetings(raw: list, where: str, officer_keys: set[str]) -> tuple[MeetingSpec, ...]:
    found = []
    for i, item in enumerate(raw, 1):
        t = _Table(item, f"{where}: meetings[{i}]")
        starts_at = t.take("starts_at", time)
        spec = MeetingSpec(
            year=t.take("year", int),
            month=t.take("month", int),
            held_on=t.take_date("held_on"),
            starts_at=starts_at,
            place=t.take("place", str),
            number=t.take("number", str),
            chair=t.take("chair", str),
            secretary=t.take("secretary", str),
            conclusions=t.take("conclusions", str),
        )
        t.done()
        if (spec.held_on.year, spec.held_on.month) != (spec.year, spec.month):
            raise DatasetError(f"{where}: meetings[{i}]: held_on is not in its month")
        for key in (spec.chair, spec.secretary):
            if key not in officer_keys:
                raise DatasetError(f"{where}: meetings[{i}]: no officer {key!r}")
        found.append(spec)
    return tuple(found)


@functools.cache
def load_dataset() -> Dataset:
    """The packaged demo data, read once per process."""
    return read_dataset(DATA_DIR)
