from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import gen_officer, gen_unit
from tests.province.world import AS_OF, add_meeting, add_period, build_province
from tracker.appendix.models import PeriodState
from tracker.core.status import Tally
from tracker.core.versions import versions_of
from tracker.dashboard.queries import build_dashboard
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.province import queries
from tracker.province.queries import OverviewQuery, PeriodStatus, build_overview


@pytest.fixture
def world(clock):
    clock(AS_OF)
    return build_province()


def _rows(html: str) -> list[str]:
    """The unit codes of the table's rows, in order."""
    import re

    return re.findall(r'<tr data-unit="([^"]+)"', html)


def _overdue(html: str) -> list[int]:
    """The overdue column of the table's rows, in order."""
    import re

    return [int(n) for n in re.findall(r'data-testid="overdue">([0-9.]+)<', html)]


@pytest.mark.parametrize("as_of", [date(2024, 2, 20), AS_OF, date(2024, 4, 15)])
def test_figures_are_the_dashboards(app, world, as_of):
    """Each commune's tallies by plan kind are what its own dashboard counts (the one rule,
    through SQL for the plain tasks and core.status for the others)."""
    overview = build_overview(db.session, world.province, OverviewQuery(as_of=as_of))
    assert len(overview.lines) == 3
    for line in overview.lines:
        unit = next(u for u in world.communes if u.id == line.unit_id)
        dashboard = build_dashboard(db.session, unit, as_of=as_of, today=as_of)
        expected: dict = {}
        for block in dashboard.plans:
            expected[block.plan.kind] = expected.get(block.plan.kind, Tally()) + block.as_of
        assert line.tallies == expected, unit.code
        assert line.overdue == dashboard.overall_as_of.open_overdue
        assert line.pending == dashboard.pending.count


def test_inspector_home_is_the_province_page(client, auth, world):
    auth.login(world.inspector)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="communes"' in html
    assert _rows(html) == ["khanh-hoa-xa-2", "khanh-hoa-xa-0", "khanh-hoa-xa-1"]  # by name
    assert "Phường Vĩnh Hòa" in html and "Kế hoạch cải thiện chỉ số PAPI" in html


def test_a_province_leader_starts_there_too(client, auth, world):
    auth.login(world.chair)
    assert 'data-testid="communes"' in client.get("/").get_data(as_text=True)


def test_a_ward_leader_keeps_the_dashboard(client, auth, world):
    chair = gen_officer(world.communes[0], Role.CHAIRPERSON)
    db.session.commit()
    auth.login(chair)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="communes"' not in html and 'data-testid="summary"' in html


def test_sorted_by_overdue_worst_first(client, auth, world):
    auth.login(world.inspector)
    html = client.get("/units/khanh-hoa/communes?sort=overdue").get_data(as_text=True)
    assert _rows(html) == ["khanh-hoa-xa-2", "khanh-hoa-xa-1", "khanh-hoa-xa-0"]
    html = client.get("/units/khanh-hoa/communes?sort=overdue&dir=asc").get_data(as_text=True)
    assert _rows(html) == ["khanh-hoa-xa-0", "khanh-hoa-xa-1", "khanh-hoa-xa-2"]
    html = client.get("/units/khanh-hoa/communes?sort=annual_reform:due").get_data(as_text=True)
    assert _rows(html)[0] == "khanh-hoa-xa-2"  # the lowest rate first


def test_filtered_by_name_without_diacritics_and_by_band(client, auth, world):
    auth.login(world.inspector)
    html = client.get("/units/khanh-hoa/communes?q=vinh+hoa").get_data(as_text=True)
    assert _rows(html) == ["khanh-hoa-xa-0"]
    overview = build_overview(db.session, world.province, OverviewQuery(as_of=AS_OF))
    line = next(x for x in overview.lines if x.code == "khanh-hoa-xa-2")
    rate = line.rate(queries.PlanKind.ANNUAL_REFORM, "due")
    band = "low" if rate < 70 else "medium" if rate < 90 else "high"
    html = client.get(
        f"/units/khanh-hoa/communes?band={band}&band_of=annual_reform:due"
    ).get_data(as_text=True)
    assert "khanh-hoa-xa-2" in _rows(html)
    for code in _rows(html):
        other = next(x for x in overview.lines if x.code == code)
        assert other.rate(queries.PlanKind.ANNUAL_REFORM, "due") == rate or band != "high"


