"""The province and national pages keep every commune's figures under the units' versions
(tracker.core.versions): a page served from what was kept is the page computed afresh, after
any change made through the product, for any date, order, filter, page and language."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import csrf_token
from tests.factories import gen_evidence, gen_officer, gen_unit
from tests.province.world import AS_OF, add_period, build_province
from tracker.core.versions import forget_all, renew
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.people.units import UnitInput, close_unit, create_unit
from tracker.plans.merging import merge_units
from tracker.province import queries
from tracker.tasks.models import NoteKind, Task, TaskNote, TaskState


@pytest.fixture
def world(clock):
    clock(AS_OF)
    return build_province()


def _page(html: str) -> str:
    """The page without what changes at each request (the CSRF tokens)."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return _page(response.get_data(as_text=True))


def _fresh(client, path: str) -> str:
    """The page computed from nothing kept."""
    forget_all()
    return _get(client, path)


def _row(html: str, code: str) -> str:
    found = re.search(rf'<tr data-unit="{re.escape(code)}">.*?</tr>', html, re.S)
    assert found, code
    return found[0]


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-unit="([^"]+)"', html)


@pytest.fixture
def computed(monkeypatch):
    """Each time communes' figures were computed (not taken from what was kept): for how many
    communes."""
    calls: list[int] = []
    fill = queries.fill_figures

    def counted(session, lines, *args, **kwargs):
        calls.append(len(lines))
        return fill(session, lines, *args, **kwargs)

    monkeypatch.setattr(queries, "fill_figures", counted)
    return calls


def _confirm_a_completion(client, auth, world) -> object:
    """The chairperson of the second commune confirms the completion its lead reported (with
    its evidence), through the product; then the inspector reads again. The commune."""
    commune = world.communes[1]
    task = db.session.query(Task).filter(
        Task.state == TaskState.PENDING_CONFIRMATION, Task.plan.has(unit_id=commune.id)
    ).one()
    note = db.session.query(TaskNote).filter_by(task_id=task.id, kind=NoteKind.SUBMISSION).one()
    note.evidence_id = gen_evidence(task, on=date(2024, 3, 4)).id
    chair = gen_officer(commune, Role.CHAIRPERSON, full_name="Chủ Tịch Xã")
    db.session.commit()
    auth.logout()
    auth.login(chair)
    response = client.post(f"/tasks/{task.id}/confirm",
                           data={"csrf_token": csrf_token(client, f"/tasks/{task.id}")})
    assert response.status_code == 302
    auth.logout()
    auth.login(world.inspector)
    return commune


def test_a_confirmation_made_through_the_product_shows_at_once(client, auth, world, computed):
    path = f"/units/{world.province.code}/communes"
    auth.login(world.inspector)
    before = _get(client, path)
    assert _get(client, path) == before and len(computed) == 1  # kept

    commune = _confirm_a_completion(client, auth, world)
    after = _get(client, path)
    assert len(computed) == 2  # computed again: the commune's version changed
    assert _row(after, commune.code) != _row(before, commune.code)
    pending = r'<td class="text-end">(\d+)</td>\n<td>'
    assert re.search(pending, _row(before, commune.code))[1] == "1"
    assert re.search(pending, _row(after, commune.code))[1] == "0"
    for other in (world.communes[0], world.communes[2]):
        assert _row(after, other.code) == _row(before, other.code)
    assert after == _fresh(client, path)


def _charts(html: str) -> list[str]:
    charts = re.findall(r'<div class="col-12 col-xl-6" data-testid="chart-.*?</figure>', html, re.S)
    assert charts
    return charts


@pytest.fixture
def counted(monkeypatch):
    """Each time tasks were counted for the province's charts: the communes counted."""
    calls: list[set[int]] = []
    count = queries.count_for_chart

    def recorded(session, units, as_of, *, by_unit):
        found = count(session, units, as_of, by_unit=by_unit)
        calls.append({unit_id for unit_id, _kind in found})
        return found

    monkeypatch.setattr(queries, "count_for_chart", recorded)
    return calls


