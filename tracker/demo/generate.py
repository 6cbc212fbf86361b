"""A generated province of communes shaped like the demo ward, for benchmarks; with
`nation=True`, the nation: its communes spread over 34 provinces under one national unit.

Each generated ward gets the demo's 20 ward officers (names drawn at random) and its 4 plans
with the same groups and the same 22 + 23 + 30 + 1 = 75 tasks, titles carrying the ward's name;
deadlines and completions are randomised so every status class occurs, but reproducibly: a ward's
data depends only on the seed and its code, never on how many wards were generated before it.

Speed over ceremony: rows go in with bulk `session.execute(insert(Model), rows)` in batches of
wards, every officer shares one precomputed argon2 hash of the demo password, and ids are read
back per batch. Bulk inserts bypass the ORM unit of work, so the audit listener
(tracker.core.audit) records nothing for generated rows: acceptable for benchmark data, which
nobody edited. Generation is idempotent per ward code: wards that exist are skipped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tracker.core.text import fold
from tracker.core.workdays import WorkCalendar
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
BATCH_WARDS = 20

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

    indexes = list(range(1, units + 1))
    for start in range(0, len(indexes), batch_wards):
        batch = indexes[start : start + batch_wards]
        codes = [ward_code(i) for i in batch]
        existing = set(session.scalars(select(Unit.code).where(Unit.code.in_(codes))))
        todo = [i for i in batch if ward_code(i) not in existing]
        result.wards_skipped += len(batch) - len(todo)
        if todo:
            _generate_batch(session, parent_of, todo, seed, data, password_hash, result)
    session.flush()
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
    deadline = _CALENDAR.next_working_day(deadline)
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
    session: Session,
    parent_of: dict[int, Unit],
    indexes: Sequence[int],
    seed: int,
    data: Dataset,
    password_hash: str,
    result: GenerateResult,
) -> None:
    ward_specs = data.officers_of(data.ward)
    drafts = [draft_ward(data, i, seed) for i in indexes]

    # Units.
    session.execute(
        insert(Unit),
        [
            {
                "code": w.code,
                "name": w.name,
                "short_name": ward_short_name(w.index),
                "kind": UnitKind.WARD,
                "parent_id": parent_of[w.index].id,
            }
            for w in drafts
        ],
    )
    unit_ids: dict[str, int] = dict(
        session.execute(
            select(Unit.code, Unit.id).where(Unit.code.in_([w.code for w in drafts]))
        ).all()
    )
    ward_ids = list(unit_ids.values())

    # Officers and their roles.
    session.execute(
        insert(Officer),
        [
            {
                "unit_id": unit_ids[w.code],
                "full_name": name,
                "position": spec.position,
                "email": officer_email(spec.key, w.code),
                "password_hash": password_hash,
                "active": True,
                "session_version": 1,
            }
            for w in drafts
            for spec, name in zip(ward_specs, w.officer_names, strict=True)
        ],
    )
    officer_ids: dict[tuple[int, str], int] = {
        (unit_id, email.split("@", 1)[0]): officer_id
        for officer_id, unit_id, email in session.execute(
            select(Officer.id, Officer.unit_id, Officer.email).where(Officer.unit_id.in_(ward_ids))
        )
    }
    session.execute(
        insert(OfficerRole),
        [
            {"officer_id": officer_ids[(unit_ids[w.code], spec.key)], "role": role}
            for w in drafts
            for spec in ward_specs
            for role in spec.roles
        ],
    )
    result.officers += len(drafts) * len(ward_specs)

    # Plans.
    session.execute(
        insert(Plan),
        [
            {
                "unit_id": unit_ids[w.code],
                "kind": spec.kind,
                "title": _rename(spec.title, ward_short_name(w.index)),
                "document_number": spec.document_number,
                "document_date": spec.document_date,
                "start_year": spec.start_year,
                "end_year": spec.end_year,
                "appendix_row": spec.appendix_row,
            }
            for w in drafts
            for spec in data.plans
        ],
    )
    plan_ids: dict[tuple[int, str], int] = {
        (unit_id, str(kind)): plan_id
        for plan_id, unit_id, kind in session.execute(
            select(Plan.id, Plan.unit_id, Plan.kind).where(Plan.unit_id.in_(ward_ids))
        )
    }
    result.plans += len(drafts) * len(data.plans)

    def plan_id_of(w: WardDraft, plan_index: int) -> int:
        return plan_ids[(unit_ids[w.code], str(data.plans[plan_index].kind))]

    # Groups (fields), each with its overseeing vice chairperson.
    group_rows = [
        {
            "plan_id": plan_id_of(w, plan_index),
            "ordinal": n,
            "name": g.name,
            "description": g.description,
            "overseer_id": officer_ids[(unit_ids[w.code], g.overseer)] if g.overseer else None,
        }
        for w in drafts
        for plan_index, spec in enumerate(data.plans)
        for n, g in enumerate(spec.groups, 1)
    ]
    if group_rows:
        session.execute(insert(TaskGroup), group_rows)
    all_plan_ids = list(plan_ids.values())
    group_ids: dict[tuple[int, int], int] = {
        (plan_id, ordinal): group_id
        for group_id, plan_id, ordinal in session.execute(
            select(TaskGroup.id, TaskGroup.plan_id, TaskGroup.ordinal).where(
                TaskGroup.plan_id.in_(all_plan_ids)
            )
        )
    }
    result.groups += len(group_rows)

    # Tasks.
    task_rows: list[dict] = []
    for w in drafts:
        unit_id = unit_ids[w.code]
        for d in w.tasks:
            plan_id = plan_id_of(w, d.plan_index)
            task_rows.append(
                {
                    "plan_id": plan_id,
                    "group_id": (
                        group_ids[(plan_id, d.group_ordinal)] if d.group_ordinal else None
                    ),
                    "ordinal": d.ordinal,
                    "title": d.title,
                    "deliverable": d.deliverable,
                    "notes": d.notes,
                    # What the Task mapper event computes; bulk inserts skip mapper events.
                    "search_text": fold(" ".join((d.title, d.deliverable, d.notes))),
                    "lead_officer_id": officer_ids[(unit_id, d.spec.lead)],
                    "confirmer_id": officer_ids[(unit_id, d.spec.confirmer)],
                    "recurrence_note": d.spec.recurrence_note,
                    "deadline": d.deadline,
                    "state": d.state,
                    "progress_percent": d.progress,
                    "completed_on": d.completed_on,
                }
            )
    session.execute(insert(Task), task_rows)
    task_ids: dict[tuple[int, int], int] = {
        (plan_id, ordinal): task_id
        for task_id, plan_id, ordinal in session.execute(
            select(Task.id, Task.plan_id, Task.ordinal).where(Task.plan_id.in_(all_plan_ids))
        )
    }
    result.tasks += len(task_rows)

    # Supporting officers and the evidence of done tasks.
    supporter_rows: list[dict] = []
    evidence_rows: list[dict] = []
    for w in drafts:
        unit_id = unit_ids[w.code]
        for d in w.tasks:
            task_id = task_ids[(plan_id_of(w, d.plan_index), d.ordinal)]
            supporter_rows.extend(
                {"task_id": task_id, "officer_id": officer_ids[(unit_id, key)]}
                for key in d.spec.supporters
            )
            if d.completed_on is not None:
                evidence_rows.append(
                    {
                        "task_id": task_id,
                        "document_number": d.evidence_number,
                        "document_date": d.completed_on,
                        "summary": f"Văn bản hoàn thành nhiệm vụ: {d.title[:200]}",
                        "added_by_id": officer_ids[(unit_id, d.spec.lead)],
                    }
                )
    if supporter_rows:
        session.execute(insert(task_supporters), supporter_rows)
    if evidence_rows:
        session.execute(insert(Evidence), evidence_rows)
    result.supporters += len(supporter_rows)
    result.evidence += len(evidence_rows)
    result.done_tasks += len(evidence_rows)
    result.wards_created += len(drafts)
