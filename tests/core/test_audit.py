from datetime import date

from sqlalchemy import select

from tests.factories import gen_officer, gen_plan, gen_task
from tracker.core.audit import AuditEvent, acting_as
from tracker.extensions import db


def _events(entity_type, entity_id):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    ).all()


def test_every_change_records_who_when_before_after(app):
    chair = gen_officer()
    helper = gen_officer(chair.unit)
    with acting_as(chair.id):
        task = gen_task(gen_plan(chair.unit), chair, deadline=date(2024, 6, 30))
        task.deadline = date(2024, 7, 31)
        task.supporters.append(helper)
        db.session.flush()
    created, updated = _events("tasks", task.id)
    assert created.action == "create" and created.actor_id == chair.id
    assert created.changes["deadline"] == [None, "2024-06-30"]
    assert created.unit_id == chair.unit_id
    assert updated.action == "update"
    assert updated.changes["deadline"] == ["2024-06-30", "2024-07-31"]
    assert updated.changes["supporters"] == [[], [helper.full_name]]
    assert updated.occurred_at.tzinfo is not None


def test_no_change_no_event_and_rollback_takes_the_event_along(app):
    task = gen_task()
    before = len(_events("tasks", task.id))
    task.title = task.title  # same value
    db.session.flush()
    assert len(_events("tasks", task.id)) == before
    nested = db.session.begin_nested()
    task.title = "Đổi rồi hủy"
    db.session.flush()
    nested.rollback()
    assert len(_events("tasks", task.id)) == before
