import re
from datetime import date

import pytest

from tests.dashboard.world import build_world
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.tasks.models import CadenceUnit, TaskOccurrence, TaskState


@pytest.fixture
def world(clock):
    clock(date(2024, 3, 12))
    return build_world()


def test_leader_home_is_the_dashboard(client, auth, world):
    auth.login(world.chair)
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1" in html and "Tổng quan" in html
    assert "Kế hoạch CCHC năm 2024" in html and "Kế hoạch cải thiện chỉ số PAPI" in html
    assert "33,3%" in html and "(2/6)" in html  # done of all tasks
    assert "66,7%" in html and "(2/3)" in html  # done of those due
    assert "50,0%" in html  # on time of those done
    assert "quá hạn 11 ngày" in html
    assert "Công khai thủ tục hành chính" in html  # pending confirmation and due soon
    assert "còn 3 ngày" in html
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html
    assert "Chưa giao chủ trì" in html


def test_officer_home_is_my_tasks(client, auth, world):
    auth.login(world.an)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my-tasks")
    assert client.get(f"/units/{world.ward.code}/dashboard").status_code == 403


def test_as_of_changes_the_figures(client, auth, world):
    auth.login(world.chair)
    url = f"/units/{world.ward.code}/dashboard"
    html = client.get(url).get_data(as_text=True)
    annual = _plan_card(html, world.annual.id)
    assert "33,3%" in annual and "Hôm nay" not in annual
    html = client.get(url + "?as_of=01/05/2024").get_data(as_text=True)
    annual = _plan_card(html, world.annual.id)
    assert "số liệu lũy kế đến ngày 01/05/2024" in html
    assert "50,0%" in annual and "(3/6)" in annual  # 01/05: three of six done
    assert "Hôm nay" in annual and "33,3%" in annual  # and today's figures beside them
    html = client.get(url + "?as_of=2024-05-01").get_data(as_text=True)
    assert "(3/6)" in _plan_card(html, world.annual.id)


def test_bad_as_of_is_said_not_fatal(client, auth, world):
    auth.login(world.chair)
    response = client.get(f"/units/{world.ward.code}/dashboard?as_of=31/02/2024")
    assert response.status_code == 200
    assert "không hợp lệ" in response.get_data(as_text=True)


def test_inspector_of_the_city_reads_the_ward_dashboard(client, auth, world):
    inspector = gen_officer(world.city, Role.INSPECTOR)
    db.session.commit()
    auth.login(inspector)
    home = client.get("/").get_data(as_text=True)  # the city's own dashboard lists its wards
    assert f'href="/units/{world.ward.code}/dashboard"' in home
    response = client.get(f"/units/{world.ward.code}/dashboard")
    assert response.status_code == 200
    assert "Kế hoạch CCHC năm 2024" in response.get_data(as_text=True)


def test_others_are_refused(client, auth, world):
    other_ward = gen_unit(parent=world.city)
    other_city = gen_unit(kind=UnitKind.CITY)
    neighbour = gen_officer(other_ward)
    neighbour_chair = gen_officer(other_ward, Role.CHAIRPERSON)
    far_inspector = gen_officer(other_city, Role.INSPECTOR)
    db.session.commit()
    for officer in (neighbour, neighbour_chair, far_inspector):
        auth.logout()
        auth.login(officer)
        assert client.get(f"/units/{world.ward.code}/dashboard").status_code == 403
    assert client.get("/units/khong-co/dashboard").status_code == 404


def test_progress_chart_is_inline_accessible_svg(client, auth, world):
    auth.login(world.chair)
    html = client.get(f"/units/{world.ward.code}/dashboard").get_data(as_text=True)
    charts = re.findall(r"<svg class=\"progress-chart[^>]*>.*?</svg>", html, re.S)
    assert len(charts) == 2
    annual = charts[0]
    assert 'viewBox="0 0 640 230"' in annual
    assert 'role="img"' in annual
    assert f'aria-labelledby="chart-{world.annual.id}-title chart-{world.annual.id}-desc"' in annual
    assert re.search(r"<title id=\"chart-\d+-title\">Tiến độ", annual)
    assert "Đến ngày 12/03/2024: 2 trên 6 nhiệm vụ đã hoàn thành" in annual
    assert annual.count("<polyline") == 2
    assert ">1</text>" in annual and ">12</text>" in annual and "Số nhiệm vụ" in annual
    assert ">1/2023</text>" in charts[1]  # the PAPI plan spans 2023–2024
    # no script, no CDN: the page loads only the app's own files
    assert not re.search(r"<(script|link)[^>]+(https?:)?//", html)


