"""A generated province of communes shaped like the demo ward, for benchmarks; with
`nation=True`, the nation: its communes spread over 34 provinces under one national unit.

Each generated ward gets the demo's 20 ward officers (names drawn at random) and its 4 plans
with the same groups and the same 22 + 23 + 30 + 1 = 76 tasks, titles carrying the ward's name;
deadlines and completions are randomised so every status class occurs, but reproducibly: a ward's
data depends only on the seed and its code, never on how many wards were generated before it.

Speed over ceremony (the nation is 250,000 tasks): batches of wards are drafted in Python as
plain tuples, their ids reserved up front from the tables' sequences so children name their
parents without reading anything back, and loaded with COPY on PostgreSQL (tracker.demo.bulk;
executemany elsewhere), all in the caller's one transaction. Every officer shares one
precomputed argon2 hash of the demo password. Bulk loads bypass the ORM unit of work, so the
audit listener (tracker.core.audit) records nothing for generated wards: acceptable for
benchmark data, which nobody edited; the national unit, the provinces and their inspectors are
created through the ordinary operations, audited. Generation is idempotent per ward code: wards
that exist are skipped.
"""

from __future__ import annotations

import functools
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.text import fold
from tracker.core.versions import renew
from tracker.core.workdays import WorkCalendar
from tracker.demo.bulk import BulkLoader
from tracker.demo.dataset import Dataset, TaskSpec, load_dataset
from tracker.people.models import Officer, OfficerRole, Role, Unit, UnitKind
from tracker.people.operations import create_officer, ensure_unit, get_officer_by_email
from tracker.people.passwords import hash_password
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Evidence, Task, TaskState, task_supporters

# Since 1 July 2025 a province oversees its communes directly (no city in between).
PROVINCE_CODE = "bench-province"
PROVINCE_NAME = "Tỉnh Thử nghiệm"
CITY_SHORT = "Thử nghiệm"
NATION_CODE = "bench-nation"
NATION_NAME = "Cả nước (thử nghiệm)"
PROVINCES = 34  # provinces and centrally run cities since 1 July 2025
DEMO_WARD_SHORT = "Vĩnh Hòa"
DEMO_CITY_SHORT = "Nha Trang"
MAX_UNITS = 5000
DEFAULT_SEED = 2024
BATCH_WARDS = 100  # about 7,600 tasks drafted and loaded at a time

_SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Mai", "Tô",
)  # fmt: skip
_MIDDLE = ("Văn", "Thị", "Minh", "Quốc", "Thanh", "Thu", "Ngọc", "Hữu", "Công", "Kim", "Tấn")
_GIVEN = (
    "An", "Bình", "Chi", "Dũng", "Duyên", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Khoa", "Lan",
    "Linh", "Lộc", "Mai", "Nam", "Ngân", "Nhung", "Phát", "Phương", "Sơn", "Tâm", "Thảo",
    "Thắng", "Thủy", "Trang", "Tuấn", "Vy", "Xuân", "Yến",
)  # fmt: skip


class GenerateError(ValueError):
    """A refused generation request, with a message for the user."""


@dataclass(slots=True)
class GenerateResult:
    unit_code: str  # the province, or the national unit
    wards_requested: int
    wards_created: int = 0
    wards_skipped: int = 0
    officers: int = 0
    plans: int = 0
    groups: int = 0
    tasks: int = 0
    supporters: int = 0
    evidence: int = 0
    done_tasks: int = 0
    inspectors: int = 0
    provinces: int = 0
    seconds: float = 0.0
    # Where the time went: "setup" (the national unit, the provinces), "check" (which wards
    # exist), "draft" (random content), "rows" (tuples), "ids", then one entry per table.
    seconds_by_phase: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def province_code(number: int) -> str:
    return f"bench-province-{number:02d}"