def test_meetings_and_period_states(client, auth, world):
    first, second, third = world.communes
    add_meeting(first, date(2024, 2, 27))
    add_meeting(first, date(2024, 3, 28))  # after the date: not yet held then
    add_period(first, "Quý I năm 2024", date(2024, 3, 14), PeriodState.SUBMITTED)
    add_period(second, "Quý I năm 2024", date(2024, 3, 14))
    add_period(third, "Quý I năm 2024", date(2024, 3, 14), reopened=True)
    db.session.commit()
    overview = build_overview(db.session, world.province, OverviewQuery(as_of=AS_OF))
    lines = {line.code: line for line in overview.lines}
    assert lines[first.code].last_meeting == date(2024, 2, 27)
    assert lines[second.code].last_meeting is None
    assert [p.label for p in overview.periods] == ["Quý I năm 2024"]
    assert lines[first.code].period("Quý I năm 2024") is PeriodStatus.FROZEN
    assert lines[second.code].period("Quý I năm 2024") is PeriodStatus.TYPING
    assert lines[third.code].period("Quý I năm 2024") is PeriodStatus.REOPENED
    assert lines[first.code].period("Quý II năm 2024") is PeriodStatus.NOT_OPENED
    auth.login(world.inspector)
    html = client.get("/units/khanh-hoa/communes").get_data(as_text=True)
    assert "27/02/2024" in html and "Đã chốt" in html and "Đã mở lại" in html


def test_export_is_the_filtered_table(client, auth, world):
    world.communes[0].name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    auth.login(world.inspector)
    response = client.get("/units/khanh-hoa/communes.xlsx?sort=overdue")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    sheet = load_workbook(BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "STT")
    body = values[header + 1 :]
    assert [row[0] for row in body] == [1, 2, 3]
    assert body[-1][1] == "'=HYPERLINK(\"http://x\")"  # never a formula
    overview = build_overview(db.session, world.province, OverviewQuery(as_of=AS_OF))
    line = next(x for x in overview.lines if x.code == "khanh-hoa-xa-2")
    assert body[0][1] == line.name
    assert float(body[0][2]) == float(line.rate(queries.PlanKind.ANNUAL_REFORM, "completion"))


def test_national_page_is_paged(client, auth, world, monkeypatch):
    nation = gen_unit("ca-nuoc", "Cả nước", kind=UnitKind.NATIONAL)
    world.province.parent = nation
    other = gen_unit("da-nang", "Thành phố Đà Nẵng", kind=UnitKind.PROVINCE, parent=nation)
    gen_unit("da-nang-hai-chau", "Phường Hải Châu", parent=other)
    admin = gen_officer(nation, Role.ADMIN)
    db.session.commit()
    monkeypatch.setattr(queries, "NATIONAL_PAGE_SIZE", 3)
    auth.login(admin)
    html = client.get("/").get_data(as_text=True)
    assert "trang 1/2" in html and len(_rows(html)) == 3
    assert "Tỉnh Khánh Hòa" in html  # the province column: several units above
    html = client.get("/units/ca-nuoc/communes?page=2").get_data(as_text=True)
    assert len(_rows(html)) == 1
    html = client.get("/units/ca-nuoc/communes?sort=overdue&page=2").get_data(as_text=True)
    assert _rows(html) == ["da-nang-hai-chau"]  # no tasks: last whatever the direction
    # Sorted by overdue over several pages (that figure counted alone for all the communes
    # first): the same order and figures as the whole table in one piece.
    for direction in ("desc", "asc"):
        whole = build_overview(
            db.session, nation,
            OverviewQuery(as_of=AS_OF, sort="overdue", descending=direction == "desc"),
            paged=False,
        )
        paged = []
        for page in (1, 2):
            html = client.get(
                f"/units/ca-nuoc/communes?sort=overdue&dir={direction}&page={page}"
            ).get_data(as_text=True)
            paged += list(zip(_rows(html), _overdue(html), strict=True))
        assert paged == [(x.code, x.overdue) for x in whole.lines], direction
        assert any(n for _code, n in paged)


