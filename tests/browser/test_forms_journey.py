"""Forms that keep what was typed (issue 14), in a real browser, on a desktop and a phone: the
chairperson fills a new task (supporters picked by searching, the deadline from the date
picker), the session ends meanwhile, and after logging in again the form is back with what was
typed, and saves; then grades a meeting's officers in one form, one line refused beside its
officer with the rest kept, then saved at once. Screenshots in tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.actions import log_in, log_in_at
from tests.browser.conftest import page_width, save_screenshot
from tests.browser.test_meeting_journey import officer_section
from tests.factories import PASSWORD, gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ward(live_server):
    """A ward of its own on the live server (the demo's meetings belong to other journeys)."""
    from tracker.meetings.operations import MeetingInput, open_meeting
    from tracker.people.models import Role

    with live_server.app.app_context():
        unit = gen_unit(name="Phường Biểu Mẫu")
        chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Văn Chủ Tịch")
        busy = gen_officer(
            unit, full_name="Võ Thị Phối Hợp Thứ Nhất", position="Công chức Tư pháp – Hộ tịch"
        )
        idle = gen_officer(
            unit, full_name="Đỗ Văn Không Việc", position="Công chức Địa chính – Xây dựng"
        )
        plan = gen_plan(unit, title="Kế hoạch CCHC năm 2024")
        group = gen_group(plan, "Cải cách thủ tục hành chính")
        gen_task(
            plan, busy, deadline=date(2024, 3, 5), completed_on=date(2024, 3, 4), confirmer=chair
        )
        meeting = open_meeting(
            db.session,
            unit,
            MeetingInput(2024, 3, date(2024, 3, 15), None, "Hội trường", "", chair.id, chair.id),
            chair,
        )
        db.session.commit()
        world = {
            "chair": chair.email,
            "busy": busy.full_name,
            "idle": idle.full_name,
            "plan": plan.id,
            "group": group.id,
            "meeting": meeting.id,
            "chair_id": chair.id,
        }
        db.session.remove()
    return world


def _end_sessions_by_idling(live_server, officer_email: str) -> None:
    """The officer left the page open past the idle limit: their session ends on the server."""
    from tracker.core.clock import utcnow
    from tracker.people.models import Officer, OfficerSession

    with live_server.app.app_context():
        officer_id = db.session.scalar(select(Officer.id).where(Officer.email == officer_email))
        db.session.execute(
            update(OfficerSession)
            .where(OfficerSession.officer_id == officer_id)
            .values(last_seen_at=utcnow() - timedelta(hours=9))
        )
        db.session.commit()
        db.session.remove()


def _fill_task(page: Page, ward: dict, title: str) -> None:
    page.goto(f"/plans/{ward['plan']}/tasks/new")
    page.get_by_label("Nhiệm vụ", exact=True).fill(title)
    page.get_by_label("Sản phẩm, kết quả").fill("Báo cáo rà soát thủ tục hành chính")
    page.get_by_label("Chủ trì", exact=True).select_option(
        label="Đỗ Văn Không Việc – Công chức Địa chính – Xây dựng"
    )
    # Phối hợp: typed without diacritics, picked by a tap.
    supporters = page.locator("#supporter_ids-ts-control")
    supporters.click()
    supporters.type("phoi hop")
    page.locator(".ts-dropdown .option", has_text="Võ Thị Phối Hợp Thứ Nhất").click()
    expect(page.locator(".ts-control .item")).to_contain_text(["Võ Thị Phối Hợp Thứ Nhất"])
    page.keyboard.press("Escape")
    # The deadline from the calendar beside the field (dd/mm/yyyy in the field, whatever the
    # browser's language).
    deadline = page.locator("#deadline")
    deadline.locator("xpath=..").get_by_role("button", name="Chọn ngày trên lịch").click()
    popup = page.locator(".date-popup").first
    expect(popup).to_be_visible()
    popup.locator(".datepicker-controls .next-button").click()
    popup.locator(".day:not(.prev):not(.next)", has_text=re.compile(r"^20$")).click()
    expect(deadline).to_have_value(re.compile(r"^20/\d{2}/\d{4}$"))
    expect(popup).to_be_hidden()


@pytest.mark.parametrize(("width", "height", "tag"), [(1366, 900, "desktop"), (390, 844, "phone")])
def test_a_task_typed_before_the_session_ended_is_saved_after_login(
    new_page, live_server, ward, width, height, tag
):
    page = new_page(width=width, height=height, reduced_motion="reduce", has_touch=tag == "phone")
    log_in(page, ward["chair"], PASSWORD)
    title = f"Rà soát thủ tục hành chính ({tag})"
    _fill_task(page, ward, title)
    deadline = page.locator("#deadline").input_value()
    save_screenshot(f"forms-task-{tag}.png", page, full_page=True)

    _end_sessions_by_idling(live_server, ward["chair"])
    page.get_by_role("button", name="Lưu nhiệm vụ").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("alert").filter(has_text="Vui lòng đăng nhập")).to_be_visible()
    page.locator("input[name=email]").fill(ward["chair"])
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()

    # Back on the form's page, not "405 Phương thức không được hỗ trợ", with what was typed.
    expect(page).to_have_url(re.compile(rf"/plans/{ward['plan']}/tasks/new$"))
    expect(page.locator("#form-draft-restored")).to_be_visible()
    expect(page.get_by_label("Nhiệm vụ", exact=True)).to_have_value(title)
    expect(page.locator("#deadline")).to_have_value(deadline)
    expect(page.locator(".ts-control .item")).to_contain_text(["Võ Thị Phối Hợp Thứ Nhất"])
    save_screenshot(f"forms-restored-{tag}.png", page, full_page=True)
    assert page_width(page) <= width
    page.get_by_role("button", name="Lưu nhiệm vụ").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu nhiệm vụ.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Võ Thị Phối Hợp Thứ Nhất")
    expect(page.locator("main")).to_contain_text(deadline)


