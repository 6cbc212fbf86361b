"""A province and a ward set up in the browser, end to end (issue 12): the system administrator
creates a province and a ward under it and invites its chairperson by email (read from a real
SMTP server on loopback); the chairperson sets a password from the link, adds three officers
(one by the form, two from .xlsx), creates a plan by hand with two fields and five tasks,
imports a second plan from a .docx whose leads are named by their posts, withdraws a task with
a reason, deactivates an officer handing their tasks over in the same step; that officer's old
session is refused.

Screenshots: tests/artifacts/screenshots/admin-journey-*.png, for a person to look at.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.browser.actions import log_in, log_in_at
from tests.browser.conftest import save_screenshot
from tests.factories import gen_docx, gen_xlsx
from tests.reminders.conftest import SmtpServer, free_port
from tracker.core.audit import acting_as
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.people.operations import create_officer
from tracker.plans.models import Plan
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser

PASSWORD = "đèo cả mây bay"


@pytest.fixture
def mailbox(live_server):
    """The live server sends over SMTP to a real server on loopback for this test."""
    server = SmtpServer(port=free_port())
    server.start()
    config = live_server.app.config
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "TRACKER_MAIL_TRANSPORT",
            "TRACKER_BASE_URL")
    saved = {key: config.get(key) for key in keys}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False,
                  MAIL_USE_SSL=False, TRACKER_MAIL_TRANSPORT="smtp",
                  TRACKER_BASE_URL=live_server.url)
    try:
        yield server
    finally:
        config.update(saved)
        server.stop()


def _link(mailbox: SmtpServer, address: str, page: Page) -> str:
    """The link of the newest email to `address` (sent after the commit, on a thread)."""
    for _ in range(100):
        letters = mailbox.to(address)
        if letters:
            body = letters[-1].get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://\S+/(?:invitation|password/reset)/\S+", body)[0]
        page.wait_for_timeout(100)
    raise AssertionError(f"no email to {address}")


def _set_password(page: Page, link: str) -> None:
    page.goto(link)
    page.locator("input[name=new_password]").fill(PASSWORD)
    page.locator("input[name=confirm]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đặt mật khẩu")


def _choose(select, text: str) -> None:
    """Select the option whose text holds `text` (an officer's option also shows their post)."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def _shot(page: Page, name: str) -> None:
    save_screenshot(f"admin-journey-{name}.png", page, full_page=True)


def _add_officer(page: Page, ward: str, name: str, email: str, position: str, role: str) -> None:
    page.goto(f"/units/{ward}/officers/new")
    page.locator("input[name=full_name]").fill(name)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=position]").fill(position)
    for box in page.locator("input[name=roles]").all():
        box.set_checked(box.get_attribute("value") == role)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_a_province_and_a_ward_set_up_in_the_browser(new_page, live_server, mailbox, tmp_path):
    n = uuid.uuid4().hex[:4]
    province, ward = f"phu-yen-{n}", f"tuy-hoa-{n}"
    chair_email, lead_email = f"chutich-{n}@tuyhoa.example", f"tuphap-{n}@tuyhoa.example"
    with live_server.app.app_context(), acting_as(None):
        # A national installation: one unit above every province, its administrator's.
        top = Unit(code=f"ca-nuoc-{n}", name="Cả nước", kind=UnitKind.NATIONAL)
        db.session.add(top)
        db.session.flush()
        system = create_officer(db.session, unit=top, email=f"he-thong-{n}@cchc.example",
                                full_name="Quản Trị Hệ Thống", roles=[Role.ADMIN],
                                password=PASSWORD)
        db.session.commit()
        system_email = system.email

    # The system administrator: a province at the top, a ward under it, its chairperson.
    admin = new_page(width=1366, height=900)
    log_in_at(admin, system_email, PASSWORD, "/units/new")
    admin.locator("input[name=code]").fill(province)
    admin.locator("input[name=name]").fill("Tỉnh Phú Yên")
    admin.locator("select[name=kind]").select_option("province")
    admin.locator("select[name=parent]").select_option(f"ca-nuoc-{n}")
    admin.get_by_role("button", name="Lưu").click()
    expect(admin.locator(".alert-success")).to_contain_text("Đã tạo đơn vị Tỉnh Phú Yên.")
    admin.goto(f"/units/new?parent={province}")
    admin.locator("input[name=code]").fill(ward)
    admin.locator("input[name=name]").fill("Phường Tuy Hòa")
    admin.locator("select[name=kind]").select_option("ward")
    admin.locator("select[name=parent]").select_option(province)
    admin.get_by_role("button", name="Lưu").click()
    expect(admin.locator(".alert-success")).to_contain_text("Đã tạo đơn vị Phường Tuy Hòa.")
    admin.goto("/units")
    expect(admin.get_by_test_id("unit-tree")).to_contain_text("Phường Tuy Hòa")
    _shot(admin, "tree")
    _add_officer(admin, ward, "Nguyễn Văn Chủ Tịch", chair_email, "Chủ tịch UBND phường",
                 "chairperson")

    # The chairperson sets a password from the emailed link, then logs in.
    chair = new_page(width=1366, height=900)
    _set_password(chair, _link(mailbox, chair_email, chair))
    log_in(chair, chair_email, PASSWORD)

    # Three officers: one by the form, two from a spreadsheet.
    _add_officer(chair, ward, "Trần Văn Tư Pháp", lead_email, "Công chức Tư pháp – Hộ tịch",
                 "officer")
    sheet = tmp_path / "can-bo.xlsx"
    sheet.write_bytes(gen_xlsx([
        ["Họ và tên", "Chức vụ", "Email", "Vai trò"],
        ["Lê Thị Tài Chính", "Công chức Tài chính – Kế toán", f"taichinh-{n}@tuyhoa.example",
         "Cán bộ"],
        ["Phạm Văn Hóa", "Công chức Văn hóa – Xã hội", f"vanhoa-{n}@tuyhoa.example", "Cán bộ"],
    ]))
    chair.goto(f"/units/{ward}/officers/import")
    chair.locator("input[name=file]").set_input_files(str(sheet))
    chair.get_by_role("button", name="Nhập danh sách").click()
    expect(chair.locator(".alert-success")).to_be_visible()
    chair.goto(f"/units/{ward}/officers")
    for name in ("Trần Văn Tư Pháp", "Lê Thị Tài Chính", "Phạm Văn Hóa"):
        expect(chair.locator("main")).to_contain_text(name)
    _shot(chair, "officers")

    # The officer of the form sets a password and logs in (a session to be ended later).
    lead = new_page(width=390, height=800)
    _set_password(lead, _link(mailbox, lead_email, lead))
    log_in(lead, lead_email, PASSWORD)
    expect(lead).to_have_url(re.compile(r"/my-tasks|/$"))

    # A plan by hand, two fields, five tasks.
    chair.goto(f"/units/{ward}/plans")
    chair.get_by_role("link", name="Lập kế hoạch mới").click()
    chair.get_by_label("Tên kế hoạch").fill("Kế hoạch cải cách hành chính năm 2025")
    chair.get_by_label("Loại kế hoạch").select_option("annual_reform")
    chair.get_by_label("Số văn bản").fill("12/KH-UBND")
    chair.get_by_label("Ngày văn bản").fill("10/01/2025")
    chair.get_by_label("Năm thực hiện").fill("2025")
    chair.get_by_role("button", name="Lưu kế hoạch").click()
    heading = chair.get_by_role("heading", name="Kế hoạch cải cách hành chính năm 2025")
    expect(heading).to_be_visible()
    plan_url = chair.url
    chair.get_by_role("link", name="Lĩnh vực", exact=True).click()
    for field in ("Cải cách thể chế", "Cải cách thủ tục hành chính"):
        chair.get_by_label("Tên lĩnh vực mới").fill(field)
        chair.get_by_role("button", name="Lưu", exact=True).click()
    chair.goto(plan_url)
    people = {"Trần Văn Tư Pháp": 3, "Lê Thị Tài Chính": 2}
    number = 0
    for lead_name, count in people.items():
        for _ in range(count):
            number += 1
            chair.get_by_role("link", name="Thêm nhiệm vụ").click()
            chair.locator("[name=title]").fill(f"Nhiệm vụ thứ {number} của kế hoạch")
            chair.locator("[name=deliverable]").fill("Báo cáo kết quả")
            chair.locator("select[name=group_id]").select_option(index=1 + number % 2)
            _choose(chair.locator("select[name=lead_officer_id]"), lead_name)
            _choose(chair.locator("select[name=confirmer_id]"), "Nguyễn Văn Chủ Tịch")
            chair.locator("input[name=deadline]").fill(f"{10 + number}/06/2025")
            chair.locator("input[name=submit]").click()
            expect(chair.locator(".alert-success")).to_be_visible()
            chair.goto(plan_url)
    expect(chair.locator("main")).to_contain_text("Nhiệm vụ thứ 5 của kế hoạch")
    _shot(chair, "plan")

    # A second plan from Word, its leads named by their posts.
    document = tmp_path / "kh-tinh.docx"
    document.write_bytes(gen_docx(
        "PHỤ LỤC",
        "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
        "(Kèm theo Kế hoạch số 30/KH-UBND ngày 15/01/2025 của UBND phường)",
        [
            ["STT", "Nội dung nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian hoàn thành",
             "Sản phẩm"],
            [("I. CHỈ ĐẠO, ĐIỀU HÀNH", 6)],
            ["1", "Rà soát thủ tục hành chính", "Công chức Tư pháp – Hộ tịch", "",
             "Quý II/2025", "Danh mục"],
            ["2", "Công khai tài chính", "Công chức Tài chính – Kế toán", "",
             "Tháng 6/2025", "Báo cáo"],
        ],
    ))
    chair.goto(f"/units/{ward}/plans/import")
    chair.get_by_label("Tệp kế hoạch").set_input_files(str(document))
    chair.get_by_role("button", name="Nhập kế hoạch").click()
    expect(chair.locator(".alert-success")).to_be_visible()
    _shot(chair, "imported")

    # Withdraw a task with a reason.
    with live_server.app.app_context():
        withdrawn_id = db.session.scalar(
            select(Task.id).join(Plan).join(Unit).where(
                Unit.code == ward, Task.title == "Nhiệm vụ thứ 5 của kế hoạch"))
        lead_id = db.session.scalar(select(Officer.id).where(Officer.email == lead_email))
        db.session.remove()
    chair.goto(f"/tasks/{withdrawn_id}")
    chair.locator("summary", has_text="Rút nhiệm vụ khỏi kế hoạch").click()
    chair.locator("form[action$=withdraw] input[name=reason]").fill("Trùng với kế hoạch của tỉnh")
    chair.locator("form[action$=withdraw] button").click()
    expect(chair.get_by_test_id("withdrawn")).to_contain_text("Trùng với kế hoạch của tỉnh")

    # Deactivate the officer of the form, handing his tasks over in the same step.
    chair.goto(f"/officers/{lead_id}/deactivate")
    _choose(chair.locator("main select").first, "Phạm Văn Hóa")
    _shot(chair, "handover")
    chair.get_by_role("button", name="Ngừng hoạt động").click()
    expect(chair.locator(".alert-success")).to_be_visible()
    with live_server.app.app_context():
        assert not db.session.get(Officer, lead_id).active
        still_his = db.session.scalar(
            select(func.count()).select_from(Task).join(Plan).join(Unit).where(
                Unit.code == ward, Task.lead_officer_id == lead_id,
                Task.withdrawn_on.is_(None), Task.completed_on.is_(None)))
        assert still_his == 0
        db.session.remove()

    # His old session, opened before, is refused.
    lead.goto("/my-tasks")
    expect(lead).to_have_url(re.compile(r"/login"))
    _shot(lead, "old-session-refused")
