"""What a person does in a real browser: log in, find their tasks, read the annual plan.

The plan page and the phone view of "Việc của tôi" are saved to tests/artifacts/screenshots/
(`make screenshots` puts them in the README), only once everything they show has been checked.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import page_width, save_screenshot

pytestmark = pytest.mark.browser

# The date of the quarterly report (số 422/BC-UBND): the plan as the report saw it.
REPORT_DATE = "2024-03-12"


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()


def test_officer_logs_in_and_sees_his_tasks(page, demo):
    log_in(page, demo.officer_email, demo.password)
    expect(page.locator("nav")).to_contain_text(demo.officer_name)

    page.locator("nav").get_by_role("link", name="Việc của tôi").click()

    expect(page).to_have_url(re.compile(r"/my-tasks$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Việc của tôi")
    first_task = page.locator("main").get_by_text(demo.officer_task_titles[0], exact=True)
    expect(first_task.first).to_be_visible()


def test_bad_login_says_so_in_vietnamese_and_keeps_the_email(page, demo):
    log_in(page, demo.officer_email, "khong-phai-mat-khau")

    expect(page.get_by_role("alert")).to_contain_text("Email hoặc mật khẩu không đúng")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("input[name=email]")).to_have_value(demo.officer_email)
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(page.locator("nav")).not_to_contain_text(demo.officer_name)


def _tasks_in_plan(live_server, title: str) -> int:
    """The plan's tasks now: journeys before this one may have added some to the demo's plan."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.plans.models import Plan
    from tracker.tasks.models import Task

    with live_server.app.app_context():
        count = db.session.scalar(
            select(func.count(Task.id)).join(Plan, Plan.id == Task.plan_id)
            .where(Plan.title == title, Task.archived_at.is_(None))
        )
        db.session.remove()
    return count


def test_plan_page_and_phone_view_screenshots(new_page, demo, clock, live_server):
    # The demo ward on its report's date, so the README's pictures are the same every day.
    clock(datetime(2024, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    # The annual plan, found the way a person finds it, on a desktop screen.
    page = new_page(width=1280, height=800)
    log_in(page, demo.officer_email, demo.password)
    page.locator("nav").get_by_role("link", name="Kế hoạch", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/units/{demo.unit_code}/plans"))
    page.locator("main").get_by_role("link", name=demo.annual_plan_title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.annual_plan_title)

    page.get_by_label("Tính đến ngày").fill(REPORT_DATE)
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(rf"as_of={REPORT_DATE}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.annual_plan_title)
    task_links = page.locator("main table tbody").get_by_role("link")
    expect(task_links).to_have_count(_tasks_in_plan(live_server, demo.annual_plan_title))
    save_screenshot("plan.png", page, full_page=True, animations="disabled")

    # "Việc của tôi" on a phone: the menu is folded behind its button.
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True)
    log_in(phone, demo.officer_email, demo.password)
    nav_link = phone.locator("nav").get_by_role("link", name="Việc của tôi")
    expect(nav_link).to_be_hidden()
    phone.locator("nav").get_by_role("button", name="Mở danh mục chức năng").click()
    nav_link.click()
    expect(phone).to_have_url(re.compile(r"/my-tasks$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Việc của tôi")
    phone_task = phone.locator("main").get_by_text(demo.officer_task_titles[0], exact=True)
    expect(phone_task.first).to_be_visible()
    phone_width = page_width(phone)
    assert phone_width <= 390, f"the phone view scrolls sideways ({phone_width}px wide)"
    save_screenshot("my-tasks-phone.png", phone, animations="disabled")
