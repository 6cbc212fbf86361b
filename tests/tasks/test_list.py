import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests.dashboard.world import build_world
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role


@pytest.fixture
def world():
    w = build_world()
    w.tasks["t4"].notes = "Phối hợp Hội Liên hiệp Phụ nữ"
    w.tasks["t5"].title = "Ứng dụng CNTT, xây dựng chính quyền điện tử"
    w.tasks["t6"].deliverable = "Báo cáo 100% hồ sơ trực tuyến"
    db.session.commit()
    return w


def _titles(client, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'<td><a href="/tasks/\d+">([^<]*)</a>', html)


def _ids(client, url: str) -> list[int]:
    html = client.get(url).get_data(as_text=True)
    return [int(i) for i in re.findall(r'<td><a href="/tasks/(\d+)">', html)]


def _by(w, *keys):
    return sorted(w.tasks[k].id for k in keys)


def test_list_shows_every_task_by_deadline(client, auth, world):
    auth.login(world.chair)
    base = f"/units/{world.ward.code}/tasks?as_of=2024-03-12"
    ids = _ids(client, base)
    assert len(ids) == 8
    t = world.tasks
    # t1, t2 (29/02) and the monthly t7 (last deadline 31/03) in deadline order
    assert ids[:4] == [t["t1"].id, t["t2"].id, t["t3"].id, t["t8"].id]
    html = client.get(base).get_data(as_text=True)
    assert "8 nhiệm vụ" in html
    assert "Quá hạn, chưa hoàn thành" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("plan={annual}", ("t1", "t2", "t3", "t4", "t5", "t6")),
        ("officer={an}", ("t1", "t2", "t6", "t8")),
        ("officer=none", ("t5",)),
        ("status=done_on_time", ("t1",)),
        ("status=done_late", ("t2",)),
        ("status=open_overdue", ("t3",)),
        ("status=open_on_time", ("t4", "t5", "t6", "t7", "t8")),
        ("status=open", ("t3", "t4", "t5", "t6", "t7", "t8")),
        ("status=done", ("t1", "t2")),
        ("from=01/03/2024&to=20/03/2024", ("t3", "t4", "t8")),
        ("from=2024-06-01", ("t5", "t6")),
        ("to=2024-02-29", ("t1", "t2", "t7")),  # the monthly task's January/February deadlines
        ("plan={annual}&status=open&officer={binh}", ("t3", "t4")),
    ],
)
def test_filters(client, auth, world, query, expected):
    auth.login(world.chair)
    query = query.format(annual=world.annual.id, an=world.an.id, binh=world.binh.id)
    ids = _ids(client, f"/units/{world.ward.code}/tasks?as_of=2024-03-12&{query}")
    assert sorted(ids) == _by(world, *expected)


def test_field_filter(client, auth, world):
    auth.login(world.chair)
    group_id = world.tasks["t3"].group_id
    url = f"/units/{world.ward.code}/tasks?plan={world.annual.id}&group={group_id}"
    assert sorted(_ids(client, url)) == _by(world, "t3", "t4", "t5")