def province_of(index: int, units: int) -> int:
    """The province (1..34) of commune `index` of `units` in the nation: contiguous blocks."""
    return min(PROVINCES, (index - 1) * PROVINCES // units + 1)


def ward_code(index: int) -> str:
    return f"bench-ward-{index:03d}"


def ward_short_name(index: int) -> str:
    return f"{CITY_SHORT} {index:03d}"


def officer_email(key: str, code: str) -> str:
    return f"{key}@{code}.example"


def generate_city(
    session: Session,
    units: int,
    seed: int = DEFAULT_SEED,
    *,
    nation: bool = False,
    data: Dataset | None = None,
    batch_wards: int = BATCH_WARDS,
) -> GenerateResult:
    """Generate communes 1..`units` (missing ones only) below the bench province, or (`nation`)
    below 34 provinces under the national unit; flush, never commit."""
    if not 1 <= units <= MAX_UNITS:
        raise GenerateError(f"--units must be between 1 and {MAX_UNITS}")
    started = time.perf_counter()
    data = data or load_dataset()
    password_hash = hash_password(data.password)  # once, shared by every generated officer
    if nation:
        top = ensure_unit(session, NATION_CODE, NATION_NAME, UnitKind.NATIONAL)
        result = GenerateResult(unit_code=NATION_CODE, wards_requested=units)
        result.inspectors += _ensure_officer(
            session, top, "admin", "Quản trị hệ thống", Role.ADMIN, password_hash
        )
        provinces = {}
        for number in range(1, PROVINCES + 1):
            code = province_code(number)
            created = session.scalar(select(Unit.id).where(Unit.code == code)) is None
            province = ensure_unit(
                session, code, f"{PROVINCE_NAME} {number:02d}", UnitKind.PROVINCE, top
            )
            result.provinces += created
            result.inspectors += _ensure_inspector(session, province, password_hash)
            provinces[number] = province
        parent_of = {i: provinces[province_of(i, units)] for i in range(1, units + 1)}
    else:
        province = ensure_unit(session, PROVINCE_CODE, PROVINCE_NAME, UnitKind.PROVINCE)
        result = GenerateResult(unit_code=PROVINCE_CODE, wards_requested=units)
        result.inspectors = _ensure_inspector(session, province, password_hash)
        parent_of = dict.fromkeys(range(1, units + 1), province)
    session.flush()  # the provinces' rows exist before the wards naming them are copied in
    phases = result.seconds_by_phase
    phases["setup"] = time.perf_counter() - started

    loader = BulkLoader(session)
    indexes = list(range(1, units + 1))
    for start in range(0, len(indexes), batch_wards):
        batch = indexes[start : start + batch_wards]
        checked = time.perf_counter()
        codes = [ward_code(i) for i in batch]
        existing = set(session.scalars(select(Unit.code).where(Unit.code.in_(codes))))
        todo = [i for i in batch if ward_code(i) not in existing]
        phases["check"] += time.perf_counter() - checked
        result.wards_skipped += len(batch) - len(todo)
        if todo:
            _generate_batch(loader, parent_of, todo, seed, data, password_hash, result)
    for name, seconds in loader.seconds.items():
        phases[name] += seconds
    # COPY bypasses the flush that renews versions: a running server must not keep old pages.
    renew(session, session.scalars(select(Unit.id)))
    result.seconds = time.perf_counter() - started
    return result


def _ensure_inspector(session: Session, unit: Unit, password_hash: str) -> int:
    """The province's Sở Nội vụ inspector, so the all-communes views have a reader."""
    return _ensure_officer(
        session, unit, "noivu", "Chuyên viên Sở Nội vụ", Role.INSPECTOR, password_hash,
        position=f"Chuyên viên Sở Nội vụ {unit.name.lower()}",
    )


def _ensure_officer(
    session: Session, unit: Unit, key: str, name: str, role: Role, password_hash: str,
    position: str = "",
) -> int:
    email = officer_email(key, unit.code)
    if get_officer_by_email(session, email) is not None:
        return 0
    officer = create_officer(
        session, unit=unit, email=email, full_name=name, roles=[role], position=position or name
    )
    officer.password_hash = password_hash
    session.flush()
    return 1


@functools.lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    return fold(text)


def search_text(title: str, deliverable: str, notes: str) -> str:
    """What the Task mapper event computes (bulk loads skip mapper events), folded part by part
    so the parts that do not name the ward (most) are folded once for all wards: folding
    works letter by letter and collapses spaces, so the joined parts fold the same."""
    return " ".join(part for part in (_fold(title), _fold(deliverable), _fold(notes)) if part)


def _rename(text: str, short: str) -> str:
    return text.replace(DEMO_WARD_SHORT, short).replace(DEMO_CITY_SHORT, CITY_SHORT)


def _clamp(day: date, low: date, high: date) -> date:
    return max(low, min(high, day))


# ----------------------------------------------------------------------------- drafts
# Everything random about a ward, decided from the seed and the ward's code alone.


@dataclass(frozen=True, slots=True)
class TaskDraft:
    plan_index: int
    ordinal: int  # within the plan, from 1
    group_ordinal: int | None
    spec: TaskSpec
    title: str
    deliverable: str
    notes: str
    deadline: date
    state: TaskState
    progress: int
    completed_on: date | None
    evidence_number: str | None


@dataclass(frozen=True, slots=True)
class WardDraft:
    index: int
    code: str
    name: str
    officer_names: tuple[str, ...]  # in the order of the demo ward's officers
    tasks: tuple[TaskDraft, ...]


_CALENDAR = WorkCalendar()
# Deadlines fall on a few hundred days: ask the holiday calendar once per day.
_next_working_day = functools.lru_cache(maxsize=4096)(_CALENDAR.next_working_day)


def draft_ward(data: Dataset, index: int, seed: int) -> WardDraft:
    """The generated content of ward `index`: depends only on the data, the seed and the code."""
    code = ward_code(index)
    short = ward_short_name(index)
    rng = random.Random(f"{seed}:{code}")
    names = tuple(
        f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
        for _ in data.officers_of(data.ward)
    )
    tasks: list[TaskDraft] = []
    for plan_index, spec in enumerate(data.plans):
        low = spec.document_date or date(spec.start_year, 1, 1)
        high = date(spec.end_year, 12, 31)
        for ordinal, (group_index, t) in enumerate(spec.tasks(), 1):
            tasks.append(_draft_task(rng, t, plan_index, ordinal, group_index, short, low, high))
    return WardDraft(
        index=index, code=code, name=f"Phường {short}", officer_names=names, tasks=tuple(tasks)
    )


def _draft_task(
    rng: random.Random,
    t: TaskSpec,
    plan_index: int,
    ordinal: int,
    group_index: int | None,
    short: str,
    low: date,
    high: date,
) -> TaskDraft:
    """Deadline within three weeks of the demo's (a working day); about 45 % done, some late."""
    deadline = _clamp((t.deadline or high) + timedelta(days=rng.randint(-21, 21)), low, high)
    # A deadline on a day off moves to the next working day, as the task form does.
    deadline = _next_working_day(deadline)
    roll = rng.random()
    completed_on = evidence_number = None
    if roll < 0.45:
        state, progress = TaskState.DONE, 100
        completed_on = _clamp(deadline + timedelta(days=rng.randint(-40, 25)), low, high)
        suffix = t.evidence[-1].number.split("/", 1)[1] if t.evidence else "KH-UBND"
        evidence_number = f"{rng.randint(1, 999)}/{suffix}"
    elif roll < 0.75:
        state, progress = TaskState.IN_PROGRESS, rng.randint(10, 90)
    else:
        state, progress = TaskState.NOT_STARTED, 0
    return TaskDraft(
        plan_index=plan_index,
        ordinal=ordinal,
        group_ordinal=None if group_index is None else group_index + 1,
        spec=t,
        title=_rename(t.title, short),
        deliverable=_rename(t.deliverable, short),
        notes=_rename(t.notes, short),
        deadline=deadline,
        state=state,
        progress=progress,
        completed_on=completed_on,
        evidence_number=evidence_number,
    )


# ------------------------------------------------------------------------------ inserts


def _generate_batch(
    loader: BulkLoader,
    parent_of: dict[int, Unit],
    indexes: Sequence[int],
    seed: int,
    data: Dataset,
    password_hash: str,
    result: GenerateResult,
) -> None:
    """The wards `indexes`: drafted, ids reserved for every row, then loaded table by table
    (parents first), with no reading back."""
    started = time.perf_counter()
    ward_specs = data.officers_of(data.ward)
    drafts = [draft_ward(data, i, seed) for i in indexes]
    groups_per_ward = sum(len(spec.groups) for spec in data.plans)
    done = sum(d.completed_on is not None for w in drafts for d in w.tasks)
    result.seconds_by_phase["draft"] += time.perf_counter() - started

    unit_ids = iter(loader.reserve_ids(Unit.__table__, len(drafts)))
    officer_ids = iter(loader.reserve_ids(Officer.__table__, len(drafts) * len(ward_specs)))
    plan_ids = iter(loader.reserve_ids(Plan.__table__, len(drafts) * len(data.plans)))
    group_ids = iter(loader.reserve_ids(TaskGroup.__table__, len(drafts) * groups_per_ward))
    task_ids = iter(loader.reserve_ids(Task.__table__, sum(len(w.tasks) for w in drafts)))
    evidence_ids = iter(loader.reserve_ids(Evidence.__table__, done))

    started = time.perf_counter()
    units: list[tuple] = []
    officers: list[tuple] = []
    roles: list[tuple] = []
    plans: list[tuple] = []
    groups: list[tuple] = []
    tasks: list[tuple] = []
    supporters: list[tuple] = []
    evidence: list[tuple] = []
    for w in drafts:
        unit_id = next(unit_ids)
        short = ward_short_name(w.index)
        units.append((unit_id, w.code, w.name, short, UnitKind.WARD, parent_of[w.index].id))
        officer_of: dict[str, int] = {}
        for spec, name in zip(ward_specs, w.officer_names, strict=True):
            officer_id = officer_of[spec.key] = next(officer_ids)
            officers.append(
                (
                    officer_id, unit_id, name, spec.position, officer_email(spec.key, w.code),
                    password_hash, True, 1,
                )
            )  # fmt: skip
            roles.extend((officer_id, role) for role in spec.roles)
        plan_of: list[int] = []
        group_of: dict[tuple[int, int], int] = {}
        for plan_index, spec in enumerate(data.plans):
            plan_id = next(plan_ids)
            plan_of.append(plan_id)
            plans.append(
                (
                    plan_id, unit_id, spec.kind, _rename(spec.title, short),
                    spec.document_number, spec.document_date, spec.start_year, spec.end_year,
                    spec.appendix_row,
                )
            )  # fmt: skip
            for n, g in enumerate(spec.groups, 1):
                group_id = group_of[(plan_index, n)] = next(group_ids)
                overseer = officer_of[g.overseer] if g.overseer else None
                groups.append((group_id, plan_id, n, g.name, g.description, overseer))
        for d in w.tasks:
            task_id = next(task_ids)
            lead = officer_of[d.spec.lead]
            tasks.append(
                (
                    task_id,
                    plan_of[d.plan_index],
                    group_of[(d.plan_index, d.group_ordinal)] if d.group_ordinal else None,
                    d.ordinal,
                    d.title,
                    d.deliverable,
                    d.notes,
                    search_text(d.title, d.deliverable, d.notes),
                    lead,
                    officer_of[d.spec.confirmer],
                    d.spec.recurrence_note,
                    d.deadline,
                    d.state,
                    d.progress,
                    d.completed_on,
                    data.plans[d.plan_index].entered_on,
                )
            )
            supporters.extend((task_id, officer_of[key]) for key in d.spec.supporters)
            if d.completed_on is not None:
                evidence.append(
                    (
                        next(evidence_ids), task_id, d.evidence_number, d.completed_on,
                        f"Văn bản hoàn thành nhiệm vụ: {d.title[:200]}", lead,
                    )
                )  # fmt: skip
    result.seconds_by_phase["rows"] += time.perf_counter() - started

    loader.load(Unit.__table__, _UNIT_COLUMNS, units)
    result.officers += loader.load(Officer.__table__, _OFFICER_COLUMNS, officers)
    loader.load(OfficerRole.__table__, ("officer_id", "role"), roles)
    result.plans += loader.load(Plan.__table__, _PLAN_COLUMNS, plans)
    result.groups += loader.load(TaskGroup.__table__, _GROUP_COLUMNS, groups)
    result.tasks += loader.load(Task.__table__, _TASK_COLUMNS, tasks)
    result.supporters += loader.load(task_supporters, ("task_id", "officer_id"), supporters)
    result.evidence += loader.load(Evidence.__table__, _EVIDENCE_COLUMNS, evidence)
    result.done_tasks += len(evidence)
    result.wards_created += len(drafts)


_UNIT_COLUMNS = ("id", "code", "name", "short_name", "kind", "parent_id")
_OFFICER_COLUMNS = (
    "id", "unit_id", "full_name", "position", "email", "password_hash", "active",
    "session_version",
)  # fmt: skip
_PLAN_COLUMNS = (
    "id", "unit_id", "kind", "title", "document_number", "document_date", "start_year",
    "end_year", "appendix_row",
)  # fmt: skip
_GROUP_COLUMNS = ("id", "plan_id", "ordinal", "name", "description", "overseer_id")
_TASK_COLUMNS = (
    "id", "plan_id", "group_id", "ordinal", "title", "deliverable", "notes", "search_text",
    "lead_officer_id", "confirmer_id", "recurrence_note", "deadline", "state",
    "progress_percent", "completed_on", "entered_on",
)  # fmt: skip
_EVIDENCE_COLUMNS = (
    "id", "task_id", "document_number", "document_date", "summary", "added_by_id",
)  # fmt: skip
