"""Two systems deciding one completion at once through the API (PostgreSQL, real concurrent
requests): the operation's row lock holds over HTTP too. Exactly one decision is kept, the other
side gets a 422 naming who decided first; never a 500."""

from __future__ import annotations

import threading

from tests.api.support import bearer
from tests.support.races import postgresql_only
from tests.test_concurrency import _assert_counted_only_if_confirmed, _submitted_task
from tests.test_concurrency import world as world
from tracker.core.audit import acting_as
from tracker.extensions import db
from tracker.people.models import Officer, TokenScope
from tracker.people.tokens import issue_token

ROUNDS = 10

pytestmark = postgresql_only


def _tokens(world) -> dict[str, str]:
    with world.app.app_context(), acting_as(None):
        secrets = {
            key: issue_token(db.session, db.session.get(Officer, world.people[key]),
                             name="Đua", scope=TokenScope.WRITE).secret
            for key in ("chair", "focal")
        }
        db.session.commit()
        db.session.remove()
    return secrets


def _decide_at_once(world, tokens: dict[str, str], task_id: int) -> dict[str, tuple]:
    """The chairperson's system confirms while the focal officer's returns, at once."""
    barrier = threading.Barrier(2)
    answers: dict[str, tuple] = {}

    def send(key: str, path: str, body: dict) -> None:
        client = world.app.test_client()
        barrier.wait(timeout=30)
        response = client.post(f"/api/v1/tasks/{task_id}/{path}", json=body,
                               headers=bearer(tokens[key]))
        answers[key] = (response.status_code, response.get_json())

    threads = [
        threading.Thread(target=send, args=("chair", "confirmation", {})),
        threading.Thread(target=send, args=("focal", "return", {"reason": "Thiếu chữ ký"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_api_confirm_against_api_return(world):
    tokens = _tokens(world)
    statuses_seen = set()
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 800 + n)
        answers = _decide_at_once(world, tokens, task_id)
        statuses = sorted(status for status, _body in answers.values())
        assert statuses == [200, 422], answers
        loser = next(body for status, body in answers.values() if status == 422)
        assert " lúc " in loser["error"]["message"], loser  # who decided first, and when
        statuses_seen.add(answers["chair"][0])
        _assert_counted_only_if_confirmed(world, task_id)
    print(f"\nRACE api confirm/return: {ROUNDS} rounds; chair's answers {sorted(statuses_seen)}")