@pytest.mark.parametrize(
    "query",
    ["as_of=31/02/2024", "sort=drop", "band=x", "band_of=papi:nope", "page=0", "page=abc",
     "page=99999999", "q=" + "a" * 300, "q=%00", "dir=up", "unit_code=x&_external=1",
     "as_of=2024-03-12&as_of=x", "sort=annual_reform:due:x", "band_of=%ff"],
)
def test_bad_query_is_said_not_fatal(client, auth, world, query):
    auth.login(world.inspector)
    for path in ("/units/khanh-hoa/communes?", "/units/khanh-hoa/communes.xlsx?"):
        response = client.get(path + query)
        # A NUL is refused before any view (core.security); everything else is a page.
        expected = 400 if "%00" in query else 200
        assert response.status_code == expected, (query, response.status_code)


def test_inspector_reads_a_commune_without_action_buttons(client, auth, world):
    auth.login(world.inspector)
    html = client.get(f"/units/{world.communes[2].code}/dashboard").get_data(as_text=True)
    assert 'data-testid="summary"' in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main.lower()  # no action of any kind
    plans = client.get(f"/units/{world.communes[2].code}/plans").get_data(as_text=True)
    assert "/plans/new" not in plans
    task_list = client.get(f"/units/{world.communes[2].code}/tasks").get_data(as_text=True)
    assert 'method="post"' not in task_list.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_unit_without_communes_says_so(client, auth, clock):
    clock(AS_OF)
    city = gen_unit("tp-trong", "Thành phố Trống", kind=UnitKind.CITY)
    inspector = gen_officer(city, Role.INSPECTOR)
    db.session.commit()
    auth.login(inspector)
    html = client.get("/units/tp-trong/communes").get_data(as_text=True)
    assert "không có xã, phường trực thuộc" in html


@dataclass(frozen=True)
class _Years:
    """What `progress_series` reads of a plan: the years it spans."""

    start_year: int
    end_year: int


def _with_versions(ids: list[int]) -> list[tuple[int, int]]:
    """The communes as `progress_by_kind` takes them: with their data versions."""
    return list(zip(ids, versions_of(db.session, ids), strict=True))


@pytest.mark.parametrize("as_of", [AS_OF, date(2024, 2, 29), date(2024, 12, 31)])
def test_the_chart_is_the_dashboards_series_summed(app, world, as_of):
    """Each kind's chart over the year counts what the communes' own charts count: every
    month's end, the date's own point (12/03 ends no month) and the totals."""
    from tracker.dashboard.queries import progress_series
    from tracker.province.queries import progress_by_kind
    from tracker.tasks.queries import status_rows

    series = progress_by_kind(db.session, _with_versions([u.id for u in world.communes]), as_of)
    assert set(series) == {queries.PlanKind.ANNUAL_REFORM, queries.PlanKind.PAPI}
    for kind, found in series.items():
        owns = []
        for unit in world.communes:
            for plan in db.session.query(queries.Plan).filter_by(unit_id=unit.id, kind=kind):
                rows = [r for r in status_rows(db.session, queries.Plan.id == plan.id)
                        if queries.in_plan_on(r, as_of)]
                owns.append(progress_series(_Years(as_of.year, as_of.year), rows, as_of))

        def summed(points: str, field: str, owns=owns) -> list[int]:
            return [sum(getattr(getattr(own, points)[i], field) or 0 for own in owns)
                    for i in range(len(getattr(owns[0], points)))]

        assert found.total == sum(own.total for own in owns) > 0
        assert found.without_deadline == sum(own.without_deadline for own in owns)
        for points in ("points", "done_points"):
            assert [p.on for p in getattr(found, points)] == [
                p.on for p in getattr(owns[0], points)]
            assert [p.planned for p in getattr(found, points)] == summed(points, "planned")
            assert [p.done or 0 for p in getattr(found, points)] == summed(points, "done")