@pytest.mark.parametrize(("width", "height", "tag"), [(390, 844, "phone"), (1366, 900, "desktop")])
def test_a_meeting_is_graded_in_one_form(new_page, ward, width, height, tag):
    page = new_page(width=width, height=height, reduced_motion="reduce")
    log_in_at(page, ward["chair"], PASSWORD, f"/meetings/{ward['meeting']}")
    expect(page.get_by_test_id("grading-form")).to_have_count(1)
    busy = officer_section(page, ward["busy"]).get_by_test_id("evaluation-form")
    idle = officer_section(page, ward["idle"]).get_by_test_id("evaluation-form")
    comment = f"Chủ động, đúng hạn ({tag})"
    busy.get_by_label("Nhận xét").fill(comment)
    idle.get_by_label("Xếp loại").select_option(label="Hoàn thành tốt nhiệm vụ")
    idle.get_by_label("Lý do").fill("")
    page.get_by_role("button", name="Lưu xếp loại tất cả cán bộ").click()

    # Refused beside the officer (focused: the page is there), the other line kept as typed.
    idle = officer_section(page, ward["idle"]).get_by_test_id("evaluation-form")
    expect(idle).to_contain_text("ghi lý do xếp loại")
    expect(idle.get_by_label("Lý do")).to_be_focused()
    expect(idle.get_by_label("Lý do")).to_be_in_viewport()
    expect(page.get_by_role("alert").filter(has_text="Chưa lưu xếp loại")).to_be_visible()
    busy = officer_section(page, ward["busy"]).get_by_test_id("evaluation-form")
    expect(busy.get_by_label("Nhận xét")).to_have_value(comment)
    assert page_width(page) <= width
    save_screenshot(f"forms-grading-refused-{tag}.png", page)

    idle.get_by_label("Lý do").fill("Hỗ trợ bộ phận một cửa cả tháng")
    idle.get_by_role("button", name="Lưu xếp loại").click()
    expect(page.get_by_role("alert").filter(has_text="Đã ghi xếp loại.")).to_be_visible()
    expect(officer_section(page, ward["idle"]).get_by_test_id("grade")).to_have_text(
        "Hoàn thành tốt nhiệm vụ"
    )
    expect(officer_section(page, ward["busy"]).get_by_test_id("evaluation")).to_contain_text(
        comment
    )