def test_the_charts_count_again_only_the_commune_that_changed(client, auth, world, counted):
    """The charts sum each commune's counts, kept under its version and the date: after a
    change in one commune, that commune's tasks only are counted again, and the charts are
    those drawn from nothing kept, on every date and in every language."""
    path = f"/units/{world.province.code}/communes"
    past = f"{path}?as_of=2024-02-20"
    everyone = {commune.id for commune in world.communes}
    auth.login(world.inspector)
    before, before_past = _charts(_get(client, path)), _charts(_get(client, past))
    assert counted == [everyone, everyone]  # each date its own counts
    assert _charts(_get(client, path)) == before and len(counted) == 2

    commune = _confirm_a_completion(client, auth, world)
    after, then = _charts(_get(client, path)), _charts(_get(client, past))
    assert counted[2:] == [{commune.id}, {commune.id}]
    assert after != before  # the confirmed task is done before 12/03
    assert then == before_past  # and after 20/02
    assert after == _charts(_fresh(client, path))
    assert then == _charts(_fresh(client, past))

    # Another commune's task done: one commune counted again, in English too.
    _get(client, path)
    client.post("/language/en", data={"csrf_token": csrf_token(client, path), "next": path})
    task = db.session.query(Task).filter(
        Task.deadline == date(2024, 3, 1), Task.plan.has(unit_id=world.communes[2].id)
    ).first()
    task.completed_on, task.state = date(2024, 3, 5), TaskState.DONE
    db.session.commit()
    counted.clear()
    english = _charts(_get(client, path))
    assert counted == [{world.communes[2].id}]
    assert "Done (cumulative)" in english[0] and english[0] != after[0]
    assert english == _charts(_fresh(client, path))


def test_a_past_date_shows_what_was_true_then(client, auth, world):
    auth.login(world.inspector)
    path = f"/units/{world.province.code}/communes"
    today_page = _get(client, path)
    past = f"{path}?as_of=2024-02-20"
    then = _get(client, past)
    assert then != today_page
    assert "20/02/2024" in then
    assert _get(client, path) == today_page  # each date its own kept figures
    assert then == _fresh(client, past)
    assert today_page == _fresh(client, path)


def test_each_row_is_drawn_again_when_the_tables_columns_or_links_change(
    app, client, auth, clock, monkeypatch, world
):
    """The rows are kept one by one under their commune's line: a column that appears because
    of one commune (a period opened), or links that must now carry the date (the same date
    asked the next day), redraw the other communes' rows too."""
    auth.login(world.inspector)
    path = f"/units/{world.province.code}/communes"
    before = _get(client, path)
    first, other = world.communes[0], world.communes[2]
    add_period(first, "Quý I năm 2024", date(2024, 3, 14))
    renew(db.session, [first.id])
    db.session.commit()
    after = _get(client, path)
    assert "period-not_opened" not in _row(before, other.code)
    assert "period-not_opened" in _row(after, other.code)
    assert after == _fresh(client, path)

    dated = f"{path}?as_of={AS_OF.isoformat()}"
    today_rows = _get(client, dated)
    assert f"as_of={AS_OF.isoformat()}" not in _row(today_rows, other.code)  # today's: no date
    monkeypatch.setitem(app.config, "TRACKER_SESSION_IDLE_HOURS", 48)  # the same session
    clock(date(2024, 3, 13))
    next_day = _get(client, dated)
    assert f"as_of={AS_OF.isoformat()}" in _row(next_day, other.code)
    assert next_day == _fresh(client, dated)


@pytest.mark.parametrize("page_size", [500, 2])
def test_orders_filters_and_pages_come_from_one_kept_set(client, auth, clock, computed,
                                                         monkeypatch, page_size):
    clock(AS_OF)
    world = build_province(7, code="tinh-bay")
    monkeypatch.setattr(queries, "PAGE_SIZE", page_size)
    auth.login(world.inspector)
    base = f"/units/{world.province.code}/communes"
    queries_asked = [
        "", "?dir=desc", "?sort=parent", "?sort=overdue", "?sort=overdue&dir=asc",
        "?sort=pending", "?sort=meeting", "?sort=annual_reform:due", "?sort=papi:on_time&dir=asc",
        "?band=low", "?band=none&band_of=papi:completion", "?q=thu", "?q=thu&sort=overdue",
        "?page=2", "?sort=overdue&page=3", "?q=xa&page=2&sort=annual_reform:completion",
    ]
    kept = {query: _get(client, base + query) for query in queries_asked}
    assert len(computed) == 1  # one set of figures for all of them
    for query, html in kept.items():
        assert html == _fresh(client, base + query), query
    assert _rows(kept["?dir=desc"]) == _rows(kept[""])[::-1] or page_size == 2
    assert len({tuple(_rows(html)) for html in kept.values()}) > 5


