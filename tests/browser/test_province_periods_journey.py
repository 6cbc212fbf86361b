"""The province collects its communes' Phụ lục 1 (issue 16), in a real browser: its
administrator opens Quý I for all communes at once with the regulation's dates, one commune's
focal officer freezes its table (on a phone), the province's page of the period shows it frozen
on time and the others missing, and the summary .xlsx downloads.

The journey builds a province of its own on the shared live server (the demo ward is a city's).
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.actions import log_in, log_in_at, tick_all
from tests.browser.conftest import save_screenshot
from tracker.appendix.indicators import tree_for_year
from tracker.extensions import db
from tracker.people.models import Role, Unit, UnitKind
from tracker.people.operations import create_officer

pytestmark = pytest.mark.browser

PASSWORD = "hanh-trinh-tinh-2027"
ADMIN = "quantri@tinhhanhtrinh.example"
FOCAL = "daumoi@xabinhminh.example"


def make_province(live_server) -> None:
    with live_server.app.app_context():
        province = Unit(code="tinh-hanh-trinh", name="Tỉnh Hành Trình",
                        kind=UnitKind.PROVINCE)
        db.session.add(province)
        communes = [
            Unit(code=code, name=name, kind=kind, parent=province)
            for code, name, kind in (
                ("xa-binh-minh", "Xã Bình Minh", UnitKind.COMMUNE),
                ("phuong-hoang-hon", "Phường Hoàng Hôn", UnitKind.WARD),
                ("dac-khu-dao-xa", "Đặc khu Đảo Xa", UnitKind.SPECIAL_ZONE),
            )
        ]
        db.session.add_all(communes)
        db.session.flush()
        create_officer(db.session, unit=province, email=ADMIN, full_name="Trần Quản Trị",
                       roles=(Role.UNIT_ADMIN,), position="Chuyên viên Sở Nội vụ",
                       password=PASSWORD)
        create_officer(db.session, unit=communes[0], email=FOCAL, full_name="Lê Đầu Mối",
                       roles=(Role.FOCAL_OFFICER,), position="Công chức Văn phòng",
                       password=PASSWORD)
        db.session.commit()
        db.session.remove()


def test_province_opens_q1_a_commune_freezes_the_province_sees_it(new_page, live_server):
    make_province(live_server)

    # The province's administrator opens Quý I 2027 for every commune at once.
    admin = new_page(width=1366, height=900)
    log_in(admin, ADMIN, PASSWORD)
    admin.get_by_role("link", name="Báo cáo các xã").click()  # the menu of a province
    admin.locator("#regime-pick").select_option("q1")
    admin.locator("#year-pick").fill("2027")
    admin.get_by_role("button", name="Tính ngày theo quy định").click()
    expect(admin.locator("#start")).to_have_value("15/12/2026")
    expect(admin.locator("#end")).to_have_value("14/03/2027")
    expect(admin.locator("#due_on")).to_have_value("20/03/2027")
    expect(admin.locator("#label")).to_have_value("Quý I năm 2027")
    save_screenshot("province-open-1366.png", admin, full_page=True)
    admin.get_by_role("button", name="Mở kỳ cho tất cả các xã").click()
    expect(admin.get_by_role("alert").filter(has_text="cho 3 đơn vị")).to_be_visible()
    expect(admin.get_by_test_id("frozen-count")).to_contain_text("0/3")
    province_period_url = admin.url

    # One commune's focal officer freezes its table, on a phone.
    phone = new_page(width=390, height=844)
    log_in_at(phone, FOCAL, PASSWORD, "/units/xa-binh-minh/appendix")
    phone.get_by_role("link", name="Quý I năm 2027").click()
    phone.locator('input[name="v-3.2.1.a"]').fill("40")
    phone.locator('input[name="v-3.2.1.b"]').fill("38")
    phone.locator('input[name="v-3.2.1.c"]').fill("37")
    typed = {"3.2.1.a", "3.2.1.b", "3.2.1.c"}
    not_arising = [row.key for row in tree_for_year(2027).entered if row.key not in typed]
    tick_all(
        phone.locator(", ".join(f'input[name="z-{key}"]' for key in not_arising)),
        len(not_arising),
    )
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Xác nhận chốt số liệu")
    tick_all(phone.locator('input[name="ack"]'))
    phone.get_by_test_id("confirm-freeze").click()
    expect(phone.get_by_role("alert").filter(has_text="Đã chốt số liệu")).to_be_visible()

    # The province's page: that commune frozen on time, the two others missing.
    admin.goto(province_period_url)
    expect(admin.get_by_test_id("frozen-count")).to_contain_text("1/3 đơn vị đã chốt số liệu")
    frozen = admin.locator('tr[data-unit="xa-binh-minh"]')
    expect(frozen).to_contain_text("Đã chốt")
    expect(frozen).to_contain_text("Đúng hạn")
    for code in ("phuong-hoang-hon", "dac-khu-dao-xa"):
        expect(admin.locator(f'tr[data-unit="{code}"]')).to_contain_text("Chưa chốt")
    save_screenshot("province-period-1366.png", admin, full_page=True)
    assert phone.goto(province_period_url).status == 403  # the province's page, not a commune's
    narrow = new_page(width=390, height=844)
    log_in_at(narrow, ADMIN, PASSWORD, province_period_url)
    save_screenshot("province-period-390.png", narrow, full_page=True)

    # The summary downloads as .xlsx: the table summed, and the communes listed.
    with admin.expect_download() as download:
        admin.get_by_test_id("summary-xlsx").click()
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames == ["Phụ lục 1", "Các xã"]
    sheet = book["Phụ lục 1"]
    cells = {row.key: sheet.cell(7 + i, 4).value for i, row in enumerate(tree_for_year(2027).rows)}
    assert (cells["3.2.1.a"], cells["3.2.1.c"]) == (40, 37)
    names = [(r[1].value, r[2].value) for r in book["Các xã"].iter_rows(min_row=4)]
    assert names[0] == ("Xã Bình Minh", "Đã chốt")
    assert {state for _name, state in names[1:]} == {"Chưa chốt (thiếu)"}


def test_a_bad_indicator_file_is_refused_line_by_line(new_page, live_server, tmp_path):
    with live_server.app.app_context():
        province = Unit(code="tinh-chi-tieu", name="Tỉnh Chỉ Tiêu", kind=UnitKind.PROVINCE)
        db.session.add(province)
        db.session.flush()
        create_officer(db.session, unit=province, email="quantri@tinhchitieu.example",
                       full_name="Phạm Quản Trị", roles=(Role.UNIT_ADMIN,),
                       position="Chuyên viên", password=PASSWORD)
        db.session.commit()
        db.session.remove()
    bad = tmp_path / "chi-tieu-2027.toml"
    bad.write_text(
        'year = 2027\n\n[[rows]]\nkey = "1"\ncode = "1."\nlabel = "Tỷ lệ"\nunit = "%"\n'
        'kind = "rate"\nnumerator = ["1.b"]\ndenominator = ["1.a"]\n\n'
        '[[rows]]\nkey = "1.a"\ncode = "1."\nlabel = "Số hồ sơ"\nunit = "Hồ sơ"\n'
        'kind = "entered"\ntype = "count"\n', encoding="utf-8")
    page = new_page(width=390, height=844)
    log_in_at(page, "quantri@tinhchitieu.example", PASSWORD, "/units/tinh-chi-tieu/appendix/trees")
    page.locator("#file").set_input_files(str(bad))
    page.get_by_role("button", name="Nạp", exact=True).click()
    errors = page.get_by_test_id("tree-errors")
    expect(errors).to_contain_text("Dòng 3")
    expect(errors).to_contain_text("“1.b” không phải một dòng có số liệu")
    expect(errors).to_contain_text("Dòng 12")
    expect(errors).to_contain_text("STT “1.” trùng")
    expect(page.get_by_test_id("trees")).to_have_count(0)  # nothing kept
    save_screenshot("province-tree-refused-390.png", page, full_page=True)
