"""The dashboard keeps its body (tracker.core.versions): a change made through the product shows
at once, dates and languages do not cross, a ward renamed shows on its city's dashboard, a lead
who left the unit shows by their new name, and keeping lets nobody in who was refused."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import AuthActions, csrf_token, session_csrf_token
from tests.dashboard.test_pages import _plan_card
from tests.dashboard.world import build_world
from tests.factories import gen_officer, gen_unit
from tracker.extensions import db
from tracker.people.models import Role


@pytest.fixture
def world(clock):
    clock(date(2024, 3, 12))
    return build_world()


def _dashboard(client, world, query: str = "") -> str:
    response = client.get(f"/units/{world.ward.code}/dashboard{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _pending(html: str) -> str:
    return html.split('id="pending"', 1)[1].split("</section>", 1)[0]


def test_a_completion_and_its_confirmation_show(app, client, auth, world, count_queries):
    auth.login(world.chair)
    t4 = world.tasks["t4"]
    before = _dashboard(client, world)
    with count_queries() as warm:
        assert _dashboard(client, world) == before  # served from what the first one kept
    assert warm.count <= 4
    assert "(2/6)" in _plan_card(before, world.annual.id)
    assert t4.title not in _pending(before)
    # The lead reports t4 done, in their own browser.
    lead = app.test_client()
    AuthActions(lead).login(world.binh)
    path = f"/tasks/{t4.id}/complete"
    response = lead.post(path, data={"csrf_token": csrf_token(lead, path),
                                     "document_number": "9/BC-UBND",
                                     "document_date": "11/03/2024"})
    assert response.status_code == 302
    submitted = _dashboard(client, world)
    assert t4.title in _pending(submitted)
    assert "(2/6)" in _plan_card(submitted, world.annual.id)  # not done until confirmed
    response = client.post(f"/tasks/{t4.id}/confirm",
                           data={"csrf_token": csrf_token(client, f"/tasks/{t4.id}")})
    assert response.status_code == 302
    confirmed = _dashboard(client, world)
    assert t4.title not in _pending(confirmed)
    assert "(3/6)" in _plan_card(confirmed, world.annual.id)


def test_dates_and_languages_do_not_cross(client, auth, world):
    auth.login(world.chair)
    today_page = _dashboard(client, world)
    may = _dashboard(client, world, "?as_of=01/05/2024")
    assert "(2/6)" in _plan_card(today_page, world.annual.id)
    assert "(3/6)" in _plan_card(may, world.annual.id)
    assert "số liệu lũy kế đến ngày 01/05/2024" in may
    assert "số liệu lũy kế đến ngày 01/05/2024" not in _dashboard(client, world)
    client.post("/language/en", data={"csrf_token": session_csrf_token(client)})
    english = _dashboard(client, world)
    assert "33.3%" in english and "33,3%" not in english
    client.post("/language/vi", data={"csrf_token": session_csrf_token(client)})
    assert "33,3%" in _dashboard(client, world)


def test_a_renamed_ward_shows_on_its_citys_dashboard(client, auth, world):
    inspector = gen_officer(world.city, Role.INSPECTOR)
    db.session.commit()
    auth.login(inspector)
    city = f"/units/{world.city.code}/dashboard"
    assert "Phường Vĩnh Hòa" in client.get(city).get_data(as_text=True)
    world.ward.name = "Phường Vĩnh Hòa Mới"
    db.session.commit()
    assert "Phường Vĩnh Hòa Mới" in client.get(city).get_data(as_text=True)
    gen_unit("phuong-moi", "Phường Mới Lập", parent=world.city)
    db.session.commit()
    assert "Phường Mới Lập" in client.get(city).get_data(as_text=True)


def test_a_lead_who_left_shows_by_their_new_name(client, auth, world):
    """Moved to another unit (tasks stay here), then renamed there: the move renews the unit
    they left (the audit names it), whose dashboard then names them afresh on every request."""
    from tracker.people.management import move_to_unit

    auth.login(world.chair)
    assert "Trần Thị Bình" in _dashboard(client, world)
    elsewhere = gen_unit(parent=world.city)
    move_to_unit(db.session, world.binh, elsewhere, None)
    db.session.commit()
    assert "Trần Thị Bình" in _dashboard(client, world)
    world.binh.full_name = "Trần Thị Bình Mới"  # renamed in their new unit
    db.session.commit()
    assert "Trần Thị Bình Mới" in _dashboard(client, world)


def test_keeping_lets_in_nobody_refused(client, auth, world):
    auth.login(world.chair)
    _dashboard(client, world)
    auth.logout()
    auth.login(world.an)
    assert client.get(f"/units/{world.ward.code}/dashboard").status_code == 403
