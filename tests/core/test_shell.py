"""The menu rendered once per unit, entries and language: each officer still sees their own;
the shell's files named by their content and kept by the browser."""

import hashlib
import os
import re
from pathlib import Path

from tests.factories import gen_officer, gen_unit
from tracker.extensions import db
from tracker.people.models import Role
from tracker.tasks.models import Notification


def _nav(client) -> str:
    html = client.get("/my-tasks").get_data(as_text=True)
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def test_each_officer_sees_their_own_name_unit_count_and_entries(client, auth):
    ward, other = gen_unit(name="Phường Một"), gen_unit(name="Phường <Hai>")
    chair = gen_officer(ward, Role.CHAIRPERSON, full_name="Nguyễn <b>Chủ</b> Tịch")
    officer = gen_officer(ward, Role.OFFICER, full_name="Trần Thị Cán")
    stranger = gen_officer(other, Role.OFFICER, full_name="Lê Văn Khác")
    # The badge counts what needs action (tasks.notices): three returned works, not the notice
    # of an assignment.
    db.session.add_all(
        [Notification(officer_id=officer.id, kind="returned", message="x") for _ in range(3)]
        + [Notification(officer_id=officer.id, kind="assigned", message="x")]
    )
    db.session.commit()

    auth.login(chair)
    menu = _nav(client)
    assert "Nguyễn &lt;b&gt;Chủ&lt;/b&gt; Tịch" in menu and "<b>" not in menu
    assert "Tổng quan" in menu and "unread-count" not in menu
    auth.logout()

    auth.login(officer)
    menu = _nav(client)
    assert "Trần Thị Cán" in menu and "Chủ" not in menu
    assert "Tổng quan" not in menu  # a plain officer has no leader views
    assert 'data-testid="unread-count">3</span>' in menu
    assert f"/units/{ward.code}/plans" in menu
    auth.logout()

    auth.login(stranger)
    menu = _nav(client)
    assert "Phường &lt;Hai&gt;" in menu and f"/units/{other.code}/plans" in menu
    assert f"/units/{ward.code}/" not in menu and "unread-count" not in menu


def test_the_menu_carries_the_sessions_csrf_token(client, auth):
    officer = gen_officer(gen_unit(), Role.OFFICER)
    db.session.commit()
    auth.login(officer)
    menu = _nav(client)
    token = menu.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/my-tasks").status_code == 302  # logged out


BANNER = "Dữ liệu mẫu: hôm nay là 12/03/2024"


def test_the_demo_says_its_date_on_every_page(app, client, auth, monkeypatch):
    from datetime import date

    from tests.conftest import session_csrf_token

    monkeypatch.setitem(app.config, "TRACKER_DEMO_TODAY", date(2024, 3, 12))
    officer = gen_officer(gen_unit(), Role.CHAIRPERSON)
    db.session.commit()
    assert BANNER in client.get("/login").get_data(as_text=True)
    auth.login(officer)
    for path in ("/my-tasks", "/", "/reminders", "/no-such-page"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert html.count(BANNER) == 1, path
    client.post("/language/en", data={"csrf_token": session_csrf_token(client), "next": "/"})
    html = client.get("/my-tasks").get_data(as_text=True)
    assert "Demo data: today is 12/03/2024" in html and BANNER not in html


def test_no_banner_without_the_setting(client, auth):
    officer = gen_officer(gen_unit(), Role.CHAIRPERSON)
    db.session.commit()
    assert "Dữ liệu mẫu" not in client.get("/login").get_data(as_text=True)
    auth.login(officer)
    for path in ("/my-tasks", "/", "/no-such-page"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "Dữ liệu mẫu" not in html and "demo-banner" not in html, path


def test_a_read_only_inspectors_menu_holds_only_what_they_can_use(client, auth):
    city = gen_unit(name="Thành phố")
    ward = gen_unit(name="Phường Một", parent=city)
    inspector = gen_officer(city, Role.INSPECTOR)
    officer = gen_officer(ward, Role.OFFICER)
    db.session.commit()
    auth.login(inspector)
    menu = _nav(client)
    # no tasks of their own: no "my tasks", no reminders received, no evaluation of their own
    for entry in ("Việc của tôi", "Nhắc việc đã nhận", "Kết quả đánh giá của tôi"):
        assert entry not in menu
    assert "Tổng quan" in menu and "Mã truy cập API" in menu
    auth.logout()
    auth.login(officer)
    menu = _nav(client)
    for entry in ("Việc của tôi", "Nhắc việc đã nhận", "Kết quả đánh giá của tôi"):
        assert entry in menu


def test_the_shells_fixed_links_follow_the_script_root(client, auth):
    # Built once per app and script root (core.shell.shell_url): a prefix never leaks.
    officer = gen_officer(gen_unit(), Role.OFFICER)
    db.session.commit()
    auth.login(officer)
    plain = client.get("/my-tasks").get_data(as_text=True)
    prefixed = client.get("/my-tasks", base_url="http://localhost/cchc/").get_data(as_text=True)
    again = client.get("/my-tasks").get_data(as_text=True)
    assert 'href="/static/css/tracker.css?v=' in plain and "/cchc/" not in plain
    assert 'href="/cchc/static/css/tracker.css?v=' in prefixed
    assert 'action="/cchc/language/vi"' in prefixed
    assert "/cchc/" not in again


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_the_shells_files_are_named_by_their_content_and_kept(app, client):
    links = _links(client.get("/login").get_data(as_text=True))
    assert len(links) >= 8 and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links)
    stylesheet = next(link for link in links if "css/tracker.css" in link)
    content = Path(app.static_folder, "css/tracker.css").read_bytes()
    assert stylesheet.endswith(hashlib.sha256(content).hexdigest()[:12])

    kept = client.get(stylesheet)
    assert kept.status_code == 200 and kept.data == content
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(stylesheet, headers={"If-None-Match": kept.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # By its bare name (a vendor stylesheet's own fonts and images): revalidated, not kept.
    bare = client.get("/static/css/tracker.css")
    assert bare.status_code == 200 and "immutable" not in bare.headers.get("Cache-Control", "")
    missing = client.get("/static/css/no-such.css?v=0123456789ab")
    assert missing.status_code == 404 and "immutable" not in missing.headers.get(
        "Cache-Control", ""
    )


def test_in_debug_mode_an_edited_file_is_named_anew(app, client, tmp_path, monkeypatch):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    stylesheet = static / "css" / "tracker.css"
    stylesheet.write_text("body { color: black; }")
    monkeypatch.setattr(app, "static_folder", str(static))
    monkeypatch.setattr(app, "debug", True)
    from tracker.core.shell import shell_url

    with app.test_request_context("/login"):
        before = shell_url("static", filename="css/tracker.css")
        stylesheet.write_text("body { color: navy; }")
        os.utime(stylesheet, ns=(1, 2))  # a later edit, whatever the file system's clock says
        after = shell_url("static", filename="css/tracker.css")
    assert before != after
    assert after.endswith(hashlib.sha256(b"body { color: navy; }").hexdigest()[:12])