def test_the_page_draws_the_charts(client, auth, world):
    auth.login(world.inspector)
    html = client.get("/units/khanh-hoa/communes").get_data(as_text=True)
    assert 'data-testid="chart-annual_reform"' in html and "<svg" in html


def _nation(world):
    nation = gen_unit("ca-nuoc", "Cả nước", kind=UnitKind.NATIONAL)
    world.province.parent = nation
    other = gen_unit("da-nang", "Thành phố Đà Nẵng", kind=UnitKind.PROVINCE, parent=nation)
    gen_unit("da-nang-hai-chau", "Phường Hải Châu", parent=other)
    admin = gen_officer(nation, Role.ADMIN)
    db.session.commit()
    return nation, admin


@pytest.mark.parametrize("as_of", [date(2023, 12, 1), date(2024, 2, 20), AS_OF,
                                   date(2024, 12, 31), date(2025, 1, 2)])
def test_the_national_chart_counts_what_the_provinces_charts_count(app, world, as_of):
    """Counted in the database, the nation's series per plan kind is the one the province
    code draws from every task of the same communes (recurring, moved, reopened included)."""
    from tracker.province.national_chart import national_progress_by_kind
    from tracker.province.queries import communes_below, progress_by_kind

    nation, _admin = _nation(world)
    ids = [line.unit_id for line in communes_below(db.session, nation)]
    expected = progress_by_kind(db.session, _with_versions(ids), as_of)
    found = national_progress_by_kind(db.session, nation, as_of)
    assert set(found) == set(expected)
    assert found or as_of.year == 2023  # before the plans' tasks were entered: nothing yet
    for kind in expected:
        assert found[kind] == expected[kind], kind


def test_the_national_chart_reads_no_more_statements_with_more_communes(app, world,
                                                                        count_queries):
    """Set-based: the plain tasks counted per kind and date (two statements); the others, a few
    recurring, moved or reopened tasks, as rows with their occurrences and plans (three more);
    the nation's row read again after the commit."""
    from tests.province.world import build_province
    from tracker.province.national_chart import national_progress_by_kind

    nation, _admin = _nation(world)
    with count_queries() as few:
        national_progress_by_kind(db.session, nation, AS_OF)
    more = build_province(6, code="quang-nam")
    more.province.parent = nation
    db.session.commit()
    with count_queries() as many:
        series = national_progress_by_kind(db.session, nation, AS_OF)
    assert len(few.statements) == len(many.statements) <= 6
    assert series[queries.PlanKind.ANNUAL_REFORM].total > 0


def test_the_national_page_draws_its_charts(client, auth, world):
    _nation_unit, admin = _nation(world)
    auth.login(admin)
    # Drawn on request (they read every task of the country): the page offers them.
    html = client.get("/units/ca-nuoc/communes?sort=overdue").get_data(as_text=True)
    assert 'data-testid="national-charts"' not in html
    link = html.split('data-testid="national-charts-link"')[0].rsplit('href="', 1)[1]
    assert "charts=1" in link and "sort=overdue" in link
    html = client.get("/units/ca-nuoc/communes?charts=1").get_data(as_text=True)
    assert 'data-testid="national-charts"' in html
    assert 'data-testid="national-charts-link"' not in html
    assert 'data-testid="national-chart-annual_reform"' in html and "<svg" in html
    # A bad date is said and the charts drawn as of today; a province's page has none.
    html = client.get("/units/ca-nuoc/communes?as_of=31/02/2024&charts=1").get_data(as_text=True)
    assert "không hợp lệ" in html and 'data-testid="national-charts"' in html
    html = client.get("/units/ca-nuoc/communes?charts=x").get_data(as_text=True)
    assert 'data-testid="national-charts-link"' in html
    auth.login(world.inspector)
    html = client.get("/units/khanh-hoa/communes?charts=1").get_data(as_text=True)
    assert 'data-testid="national-charts"' not in html
    assert 'data-testid="national-charts-link"' not in html