def test_dashboard_links_to_filtered_task_lists(client, auth, world):
    auth.login(world.chair)
    html = client.get(f"/units/{world.ward.code}/dashboard").get_data(as_text=True)
    base = f"/units/{world.ward.code}/tasks"
    assert f'href="{base}?status=open_overdue"' in html
    assert f'href="{base}?plan={world.annual.id}"' in html
    assert f'href="{base}?officer={world.an.id}"' in html
    assert f'href="{base}?officer=none"' in html
    assert f'href="{base}?status=open&amp;from=2024-03-12&amp;to=2024-03-26"' in html
    assert f'href="/units/{world.ward.code}/confirmations"' in html
    # each link lists what the dashboard counted
    overdue = client.get(f"{base}?status=open_overdue&as_of=2024-03-12").get_data(as_text=True)
    assert "1 nhiệm vụ" in overdue
    soon = client.get(f"{base}?status=open&from=2024-03-12&to=2024-03-26&as_of=2024-03-12")
    assert "2 nhiệm vụ" in soon.get_data(as_text=True)


def test_nav_shows_dashboard_to_leaders_only(client, auth, world):
    auth.login(world.chair)
    html = client.get("/my-tasks").get_data(as_text=True)
    assert ">Tổng quan</a>" in html and ">Nhiệm vụ</a>" in html
    auth.logout()
    auth.login(world.an)
    html = client.get("/my-tasks").get_data(as_text=True)
    assert ">Tổng quan</a>" not in html and ">Nhiệm vụ</a>" in html


def _plan_card(html: str, plan_id: int) -> str:
    match = re.search(rf'data-testid="plan-{plan_id}">(.*?)</article>', html, re.S)
    assert match, plan_id
    return match.group(1)


def _ward(n_tasks: int):
    """A ward with `n_tasks` tasks of every kind: done, late, overdue, due soon, pending,
    recurring, unassigned, in two plans and three fields."""
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    officers = [gen_officer(ward) for _ in range(4)]
    plans = [gen_plan(ward), gen_plan(ward, appendix_row="1.3", start_year=2023)]
    groups = [gen_group(plans[0]), gen_group(plans[0]), gen_group(plans[1])]
    for i in range(n_tasks):
        kind = i % 6
        plan = plans[i % 2]
        completed = {0: date(2024, 1, 5), 1: date(2024, 12, 1)}.get(kind)
        gen_task(
            plan,
            officers[i % 4] if kind != 5 else None,
            group=groups[i % 3] if groups[i % 3].plan_id == plan.id else None,
            deadline=date(2024, 1 + i % 12, 10),
            completed_on=completed,
            supporters=[officers[(i + 1) % 4]],
            **({"state": TaskState.PENDING_CONFIRMATION} if kind == 2 else {}),
            **(
                {
                    "cadence_every": 1,
                    "cadence_unit": CadenceUnit.MONTH,
                    "occurrences": [
                        TaskOccurrence(sequence=1, deadline=date(2024, 2, 29)),
                        TaskOccurrence(sequence=2, deadline=date(2024, 3, 29)),
                    ],
                }
                if kind == 3
                else {}
            ),
        )
    db.session.commit()
    return ward, chair


def test_query_count_does_not_grow_with_tasks(client, auth, count_queries, clock):
    clock(date(2024, 6, 5))
    counts = []
    for n_tasks in (10, 100):
        ward, chair = _ward(n_tasks)
        auth.logout()
        auth.login(chair)
        for path in ("/", f"/units/{ward.code}/dashboard?as_of=2024-03-12"):
            client.get(path)  # warm: the first request of a session loads more
            with count_queries() as q:
                response = client.get(path)
            assert response.status_code == 200
            counts.append((path.split("?")[0].count("/"), q.count))
    small, big = counts[:2], counts[2:]
    assert small == big, counts
    assert max(c for _, c in counts) <= 10, counts


def test_dashboard_and_list_in_english(client, auth, world):
    from tests.conftest import session_csrf_token

    auth.login(world.chair)
    client.post("/language/en", data={"csrf_token": session_csrf_token(client), "next": "/"})
    for path in (
        "/",
        f"/units/{world.ward.code}/dashboard?as_of=2024-05-01",
        f"/units/{world.ward.code}/tasks?as_of=2024-03-12&status=xyz",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html
    assert "33.3%" in client.get("/").get_data(as_text=True)  # English decimal point
