"""tests/conftest.py's `module_database`: the world is built once for the module, and whatever
a test writes (committed by its session, by a request, or refused by the database) is gone for
the next test. The tests run in the order written: the first ones write, the last one checks.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import gen_officer, gen_unit
from tracker.extensions import db
from tracker.people.models import Officer, OfficerSession, Role, Unit

WARD = "phuong-the-gioi"


@pytest.fixture(scope="module")
def _world(module_database):
    with module_database.building():
        ward = gen_unit(code=WARD, name="Phường Thế Giới")
        chair = gen_officer(ward, Role.CHAIRPERSON)
        db.session.commit()
        return {"ward": ward.id, "chair": chair.id, "officers": _count(Officer)}


@pytest.fixture
def world(app, _world):
    return _world


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_test_commits_to_the_world(world):
    ward = db.session.get(Unit, world["ward"])
    ward.name = "Đổi tên"
    gen_officer(ward, Role.OFFICER)
    db.session.commit()
    assert _count(Officer) == world["officers"] + 1


def test_a_request_commits_to_the_world(client, auth, world):
    chair = db.session.get(Officer, world["chair"])
    assert auth.login(chair).status_code == 302
    assert _count(OfficerSession) == 1


def test_the_database_refuses_a_statement(world):
    gen_unit(code="trung-ma")
    db.session.commit()
    with pytest.raises(IntegrityError):
        gen_unit(code="trung-ma")
    db.session.rollback()
    assert db.session.get(Unit, world["ward"]).code == WARD


def test_each_test_starts_from_the_world_as_built(world, module_database):
    assert db.session.get(Unit, world["ward"]).name == "Phường Thế Giới"
    assert _count(Officer) == world["officers"]
    assert _count(OfficerSession) == 0
    assert db.session.scalar(select(Unit).where(Unit.code == "trung-ma")) is None
    # and the world itself is never committed to the database: another connection sees none
    # of it (PostgreSQL; a SQLite reader would wait on the module's open write)
    engine = module_database.connection.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as other:
            assert other.scalar(select(Unit.id).where(Unit.code == WARD)) is None