def test_status_follows_as_of(client, auth, world):
    auth.login(world.chair)
    base = f"/units/{world.ward.code}/tasks?status=open_overdue"
    assert sorted(_ids(client, base + "&as_of=12/03/2024")) == _by(world, "t3")
    assert sorted(_ids(client, base + "&as_of=01/04/2024")) == _by(world, "t3", "t4", "t7", "t8")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tuyen truyen", ("t1",)),
        ("TUYÊN TRUYỀN", ("t1",)),
        ("  Tuyên   truyền ", ("t1",)),
        ("chinh quyen dien tu", ("t5",)),
        ("Điện tử", ("t5",)),
        ("hoi lien hiep phu nu", ("t4",)),  # notes are searched too
        ("100%", ("t6",)),  # % is a character, not a wildcard
        ("_", ()),
        ("không có đâu", ()),
    ],
)
def test_search_ignores_diacritics(client, auth, world, q, expected):
    auth.login(world.chair)
    response = client.get(f"/units/{world.ward.code}/tasks", query_string={"q": q})
    ids = [
        int(i) for i in re.findall(r'<td><a href="/tasks/(\d+)">', response.get_data(as_text=True))
    ]
    assert sorted(ids) == _by(world, *expected)
    assert f'value="{" ".join(q.split())}"' in response.get_data(as_text=True)  # kept


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("plan=abc", "Kế hoạch “abc” không có trong đơn vị"),
        ("plan=99999999999999999999", "Kế hoạch “99999999999999999999”"),
        ("plan=2147483647", "Kế hoạch “2147483647” không có trong đơn vị"),
        ("officer=-1", "Cán bộ “-1” không có trong đơn vị"),
        ("group=0", "Lĩnh vực “0”"),
        ("status=xong", "Tình trạng “xong” không hợp lệ"),
        ("from=31/02/2024", "Ngày “31/02/2024” (hạn từ) không hợp lệ"),
        ("to=2024-13-40", "Ngày “2024-13-40” (hạn đến) không hợp lệ"),
        ("from=2024-05-01&to=2024-04-01", "Khoảng thời hạn 01/05/2024 – 01/04/2024 bị ngược"),
        ("as_of=hôm qua", "tình trạng được tính đến hôm nay"),
        ("q=" + "a" * 300, "Từ khóa tìm kiếm không hợp lệ"),
        ("page=-5", "Số trang “-5” không hợp lệ"),
        ("page=%F0%9F%99%82", "Số trang"),
    ],
)
def test_bad_filters_are_said_and_ignored(client, auth, world, query, message):
    auth.login(world.chair)
    response = client.get(f"/units/{world.ward.code}/tasks?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert len(re.findall(r'<td><a href="/tasks/\d+">', html)) == 8  # the filter left out
    export = client.get(f"/units/{world.ward.code}/tasks/export.xlsx?{query}")
    assert export.status_code == 200


def test_choices_of_another_unit_are_refused(client, auth, world):
    other = gen_unit()
    other_plan = gen_plan(other)
    other_group = gen_group(other_plan)
    stranger = gen_officer(other)
    gen_task(other_plan, stranger, group=other_group)
    db.session.commit()
    auth.login(world.chair)
    base = f"/units/{world.ward.code}/tasks"
    for query in (f"plan={other_plan.id}", f"group={other_group.id}", f"officer={stranger.id}"):
        html = client.get(f"{base}?{query}").get_data(as_text=True)
        assert "không có trong" in html, query
        assert len(re.findall(r'<td><a href="/tasks/\d+">', html)) == 8
    # a field of the unit's other plan does not go with the chosen plan
    papi_group = gen_group(world.papi, "Công khai, minh bạch")
    db.session.commit()
    html = client.get(f"{base}?plan={world.annual.id}&group={papi_group.id}").get_data(as_text=True)
    assert "không có trong kế hoạch đã chọn" in html


def test_form_keeps_the_values(client, auth, world):
    auth.login(world.chair)
    html = client.get(
        f"/units/{world.ward.code}/tasks?plan={world.annual.id}&officer={world.binh.id}"
        "&status=open_overdue&from=01/03/2024&to=2024-03-31&as_of=12/03/2024&q=thu+tuc"
    ).get_data(as_text=True)
    assert f'<option value="{world.annual.id}" selected>' in html
    assert f'<option value="{world.binh.id}" selected>' in html
    assert '<option value="open_overdue" selected>' in html
    # dates shown dd/mm/yyyy whichever way they came (ISO from old links)
    assert 'name="from" value="01/03/2024"' in html
    assert 'name="to" value="31/03/2024"' in html
    assert 'name="as_of" value="12/03/2024"' in html
    assert 'name="q" value="thu tuc"' in html
    # the export link carries the same filters
    link = re.search(r'href="([^"]*export\.xlsx[^"]*)"', html).group(1).replace("&amp;", "&")
    for part in (f"plan={world.annual.id}", "status=open_overdue", "from=2024-03-01", "q=thu+tuc"):
        assert part in link


def test_permissions(client, auth, world):
    neighbour = gen_officer(gen_unit(parent=world.city), Role.CHAIRPERSON)
    inspector = gen_officer(world.city, Role.INSPECTOR)
    db.session.commit()
    urls = (f"/units/{world.ward.code}/tasks", f"/units/{world.ward.code}/tasks/export.xlsx")
    auth.login(world.an)  # a plain officer of the ward reads its list
    assert [client.get(u).status_code for u in urls] == [200, 200]
    for officer, expected in ((neighbour, 403), (inspector, 200)):
        auth.logout()
        auth.login(officer)
        assert [client.get(u).status_code for u in urls] == [expected, expected]
    assert client.get("/units/khong-co/tasks").status_code == 404


def test_pagination_keeps_filters(client, auth):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    lead = gen_officer(ward)
    plan = gen_plan(ward)
    for i in range(120):
        gen_task(plan, lead, title=f"Việc số {i:03d}", deadline=date(2024, 1, 1 + i % 28))
    gen_task(plan, chair, title="Việc của người khác")
    db.session.commit()
    auth.login(chair)
    base = f"/units/{ward.code}/tasks?officer={lead.id}"
    first = client.get(base).get_data(as_text=True)
    assert "120 nhiệm vụ" in first and "trang 1/3" in first
    assert len(re.findall(r'<td><a href="/tasks/\d+">', first)) == 50
    assert f'href="/units/{ward.code}/tasks?officer={lead.id}&amp;page=2"' in first
    seen = set()
    for page in (1, 2, 3):
        ids = _ids(client, f"{base}&page={page}")
        assert len(ids) == (50 if page < 3 else 20)
        seen |= set(ids)
    assert len(seen) == 120
    third = client.get(f"{base}&page=3").get_data(as_text=True)
    assert "<td>101</td>" in third  # numbering goes on from page to page
    # a page past the end shows the last one
    assert _ids(client, f"{base}&page=99") == _ids(client, f"{base}&page=3")


def test_list_query_count_does_not_grow(client, auth, count_queries):
    counts = []
    for n in (10, 120):
        ward = gen_unit()
        chair = gen_officer(ward, Role.CHAIRPERSON)
        officers = [gen_officer(ward) for _ in range(3)]
        plan = gen_plan(ward)
        group = gen_group(plan)
        for i in range(n):
            gen_task(plan, officers[i % 3], group=group, supporters=[officers[(i + 1) % 3]])
        db.session.commit()
        auth.logout()
        auth.login(chair)
        for path in (
            f"/units/{ward.code}/tasks?q=nhiem+vu",
            f"/units/{ward.code}/tasks/export.xlsx",
        ):
            client.get(path)
            with count_queries() as q:
                assert client.get(path).status_code == 200
            counts.append(q.count)
    assert counts[:2] == counts[2:], counts


# ---------------------------------------------------------------------------- export


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data)).active


