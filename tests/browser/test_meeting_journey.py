"""A monthly review meeting in a real browser (issue 5), on the demo ward: the focal officer
opens the March 2024 meeting, records attendance and adds an item; the chairperson grades two
officers (changing one proposal with its reason, accepting the other), turns the item's
decision into a new task; then (issue 11) finds no grade chosen for an officer with nothing
due, is refused a grade without its reason, marks the absent officer "không đánh giá", is
refused closing while officers are left ungraded (named), grades those with a proposal, marks
the rest with their reason, closes the meeting, and downloads the minutes (.docx, opened with
python-docx): no blank grade. The meeting page, before closing, is saved to
tests/artifacts/screenshots/meeting.png; the refusals at 1366 and 390 px beside it.
"""

from __future__ import annotations

import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.actions import log_in, log_in_at, log_out
from tests.browser.conftest import page_width, save_screenshot

pytestmark = pytest.mark.browser

FOCAL_EMAIL = "vanphong@vinhhoa.example"
FOCAL_NAME = "Kiều Thị Mỹ Duyên"
CHAIR_EMAIL = "chutich@vinhhoa.example"
CHAIR_NAME = "Lê Minh Tuấn"
ONE_STOP_NAME = "Võ Thị Kim Ngân"
ABSENT_NAME = "Đỗ Văn Lộc"
PLAN_TITLE = "Kế hoạch cải cách hành chính phường Vĩnh Hòa năm 2024"
ITEM = "Chuẩn bị kiểm tra nội bộ công tác CCHC quý II"
NEW_TASK = "Xây dựng kế hoạch kiểm tra nội bộ CCHC quý II năm 2024"


def officer_section(page: Page, name: str):
    return page.get_by_test_id("officer-section").filter(
        has=page.locator(".card-header strong", has_text=re.compile(f"^{name}$"))
    )


