"""Row locks: a workflow step reads the state it starts from inside its own transaction.

A page loaded the row before the user clicked; by the time the click arrives someone else may
have acted on it. `lock` takes the row's lock (SELECT … FOR UPDATE: a second transaction
waits here until the first commits) and reloads it as committed, so the rule checked next
sees what the other person did. On SQLite, which serialises writers, the reload is enough.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

T = TypeVar("T")


def lock(session: Session, row: T, *options) -> T:
    """Lock `row` until the transaction ends and reload it, with `options` (loader options,
    e.g. selectinload of a collection the rule reads) reloaded too."""
    model = type(row)
    query = (
        select(model)
        .where(model.id == row.id)  # type: ignore[attr-defined]
        .with_for_update(of=model)
        .options(*options)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()