def _header_row(sheet) -> int:
    for row in range(1, 10):
        if sheet.cell(row=row, column=1).value == "STT":
            return row
    raise AssertionError("no header row")


def test_export_reads_back(client, auth, world):
    auth.login(world.chair)
    response = client.get(
        f"/units/{world.ward.code}/tasks/export.xlsx?plan={world.annual.id}&as_of=12/03/2024"
    )
    assert "attachment;" in response.headers["Content-Disposition"]
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = _sheet(response)
    header = _header_row(sheet)
    assert [c.value for c in sheet[header]] == [
        "STT",
        "Kế hoạch",
        "Lĩnh vực",
        "Nhiệm vụ",
        "Sản phẩm",
        "Chủ trì",
        "Phối hợp",
        "Thời hạn",
        "Ngày hoàn thành",
        "Tình trạng",
    ]
    assert all(c.font.bold and c.font.name == "Times New Roman" for c in sheet[header])
    title = " ".join(str(sheet.cell(row=r, column=1).value) for r in range(1, header))
    assert "DANH SÁCH NHIỆM VỤ" in title and "Phường Vĩnh Hòa" in title
    assert "12/03/2024" in title and "39/QĐ-UBND" in title
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=header + 1)]
    assert len(rows) == 6
    first = rows[0]
    assert first[0] == 1
    assert first[1] == "Kế hoạch CCHC năm 2024 (39/QĐ-UBND)"
    assert first[2] == "Tuyên truyền CCHC"
    assert first[3] == "Xây dựng kế hoạch tuyên truyền CCHC"
    assert first[5] == "Nguyễn Văn An"
    assert first[7] == datetime(2024, 2, 29)
    assert first[8] == datetime(2024, 2, 20)
    assert first[9] == "Hoàn thành đúng hạn"
    cell = sheet.cell(row=header + 1, column=8)
    assert cell.number_format == "dd/mm/yyyy" and cell.font.name == "Times New Roman"
    statuses = [r[9] for r in rows]
    assert statuses.count("Quá hạn, chưa hoàn thành") == 1
    assert statuses.count("Hoàn thành quá hạn") == 1
    t6 = next(r for r in rows if r[7] == datetime(2024, 12, 31))
    assert t6[8] is None  # done on 10/04, after the date of the list


def test_export_holds_the_whole_filtered_list(client, auth):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    plan = gen_plan(ward)
    for i in range(60):
        gen_task(plan, chair, title=f"Tuyên truyền đợt {i}" if i % 2 else f"Việc khác {i}")
    db.session.commit()
    auth.login(chair)
    sheet = _sheet(client.get(f"/units/{ward.code}/tasks/export.xlsx?q=tuyen+truyen&page=1"))
    header = _header_row(sheet)
    titles = [row[3].value for row in sheet.iter_rows(min_row=header + 1)]
    assert len(titles) == 30 and all(t.startswith("Tuyên truyền") for t in titles)
    assert "từ khóa “tuyen truyen”" in str(sheet.cell(row=header - 2, column=1).value)


def test_export_escapes_formulas(client, auth):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    lead = gen_officer(ward, full_name="=cmd|' /C calc'!A0")
    plan = gen_plan(ward, title="+Kế hoạch", document_number="")
    gen_task(
        plan,
        lead,
        title='=HYPERLINK("http://x","bấm")',
        deliverable="-2+3",
        supporters=[gen_officer(ward, full_name="@SUM(1)")],
        recurrence_note="",
    )
    db.session.commit()
    auth.login(chair)
    sheet = _sheet(client.get(f"/units/{ward.code}/tasks/export.xlsx"))
    row = [c.value for c in sheet[_header_row(sheet) + 1]]
    assert row[1] == "'+Kế hoạch"
    assert row[3] == '\'=HYPERLINK("http://x","bấm")'
    assert row[4] == "'-2+3"
    assert row[5] == "'=cmd|' /C calc'!A0"
    assert row[6] == "'@SUM(1)"
    assert all(c.data_type != "f" for c in sheet[_header_row(sheet) + 1])
