"""Returned work in a real browser (issue 14, "What needs me now"): the chairperson returns a
completion with a reason; the officer, on a phone (390 px), finds it first in "Việc của tôi"
with the reason and who returned it, resubmits from the card (a mistyped number first: refused,
the form kept as typed); the chairperson confirms. Screenshots under tests/artifacts/.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.actions import log_in, log_in_at
from tests.browser.conftest import save_screenshot
from tests.factories import gen_task
from tracker.extensions import db
from tracker.people.models import Officer
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.operations import next_ordinal, submit_completion

pytestmark = pytest.mark.browser

CHAIR_EMAIL = "chutich@vinhhoa.example"
CHAIR_NAME = "Lê Minh Tuấn"
LEAD_EMAIL = "tuphap@vinhhoa.example"
LEAD_NAME = "Nguyễn Thị Lan Anh"
DAY = date(2024, 3, 12)
REASON = "Văn bản chưa có chữ ký của lãnh đạo, đề nghị bổ sung bản đã ký"


def _submitted_task(live_server, title: str) -> int:
    """A task of the annual plan led by the officer, its completion submitted, in the live
    server's own database (every browser test shares it: a title of its own)."""
    with live_server.app.app_context():
        session = db.session
        lead = session.scalar(select(Officer).where(Officer.email == LEAD_EMAIL))
        plan = session.scalar(
            select(Plan).where(Plan.kind == PlanKind.ANNUAL_REFORM).order_by(Plan.id)
        )
        task = gen_task(
            plan,
            lead,
            title=title,
            deadline=date(2024, 3, 29),
            entered_on=DAY,
            ordinal=next_ordinal(session, plan),
        )
        submit_completion(
            session,
            task,
            lead,
            document_number="51/KH-UBND",
            document_date=date(2024, 3, 11),
            summary="Kế hoạch chưa ký",
            today=DAY,
        )
        session.commit()
        task_id = task.id
        session.remove()
        return task_id


def _log_out(page: Page, full_name: str) -> None:
    nav = page.locator("nav.navbar")
    if page.locator(".navbar-toggler").is_visible():
        page.locator(".navbar-toggler").click()
        expect(page.locator(".navbar-collapse.show")).to_be_visible()
    nav.get_by_role("button", name=full_name, exact=True).click()
    nav.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_returned_completion_is_found_first_and_resubmitted_from_the_card(
    new_page, live_server, clock
):
    clock(datetime(2024, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    passwords = live_server.passwords
    title = f"Xây dựng kế hoạch số hóa hồ sơ (trả lại {uuid.uuid4().hex[:8]})"
    task_id = _submitted_task(live_server, title)
    task_url = f"/tasks/{task_id}"

    # 1. The chairperson, at a desk, returns the completion with a reason.
    desk = new_page(width=1366, height=900)
    log_in_at(desk, CHAIR_EMAIL, passwords[CHAIR_EMAIL], task_url)
    expect(desk.get_by_test_id("task-state")).to_have_text("Chờ xác nhận")
    desk.get_by_label("Lý do trả lại").fill(REASON)
    desk.locator("main").get_by_role("button", name="Trả lại", exact=True).click()
    expect(desk.get_by_role("alert").filter(has_text="Đã trả lại")).to_be_visible()
    expect(desk.get_by_test_id("task-state")).to_have_text("Bị trả lại")
    returned = desk.get_by_test_id("returned-evidence")
    expect(returned).to_contain_text("51/KH-UBND")
    expect(returned).to_contain_text(f"bởi {CHAIR_NAME}: {REASON}")
    save_screenshot("returned-task-page.png", desk, full_page=True)
    _log_out(desk, CHAIR_NAME)

    # 2. The officer, on a phone: "Việc của tôi" from the collapsed menu; the returned task
    # is the first card, with its badge, the reason and who returned it.
    phone = new_page(width=390, height=844)
    log_in(phone, LEAD_EMAIL, passwords[LEAD_EMAIL])
    phone.locator(".navbar-toggler").click()
    expect(phone.locator(".navbar-collapse.show")).to_be_visible()
    phone.locator("nav.navbar").get_by_role("link", name="Việc của tôi").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    first = phone.locator("main .list-group-item").first
    expect(first).to_have_attribute("data-testid", "returned-task")
    card = phone.get_by_test_id("returned-task").filter(has_text=title)
    expect(card).to_have_count(1)
    expect(card.locator(".badge").first).to_have_text("Bị trả lại")
    expect(card.get_by_test_id("return-reason")).to_contain_text(REASON)
    expect(card).to_contain_text(f"Trả lại bởi {CHAIR_NAME}")
    save_screenshot("returned-my-tasks-phone.png", phone)  # the first card

    # 3. Resubmit from the card: a mistyped number is refused, the form kept as typed.
    card.get_by_text("Báo cáo hoàn thành lại").click()
    card.get_by_label("Số, ký hiệu văn bản").fill("51 KH UBND")
    card.get_by_label("Ngày ban hành").fill("12/03/2024")
    card.get_by_label("Trích yếu").fill("Kế hoạch đã ký, đóng dấu")
    card.get_by_role("button", name="Gửi báo cáo hoàn thành").click()
    form = phone.locator("main form")
    expect(phone.locator("main")).to_contain_text("Số văn bản chưa đúng dạng")
    expect(form.get_by_label("Số, ký hiệu văn bản")).to_have_value("51 KH UBND")
    expect(form.get_by_label("Trích yếu")).to_have_value("Kế hoạch đã ký, đóng dấu")
    save_screenshot("returned-resubmit-refused-phone.png", phone, full_page=True)
    form.get_by_label("Số, ký hiệu văn bản").fill("52/KH-UBND")
    form.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(phone).to_have_url(re.compile(rf"{task_url}$"))
    expect(phone.get_by_test_id("task-state")).to_have_text("Chờ xác nhận")
    phone.goto("/my-tasks")
    expect(phone.get_by_test_id("returned-task").filter(has_text=title)).to_have_count(0)
    _log_out(phone, LEAD_NAME)

    # 4. The chairperson confirms the new submission: done, from its document's date.
    log_in_at(desk, CHAIR_EMAIL, passwords[CHAIR_EMAIL], task_url)
    desk.locator("main").get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(desk.get_by_test_id("task-state")).to_have_text("Đã hoàn thành")
    expect(desk.locator("main")).to_contain_text("52/KH-UBND")
    expect(desk.get_by_test_id("returned-evidence")).to_contain_text("51/KH-UBND")
    save_screenshot("returned-confirmed.png", desk, full_page=True)
