"""Each unit's data version: a value changed in the same transaction as any audited change of
the unit's data, so what a page computed from that data (figures, a rendered table) can be kept
under the versions it was computed from and is never served once the data has moved on.

Every change to plans, tasks, evidence, meetings, periods... is audited with its unit
(core.audit); the flush that records the audit rows names those units here, and the commit
gives each a new version. Rules for keeping:

- Read the versions *before* reading the data they stand for: a change committed in between
  then only makes the kept value newer than its key, never older.
- A version is a fresh random number, not a count: a database restored from a backup brings
  back versions whose kept values were computed from exactly that data, and two test worlds
  built on the same ids do not share one.
- The new versions are written last, just before the commit, in the order of the units' ids,
  on a table no workflow step locks: a transaction holding a task's lock waits there only for
  transactions that are already committing, so no two wait on each other.
- What a kept value depends on besides the units' data (the date, the language, the reader's
  rights) belongs in its key too.
"""

from __future__ import annotations

import functools
import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from threading import Lock
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy import BigInteger, ForeignKey, Integer, Select, bindparam, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column

from tracker.extensions import db

_CHANGED = "tracker.changed_units"  # session.info: the units whose data this transaction changed


class DataVersion(db.Model):
    __tablename__ = "data_versions"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


def changed(session: Session, unit_ids: Iterable[int | None]) -> None:
    """Note that this transaction changed the data of these units (None: no unit)."""
    found = {unit_id for unit_id in unit_ids if unit_id is not None}
    if found:
        session.info.setdefault(_CHANGED, set()).update(found)


def renew(session: Session, unit_ids: Iterable[int]) -> None:
    """Give these units new versions now, in this transaction (bulk writes that bypass the
    flush, such as the demo generator's COPY, call this themselves)."""
    ids = sorted(set(unit_ids))
    if not ids:
        return
    table = DataVersion.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(ids), 1000):
        rows = [{"unit_id": i, "version": secrets.randbits(31)} for i in ids[start : start + 1000]]
        statement = insert(table).values(rows)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.unit_id], set_={"version": statement.excluded.version}
            )
        )


def versions_of(session: Session, unit_ids: Iterable[int]) -> tuple[int, ...]:
    """The units' versions, in the order given (0 for a unit never changed since versions
    began)."""
    ids = list(unit_ids)
    found: dict[int, int] = {
        unit_id: version
        for unit_id, version in session.execute(
            select(DataVersion.unit_id, DataVersion.version).where(DataVersion.unit_id.in_(ids))
        )
    }
    return tuple(found.get(unit_id, 0) for unit_id in ids)


@functools.cache
def _with_version(model) -> Select:
    return (  # built once per model: every view of its page runs it
        select(model, DataVersion.version)
        .outerjoin(DataVersion, DataVersion.unit_id == model.unit_id)
        .where(model.id == bindparam("row_id", type_=Integer))
        .options(joinedload(model.unit))
        .execution_options(populate_existing=True)
    )


def with_version(session: Session, model: type[R], row_id: int) -> tuple[R, int] | None:
    """A row of `model` (a meeting, a period: anything with `unit_id` and `unit`) with its
    unit, and the unit's data version read in the same statement: what is computed from the
    row under that version is never older than it. One query; None when there is no such row."""
    row = session.execute(_with_version(model), {"row_id": row_id}).first()
    if row is None:
        return None
    found, version = row
    return found, version or 0


def versions_where(session: Session, unit_ids, parameters: dict | None = None) -> tuple[int, int]:
    """One key for many units (a province's communes): how many units have a version and the
    sum of those versions, for `unit_ids` given as a subquery of ids. Any unit's new version
    changes the sum (but for a one-in-two-billion coincidence the key's other parts cover).
    `unit_ids` may also be a statement built once by `versions_where_statement`, run with the
    values of its `parameters`."""
    statement = unit_ids if isinstance(unit_ids, VersionsWhere) else versions_where_statement(
        unit_ids
    )
    count, total = session.execute(statement.select, parameters or {}).one()
    return int(count), int(total)


class VersionsWhere(NamedTuple):
    select: Select


def versions_where_statement(unit_ids) -> VersionsWhere:
    """The statement of `versions_where` for a subquery of ids (with bound parameters), to
    build once and run many times."""
    return VersionsWhere(
        select(func.count(), func.coalesce(func.sum(DataVersion.version), 0)).where(
            DataVersion.unit_id.in_(unit_ids)
        )
    )


@event.listens_for(Session, "before_commit")
def _renew_changed_units(session: Session) -> None:
    session.flush()  # the last changes name their units too
    ids = session.info.pop(_CHANGED, None)
    if ids:
        renew(session, ids)


@event.listens_for(Session, "after_rollback")
def _forget_changed_units(session: Session) -> None:
    session.info.pop(_CHANGED, None)


R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_ALL: list[Kept] = []


class Kept(Generic[K, V]):
    """A bounded in-process map from a key, which includes the data versions the value was
    computed from, to the value; the least recently used go first. One per kind of value."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = Lock()
        _ALL.append(self)

    def get(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()  # outside the lock: two threads may compute it, both right
        self.put(key, value)
        return value

    def find(self, key: K) -> V | None:
        """The value kept under `key`, or None: for values computed many at a time (one query
        for all those missing), then `put`."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        return None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def forget_all() -> None:
    """Empty every kept map (the tests, between worlds that reuse ids)."""
    for kept in _ALL:
        kept.clear()
