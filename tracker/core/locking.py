"""Row locks: a workflow step reads the state it starts from inside its own transaction.

A page loaded the row before the user clicked; by the time the click arrives someone else may
have acted on it. `lock` takes the row's lock (a second transaction waits there until the first
commits) and reloads the row as committed, so the rule checked next sees what the other person
did. `hold` takes the lock only: a turnstile for what follows (the next STT of a plan, the
meeting of a month). On SQLite, which serialises writers, there is no lock to take.

The lock is PostgreSQL's FOR NO KEY UPDATE: it excludes the other lockers, not the inserts of
rows that merely refer to the locked one (a note on the task, an audit record of the unit).
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
        .with_for_update(of=model, key_share=True)
        .options(*options)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


def hold(session: Session, model, row_id: int) -> None:
    """Lock the row of `model` with this id until the transaction ends, without loading it."""
    session.execute(select(model.id).where(model.id == row_id).with_for_update(key_share=True))
