"""The plan page keeps its body, its task lines and its unit's active officers under the unit's
data version (tracker.core.versions): a kept page equals a fresh one, a change shows at once,
each reader sees their own controls and the date asked for, and a page naming an officer of
another unit is rendered each time."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.factories import gen_officer, gen_task, gen_unit, gen_ward_team
from tracker.core.versions import forget_all
from tracker.extensions import db
from tracker.people.models import Officer

AS_OF = "?as_of=12/03/2024"


@pytest.fixture
def ward():
    world = gen_ward_team("phuong-ke-hoach")
    task = gen_task(world["plan"], world["lead"], group=world["group"],
                    supporters=[world["helper"]], title="Việc được giữ",
                    deadline=date(2024, 6, 30))
    db.session.commit()
    return {**world, "task": task}


def _page(client, plan) -> str:
    plan_id = plan if isinstance(plan, int) else plan.id
    response = client.get(f"/plans/{plan_id}{AS_OF}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _same(html: str) -> str:
    # The CSRF token is per request's session: the rest must be the same byte for byte.
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)


@pytest.mark.parametrize("reader", ["chair", "lead"])
def test_the_kept_page_is_the_fresh_page_in_fewer_statements(
    client, auth, ward, count_queries, reader
):
    auth.login(ward[reader])
    plan_id = ward["plan"].id
    db.session.expunge_all()  # each request starts from an empty identity map, as in production
    with count_queries() as cold:
        fresh = _page(client, plan_id)
    db.session.expunge_all()
    with count_queries() as warm:
        kept = _page(client, plan_id)
    assert _same(kept) == _same(fresh)
    # The reader, then the plan with its unit's version: the lines (two statements) and, for
    # the chairperson, the officers are not read again.
    assert (cold.count, warm.count) == (5 if reader == "chair" else 4, 2)
    forget_all()
    assert _same(_page(client, plan_id)) == _same(kept)


def test_changes_show_at_once(client, auth, ward):
    auth.login(ward["chair"])
    page = _page(client, ward["plan"])
    assert "Việc được giữ" in page and "Cán bộ mới" not in page
    ward["task"].title = "Việc đã đổi tên"
    ward["helper"].full_name = "Võ Phối Hợp Mới"
    gen_officer(ward["unit"], full_name="Cán bộ mới")
    db.session.commit()
    page = _page(client, ward["plan"])
    assert "Việc đã đổi tên" in page and "Việc được giữ" not in page
    assert "Võ Phối Hợp Mới" in page
    assert '<option value="' in page and "Cán bộ mới" in page  # the bulk assignment's picker


def test_a_supporter_of_another_unit_is_read_each_time(client, auth, ward, count_queries):
    other = gen_unit(code="phuong-ben-canh")
    outsider = gen_officer(other, full_name="Trần Phường Khác")
    ward["task"].supporters.append(outsider)
    db.session.commit()
    auth.login(ward["lead"])
    plan_id, outsider_id = ward["plan"].id, outsider.id
    assert "Trần Phường Khác" in _page(client, plan_id)
    db.session.expunge_all()
    with count_queries() as first:
        _page(client, plan_id)
    db.session.expunge_all()
    with count_queries() as second:
        _page(client, plan_id)
    assert second.count == first.count  # not kept: the lines are read again
    # Renamed, the outsider renews only their own unit's version: the page shows it anyway.
    db.session.get(Officer, outsider_id).full_name = "Trần Đã Đổi Tên"
    db.session.commit()
    page = _page(client, plan_id)
    assert "Trần Đã Đổi Tên" in page and "Trần Phường Khác" not in page


def test_each_reader_sees_their_own_controls_and_date(client, auth, ward):
    auth.login(ward["chair"])
    assert 'id="bulk-assign"' in _page(client, ward["plan"])
    auth.logout()
    auth.login(ward["lead"])
    page = _page(client, ward["plan"])
    assert 'id="bulk-assign"' not in page and "Việc được giữ" in page
    later = client.get(f"/plans/{ward['plan'].id}?as_of=01/07/2024").get_data(as_text=True)
    assert 'value="01/07/2024"' in later and 'value="12/03/2024"' in page
    assert "status-open_overdue" in later and "status-open_overdue" not in page


def test_a_leader_of_another_unit_is_read_each_time(client, auth, ward):
    other = gen_unit(code="quan-phu-trach")
    leader = gen_officer(other, full_name="Đỗ Lãnh Đạo")
    ward["plan"].leader_id = leader.id
    db.session.commit()
    auth.login(ward["lead"])
    plan_id, leader_id = ward["plan"].id, leader.id
    assert "Đỗ Lãnh Đạo" in _page(client, plan_id)
    db.session.get(Officer, leader_id).full_name = "Đỗ Đã Đổi Tên"
    db.session.commit()
    page = _page(client, plan_id)
    assert "Đỗ Đã Đổi Tên" in page and "Đỗ Lãnh Đạo" not in page
