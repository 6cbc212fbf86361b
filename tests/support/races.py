"""The harness of the race tests (PostgreSQL, real concurrent sessions): a world committed on a
throwaway database, and `race`, which runs the sides of a race at once.

Each side of a race is a thread with its own app context, session and connection. It first
loads what its page had loaded (the task, the request, the form's values), then all sides wait
at a barrier and act together, each committing as its request would. A side is refused (a
`Refusal`, the page's message), goes through, or crashes (what a 500 would be: never allowed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from config import TestingConfig
from tests.support.databases import server_url
from tracker import create_app
from tracker.core.audit import acting_as
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Officer

# Races need two writers at once: SQLite serialises them, so there is no race to run there.
postgresql_only = pytest.mark.skipif(
    server_url() is None,
    reason="concurrent writers need PostgreSQL (TRACKER_TEST_DATABASE_URL)",
)


@dataclass
class World:
    app: object
    unit_id: int
    plan_id: int
    people: dict[str, int]
    names: dict[str, str]


@contextmanager
def committed_world(directory, label: str,
                    build: Callable[[], tuple[int, int, dict[str, Officer]]],
                    migrated_database: Callable) -> Iterator[World]:
    """An app on a new migrated database (from the `migrated_database` fixture) with what
    `build` makes committed (it returns the unit's id, the plan's id or 0, and the officers by
    key): other connections see it."""
    with migrated_database(directory, label=label) as url:
        app = create_app(
            TestingConfig, SQLALCHEMY_DATABASE_URI=url, TRACKER_UPLOAD_DIR=str(directory / "up")
        )
        with app.app_context():
            unit_id, plan_id, people = build()
            db.session.commit()
            world = World(
                app,
                unit_id,
                plan_id,
                {key: o.id for key, o in people.items()},
                {key: o.full_name for key, o in people.items()},
            )
            db.session.remove()
        try:
            yield world
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


class Crash:
    """A side that raised something other than a refusal: the user would have seen a 500."""

    def __init__(self, exc: BaseException):
        self.exc = exc

    def __repr__(self) -> str:
        return f"Crash({self.exc!r})"


OK = "ok"
Side = tuple[str, Callable[[Session, Officer], Callable[[], object]]]


def race(world: World, *sides: Side) -> list:
    """Run the sides at once; each outcome: OK, the Refusal, or a Crash."""
    barrier = threading.Barrier(len(sides))
    outcomes: list = [None] * len(sides)
    broken: list[BaseException] = []

    def run(index: int, who: str, prepare) -> None:
        try:
            with world.app.app_context(), acting_as(world.people[who]):
                session = db.session
                act = prepare(session, session.get(Officer, world.people[who]))
                barrier.wait(timeout=30)
                try:
                    act()
                    session.commit()
                    outcomes[index] = OK
                except Refusal as refusal:
                    session.rollback()
                    outcomes[index] = refusal
                except Exception as exc:
                    session.rollback()
                    outcomes[index] = Crash(exc)
                finally:
                    db.session.remove()
        except BaseException as exc:  # the harness itself: reported, not lost in the thread
            broken.append(exc)
            barrier.abort()

    threads = [
        threading.Thread(target=run, args=(i, who, prepare))
        for i, (who, prepare) in enumerate(sides)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not broken, broken
    return outcomes


def crashes(outcomes: list) -> list:
    return [o for o in outcomes if isinstance(o, Crash)]
