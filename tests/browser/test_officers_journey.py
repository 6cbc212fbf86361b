"""The chairperson manages officers in the browser (issue 12), at a phone's width and a desk's,
with bad input: the officer form refused with its messages and kept as typed, a deactivation
refused until each open task has a new lead, an import listing its bad rows; nothing saved.

Screenshots: tests/artifacts/screenshots/officers-*-<width>.png, for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.actions import log_in_at
from tests.browser.conftest import save_screenshot
from tests.factories import gen_xlsx
from tracker.extensions import db
from tracker.people.models import Officer

pytestmark = pytest.mark.browser

CHAIR = "chutich@vinhhoa.example"
LEAD = "tuphap@vinhhoa.example"  # leads open tasks of the demo plans
WIDTHS = [390, 1366]


def _officer_count(live_server) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Officer))


@pytest.mark.parametrize("width", WIDTHS)
def test_chairperson_manages_officers_with_bad_input(new_page, live_server, width, tmp_path):
    page = new_page(width=width, height=900)
    before = _officer_count(live_server)
    log_in_at(page, CHAIR, live_server.passwords[CHAIR], "/units/vinh-hoa/officers")
    expect(page.get_by_role("link", name="Thêm cán bộ")).to_be_visible()
    save_screenshot(f"officers-list-{width}.png", page, full_page=True)
    save_screenshot(f"officers-list-top-{width}.png", page)

    page.get_by_role("link", name="Thêm cán bộ").click()
    page.locator("input[name=full_name]").fill("   ")
    page.locator("input[name=email]").fill("khong-phai-email")
    page.locator("input[name=phone]").fill("số máy bàn")
    page.locator("input[name=position]").fill("Công chức Địa chính - Xây dựng")
    page.locator("#role-officer").uncheck()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Họ và tên không được để trống.")).to_be_visible()
    expect(page.get_by_text("Cán bộ cần ít nhất một vai trò.")).to_be_visible()
    expect(page.locator("input[name=position]")).to_have_value("Công chức Địa chính - Xây dựng")
    expect(page.locator("input[name=email]")).to_have_value("khong-phai-email")
    save_screenshot(f"officers-form-refused-{width}.png", page, full_page=True)

    with live_server.app.app_context():
        lead_id = db.session.scalar(select(Officer.id).where(Officer.email == LEAD))
    page.goto(f"/officers/{lead_id}/deactivate")
    page.get_by_role("button", name="Ngừng hoạt động").click()
    expect(page.get_by_text("Chọn người chủ trì mới cho nhiệm vụ này.").first).to_be_visible()
    save_screenshot(f"officers-deactivate-refused-{width}.png", page, full_page=True)

    bad = tmp_path / "can-bo.xlsx"
    bad.write_bytes(
        gen_xlsx(
            [
                ["Họ và tên", "Chức vụ", "Email", "Vai trò"],
                ["Nguyễn Văn Mới", "Công chức", "moi@vinhhoa.example", "Cán bộ"],
                ["", "Công chức", "sai-email", "Giám đốc"],
            ]
        )
    )
    page.goto("/units/vinh-hoa/officers/import")
    page.locator("input[name=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập danh sách").click()
    expect(page.locator("#import-problems")).to_contain_text("Dòng 3")
    save_screenshot(f"officers-import-refused-{width}.png", page, full_page=True)

    with live_server.app.app_context():
        assert db.session.scalar(select(Officer.active).where(Officer.id == lead_id))
    assert _officer_count(live_server) == before  # nothing saved


@pytest.mark.parametrize("width", WIDTHS)
def test_forgot_password_page(new_page, width):
    page = new_page(width=width, height=800)
    page.goto("/login")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_role("button", name="Gửi đường dẫn đặt lại mật khẩu").click()
    expect(page.get_by_text("Nhập email.")).to_be_visible()
    save_screenshot(f"officers-forgot-{width}.png", page, full_page=True)
    page.goto("/invitation/khong-hop-le")
    expect(page.get_by_text("Đường dẫn không hợp lệ")).to_be_visible()
    save_screenshot(f"officers-link-refused-{width}.png", page, full_page=True)