def test_meeting_from_opening_to_minutes(new_page, live_server, tmp_path):
    passwords = live_server.passwords
    # No smooth scrolling: a refused form's page jumps to it at once (#officer-…, #close).
    page = new_page(width=1280, height=900, reduced_motion="reduce")

    # 1. The focal officer opens the March 2024 meeting; the chairperson chairs by default.
    log_in(page, FOCAL_EMAIL, passwords[FOCAL_EMAIL])
    page.locator("nav.navbar").get_by_role("link", name="Họp giao ban CCHC tháng").click()
    form = page.get_by_test_id("open-meeting")
    expect(form.get_by_label("Chủ trì").locator("option:checked")).to_contain_text(CHAIR_NAME)
    expect(form.get_by_label("Thư ký").locator("option:checked")).to_contain_text(FOCAL_NAME)
    form.get_by_label("Tháng").fill("3")
    form.get_by_label("Năm").fill("2024")
    form.get_by_label("Ngày họp").fill("15/03/2024")
    form.get_by_label("Số biên bản").fill("25/BB-UBND")
    form.get_by_role("button", name="Mở cuộc họp").click()
    opened = page.get_by_role("alert").filter(has_text="Đã mở Họp giao ban CCHC tháng 3/2024")
    expect(opened).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tháng 03/2024")
    meeting_url = page.url

    # 2. Attendance: an absence needs its reason.
    page.get_by_test_id("attendance-summary").click()
    attendance = page.get_by_test_id("attendance-form")
    row = attendance.locator("tr", has_text=ABSENT_NAME)
    row.locator("input[type=checkbox]").uncheck()
    attendance.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator("main")).to_contain_text(f"Ghi lý do vắng của {ABSENT_NAME}")
    row = page.get_by_test_id("attendance-form").locator("tr", has_text=ABSENT_NAME)
    expect(row.locator("input[type=checkbox]")).not_to_be_checked()  # kept as typed
    row.locator("input[type=text], input:not([type])").fill("Đi công tác")
    page.get_by_test_id("attendance-form").get_by_role("button", name="Lưu điểm danh").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu điểm danh.")).to_be_visible()
    expect(page.get_by_test_id("attendance-summary")).to_have_text("Điểm danh: 19 có mặt, 1 vắng")

    # 3. The focal officer adds an item, and cannot grade.
    items = page.get_by_test_id("item-form")
    items.get_by_label("Nội dung").fill(ITEM)
    items.get_by_role("button", name="Thêm nội dung").click()
    expect(page.get_by_test_id("items")).to_contain_text(ITEM)
    expect(page.get_by_test_id("evaluation-form")).to_have_count(0)
    log_out(page, FOCAL_NAME)

    # 4. The chairperson grades: changing the proposal needs a reason.
    log_in_at(page, CHAIR_EMAIL, passwords[CHAIR_EMAIL], meeting_url)
    focal = officer_section(page, FOCAL_NAME)
    expect(focal.get_by_test_id("proposal")).to_have_text("Hoàn thành nhiệm vụ")
    grade = focal.get_by_test_id("evaluation-form")
    expect(grade.get_by_label("Xếp loại").locator("option:checked")).to_have_text(
        "Hoàn thành nhiệm vụ"
    )
    grade.get_by_label("Xếp loại").select_option(label="Hoàn thành tốt nhiệm vụ")
    grade.get_by_label("Nhận xét").fill("Chủ động tham mưu, chuẩn bị báo cáo quý đúng hạn")
    grade.get_by_role("button", name="Lưu xếp loại").click()
    expect(page.locator("main")).to_contain_text("ghi lý do")
    grade = officer_section(page, FOCAL_NAME).get_by_test_id("evaluation-form")
    expect(grade.get_by_label("Nhận xét")).to_have_value(
        "Chủ động tham mưu, chuẩn bị báo cáo quý đúng hạn"
    )
    grade.get_by_label("Lý do").fill("Hai việc quá hạn do chờ văn bản của cấp trên")
    grade.get_by_role("button", name="Lưu xếp loại").click()
    expect(page.get_by_role("alert").filter(has_text="Đã ghi xếp loại.")).to_be_visible()
    expect(officer_section(page, FOCAL_NAME).get_by_test_id("grade")).to_have_text(
        "Hoàn thành tốt nhiệm vụ"
    )
    # The proposal accepted as it is.
    other = officer_section(page, ONE_STOP_NAME)
    proposal = other.get_by_test_id("proposal").inner_text()
    other.get_by_test_id("evaluation-form").get_by_role("button", name="Lưu xếp loại").click()
    expect(officer_section(page, ONE_STOP_NAME).get_by_test_id("grade")).to_have_text(proposal)

    # 5. The item's decision becomes a task, assigned on the spot.
    item = page.get_by_test_id("items").locator("li", has_text=ITEM)
    item.locator("summary", has_text="Ghi kết luận").click()
    decision = item.get_by_test_id("decision-form")
    decision.get_by_label("Kết luận của cuộc họp").fill(
        "Giao Văn phòng – Thống kê xây dựng kế hoạch kiểm tra nội bộ"
    )
    decision.get_by_label("Giao nhiệm vụ mới").check()
    decision.get_by_label("Kế hoạch").select_option(label=PLAN_TITLE)
    decision.get_by_label("Nhiệm vụ", exact=True).fill(NEW_TASK)
    decision.get_by_label("Sản phẩm, kết quả").fill("Kế hoạch kiểm tra nội bộ")
    decision.get_by_label("Chủ trì", exact=True).select_option(
        label=f"{FOCAL_NAME} – Công chức Văn phòng – Thống kê"
    )
    decision.get_by_label("Thời hạn").fill("10/04/2024")
    decision.get_by_role("button", name="Lưu kết luận").click()
    expect(page.get_by_role("alert").filter(has_text="Đã ghi kết luận.")).to_be_visible()
    expect(page.get_by_test_id("resulting-task")).to_have_text(NEW_TASK)

    # The meeting page before closing, for the README (no closing time on it: stable bytes).
    page.goto(meeting_url)
    save_screenshot("meeting.png", page, full_page=False, animations="disabled")

    # 6. An officer with nothing due: no grade chosen for the chair, none without a reason.
    sections = page.get_by_test_id("officer-section")
    idle_name = next(
        name
        for name, proposal in (
            (
                sections.nth(i).locator(".card-header > strong").inner_text(),
                sections.nth(i).get_by_test_id("proposal").inner_text(),
            )
            for i in range(sections.count())
        )
        if proposal == "không phát sinh" and name not in (CHAIR_NAME, ABSENT_NAME)
    )
    idle = officer_section(page, idle_name)
    grade = idle.get_by_test_id("evaluation-form")
    expect(grade.get_by_label("Xếp loại").locator("option:checked")).to_have_text(
        "— Chọn mức đánh giá —"
    )
    grade.get_by_label("Xếp loại").select_option(label="Hoàn thành xuất sắc nhiệm vụ")
    grade.get_by_label("Nhận xét").fill("Hỗ trợ bộ phận một cửa")
    grade.get_by_role("button", name="Lưu xếp loại").click()
    grade = officer_section(page, idle_name).get_by_test_id("evaluation-form")
    expect(grade).to_contain_text("Không có đề xuất (không có nhiệm vụ đến hạn trong tháng)")
    expect(grade.get_by_label("Nhận xét")).to_have_value("Hỗ trợ bộ phận một cửa")
    # The refused page lands on the officer's form (#officer-…), not at the top of the page.
    expect(grade.get_by_label("Lý do")).to_be_in_viewport()
    save_screenshot("meeting-grade-refused.png", page, animations="disabled")
    grade.get_by_label("Lý do").fill("Hỗ trợ tốt bộ phận một cửa trong tháng")
    grade.get_by_role("button", name="Lưu xếp loại").click()
    expect(officer_section(page, idle_name).get_by_test_id("grade")).to_have_text(
        "Hoàn thành xuất sắc nhiệm vụ"
    )
    # The absent officer is not evaluated this month, with why.
    absent = officer_section(page, ABSENT_NAME).get_by_test_id("evaluation-form")
    absent.get_by_label("Xếp loại").select_option(label="Không đánh giá")
    absent.get_by_label("Lý do").fill("Đi công tác cả tháng")
    absent.get_by_role("button", name="Lưu xếp loại").click()
    expect(officer_section(page, ABSENT_NAME).get_by_test_id("evaluation")).to_contain_text(
        "Không đánh giá: Đi công tác cả tháng"
    )

    # 7. Closing waits for every officer: refused with their names, nothing saved.
    close = page.get_by_test_id("close-form")
    left = close.get_by_test_id("unevaluated-officer")
    waiting = left.count()
    assert waiting > 0
    # One save graded every officer whose proposal stood: those left have nothing proposed.
    first_left = left.first.locator("td").first.inner_text()
    close.get_by_label("Kết luận chung").fill(
        "Các bộ phận khẩn trương hoàn thành nhiệm vụ quá hạn trước ngày 31/3/2024."
    )
    close.get_by_role("button", name="Kết thúc cuộc họp và chốt số liệu").click()
    alert = page.get_by_role("alert").filter(has_text=f"Chưa đánh giá {waiting} cán bộ")
    expect(alert).to_contain_text(first_left)
    close = page.get_by_test_id("close-form")
    expect(close.get_by_label("Kết luận chung")).to_have_value(
        "Các bộ phận khẩn trương hoàn thành nhiệm vụ quá hạn trước ngày 31/3/2024."
    )
    expect(close.get_by_test_id("unevaluated-officer").first).to_be_in_viewport()  # #close
    save_screenshot("meeting-close-refused.png", page, animations="disabled")
    phone = new_page(width=390, height=844, reduced_motion="reduce")
    log_in_at(phone, CHAIR_EMAIL, passwords[CHAIR_EMAIL], meeting_url)
    phone_close = phone.get_by_test_id("close-form")
    phone_close.get_by_role("button", name="Kết thúc cuộc họp và chốt số liệu").click()
    expect(phone.get_by_role("alert").filter(has_text="Chưa đánh giá")).to_be_visible()
    assert page_width(phone) <= 390
    expect(phone.get_by_role("heading", name="Kết thúc cuộc họp")).to_be_in_viewport()
    save_screenshot("meeting-close-refused-390.png", phone, animations="disabled")
    phone.goto(meeting_url)  # a grade refused for its reason, on a phone
    idle_phone = officer_section(phone, idle_name).get_by_test_id("evaluation-form")
    idle_phone.get_by_label("Xếp loại").select_option(label="Hoàn thành nhiệm vụ")
    idle_phone.get_by_label("Lý do").fill("")
    idle_phone.get_by_role("button", name="Lưu xếp loại").click()
    refused = officer_section(phone, idle_name).get_by_test_id("evaluation-form")
    expect(refused).to_contain_text("ghi lý do xếp loại")
    assert page_width(phone) <= 390
    expect(refused.get_by_label("Lý do")).to_be_in_viewport()
    save_screenshot("meeting-grade-refused-390.png", phone, animations="disabled")
    phone.context.close()

    # Those with a proposal graded as proposed in their section, the rest "không đánh giá".
    rows = page.get_by_test_id("close-form").get_by_test_id("unevaluated-officer")
    proposed = [
        rows.nth(i).locator("td").first.inner_text()
        for i in range(rows.count())
        if rows.nth(i).locator("td").nth(1).inner_text() != "không phát sinh"
    ]
    for name in proposed:
        officer_section(page, name).get_by_test_id("evaluation-form").get_by_role(
            "button", name="Lưu xếp loại"
        ).click()
        expect(page.get_by_role("alert").filter(has_text="Đã ghi xếp loại.")).to_be_visible()
    close = page.get_by_test_id("close-form")
    rows = close.get_by_test_id("unevaluated-officer")
    assert rows.count() == waiting - len(proposed)
    marked = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert marked  # officers with nothing due, left for "không đánh giá" here
    for i in range(rows.count()):
        rows.nth(i).locator("input").fill("Nghỉ phép")
    close.get_by_label("Kết luận chung").fill(
        "Các bộ phận khẩn trương hoàn thành nhiệm vụ quá hạn trước ngày 31/3/2024."
    )
    close.get_by_role("button", name="Kết thúc cuộc họp và chốt số liệu").click()
    expect(page.get_by_test_id("frozen")).to_be_visible()
    expect(page.get_by_test_id("evaluation-form")).to_have_count(0)
    for name in marked:
        expect(officer_section(page, name).get_by_test_id("evaluation")).to_contain_text(
            "Không đánh giá: Nghỉ phép"
        )

    # 8. The minutes, as Word: every officer's grade, or "Không đánh giá" with its reason.
    with page.expect_download() as download_info:
        page.get_by_test_id("minutes-docx").click()
    download = download_info.value
    # Chromium started with LANG=vi_VN.UTF-8 on a machine without that locale names a download
    # with a non-ASCII name "download": the name is checked on the response instead.
    disposition = page.request.get(f"{meeting_url}/minutes.docx").headers["content-disposition"]
    assert disposition.startswith("attachment;") and ".docx" in disposition
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n" in disposition
    path = tmp_path / "bien-ban.docx"
    download.save_as(path)
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    # One committee header for every document (Nghị định 30/2020): no parent line above it.
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG VĨNH HÒA" in cells and "NHA TRANG" not in cells.split("Số:")[0]
    assert "Số: 25/BB-UBND" in cells
    assert "Vĩnh Hòa, ngày 15 tháng 3 năm 2024" in cells
    assert "BIÊN BẢN" in text
    assert f"{ABSENT_NAME} (lý do: Đi công tác)" in text
    assert f"Đồng chí {FOCAL_NAME}: Hoàn thành tốt nhiệm vụ" in text
    assert NEW_TASK in text
    assert "CHỦ TRÌ" in cells and CHAIR_NAME in cells and FOCAL_NAME in cells
    assert f"Đồng chí {ABSENT_NAME}: Không đánh giá: Đi công tác cả tháng" in text
    assert all(f"Đồng chí {name}: Không đánh giá: Nghỉ phép." in text for name in marked)
    grades = next(t for t in document.tables if t.rows[0].cells[-1].text == "Xếp loại")
    column = [r.cells[-1].text for r in grades.rows[1:]]
    assert len(column) == 20 and all(column) and "Chưa đánh giá" not in column