def test_a_new_commune_a_closed_one_and_a_merger_show_up(client, auth, world, computed):
    admin = gen_officer(world.province, Role.ADMIN, full_name="Quản Trị")
    db.session.commit()
    auth.login(world.inspector)
    path = f"/units/{world.province.code}/communes"
    assert len(_rows(_get(client, path))) == 3

    create_unit(db.session, admin, "xa-moi", UnitInput(
        name="Xã Mới Lập", short_name="", kind=UnitKind.COMMUNE, parent=world.province))
    db.session.commit()
    html = _get(client, path)
    assert "xa-moi" in _rows(html) and len(_rows(html)) == 4
    assert html == _fresh(client, path)

    new = next(u for u in world.province.children if u.code == "xa-moi")
    close_unit(db.session, new)
    db.session.commit()
    html = _get(client, path)
    assert "Đã đóng" in _row(html, "xa-moi")
    assert html == _fresh(client, path)

    a, b = world.communes[0], world.communes[1]
    merge_units(db.session, admin, [a, b], "phuong-hop-nhat", UnitInput(
        name="Phường Hợp Nhất", short_name="", kind=UnitKind.WARD, parent=world.province))
    db.session.commit()
    html = _get(client, path)
    assert "phuong-hop-nhat" in _rows(html)
    assert "Đã đóng" in _row(html, a.code) and "Đã đóng" in _row(html, b.code)
    assert html == _fresh(client, path)


def test_the_national_page_follows_its_communes_and_provinces(client, auth, world, computed):
    nation = gen_unit("ca-nuoc", "Cả nước", kind=UnitKind.NATIONAL)
    world.province.parent = nation
    other = gen_unit("da-nang", "Thành phố Đà Nẵng", kind=UnitKind.PROVINCE, parent=nation)
    gen_unit("da-nang-hai-chau", "Phường Hải Châu", parent=other)
    admin = gen_officer(nation, Role.ADMIN)
    db.session.commit()
    auth.login(admin)
    path = "/units/ca-nuoc/communes?sort=overdue"
    before = _get(client, path)
    assert _get(client, path) == before and len(computed) == 1

    # A task of one commune done: its figures and its place in the order.
    task = db.session.query(Task).filter(
        Task.deadline == date(2024, 3, 1), Task.plan.has(unit_id=world.communes[2].id)
    ).first()
    task.completed_on, task.state = date(2024, 3, 5), TaskState.DONE
    db.session.commit()
    after = _get(client, path)
    assert computed == [4, 1]  # that commune's figures only: the others' lines were kept
    assert after != before and after == _fresh(client, path)

    # A province renamed: the column of the unit above its communes.
    other.name = "Thành phố Đà Nẵng Mới"
    db.session.commit()
    computed.clear()
    html = _get(client, path)
    assert computed == [1]  # the province's one commune: its line shows the name
    assert "Thành phố Đà Nẵng Mới" in _row(html, "da-nang-hai-chau")
    assert html == _fresh(client, path)

    # The national charts, drawn on request, kept the same way.
    charts = "/units/ca-nuoc/communes?charts=1"
    drawn = _get(client, charts)
    assert 'data-testid="national-charts"' in drawn
    task = db.session.query(Task).filter(
        Task.deadline == date(2024, 3, 1), Task.plan.has(unit_id=world.communes[1].id)
    ).first()
    task.completed_on, task.state = date(2024, 3, 6), TaskState.DONE
    db.session.commit()
    redrawn = _get(client, charts)
    assert redrawn != drawn and redrawn == _fresh(client, charts)

    # A commune created in a province: on the national page too.
    gen_unit("da-nang-son-tra", "Phường Sơn Trà", parent=other)
    db.session.commit()
    computed.clear()
    html = _get(client, path)
    assert computed == [1]
    assert "da-nang-son-tra" in _rows(html) and html == _fresh(client, path)


def test_languages_and_readers_do_not_cross(client, auth, world):
    chair = world.chair  # the province's chairperson: also a link to the province's dashboard
    path = f"/units/{world.province.code}/communes"
    auth.login(world.inspector)
    vietnamese = _get(client, path)
    client.post("/language/en", data={"csrf_token": csrf_token(client, path), "next": path})
    english = _get(client, path)
    assert ">Plans</a>" in english and ">Kế hoạch</a>" in vietnamese
    assert english == _fresh(client, path)
    client.post("/language/vi", data={"csrf_token": csrf_token(client, path), "next": path})
    assert _get(client, path) == vietnamese

    auth.logout()
    auth.login(chair)
    html = _get(client, path)
    assert html == _fresh(client, path)
    assert re.findall(r'<tr data-unit=.*?</tr>', html, re.S) == re.findall(
        r'<tr data-unit=.*?</tr>', vietnamese, re.S)

    # A reader from elsewhere is refused, whatever is kept.
    stranger = gen_officer(gen_unit("tinh-khac", "Tỉnh Khác", kind=UnitKind.PROVINCE),
                           Role.INSPECTOR)
    db.session.commit()
    auth.logout()
    auth.login(stranger)
    assert client.get(path).status_code == 403
