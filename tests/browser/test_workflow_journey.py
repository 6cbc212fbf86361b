"""The whole workflow in a real browser (issue 3): the chairperson assigns a task, the officer
submits completion with a document number and a PDF, the chairperson confirms, and the annual
plan's percentage on the dashboard moves.

The live server's database is shared by every browser test, so the journey makes its own task
(a unique title) and checks what changes on the dashboard, not absolute figures. The dashboard
is saved to tests/artifacts/screenshots/dashboard.png once everything has been checked.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.actions import log_in, log_in_at, log_out
from tests.browser.conftest import save_screenshot
from tracker.core.clock import today
from tracker.core.formatting import format_percent
from tracker.core.status import percent
from tracker.core.workdays import WorkCalendar

pytestmark = pytest.mark.browser

# People of the demo ward (tracker/demo/data/ward.toml).
CHAIR_EMAIL = "chutich@vinhhoa.example"
CHAIR_NAME = "Lê Minh Tuấn"
CHAIR_LABEL = f"{CHAIR_NAME} – Chủ tịch UBND phường"
LEAD_EMAIL = "tuphap@vinhhoa.example"
LEAD_NAME = "Nguyễn Thị Lan Anh"
LEAD_LABEL = f"{LEAD_NAME} – Công chức Tư pháp – Hộ tịch"
SUPPORTER_NAME = "Đặng Văn Khoa"
SUPPORTER_LABEL = f"{SUPPORTER_NAME} – Công chức Tư pháp – Hộ tịch"
# The annual plan (tracker/demo/data/plan_1_2_cchc_2024.toml) and its first field.
PLAN_TITLE = "Kế hoạch cải cách hành chính phường Vĩnh Hòa năm 2024"
GROUP_LABEL = "1. Công tác chỉ đạo, điều hành cải cách hành chính"

DOCUMENT_NUMBER = "345/KH-UBND"
PDF_NAME = "ke-hoach-345-KH-UBND.pdf"

# "27,3% (6/22)": the plan's completion rate and the counts it comes from.
COMPLETION = re.compile(r"^(?P<rate>[\d,]+%|—)\s+\((?P<done>\d+)/(?P<total>\d+)\)$")


def minimal_pdf(text: str) -> bytes:
    """A small valid one-page PDF (with a correct cross-reference table)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass(frozen=True)
class Completion:
    rate: str
    done: int
    total: int





def unread_count(page: Page) -> int:
    badge = page.get_by_test_id("unread-count")
    return int(badge.inner_text()) if badge.count() else 0


def plan_card(page: Page) -> Locator:
    return page.get_by_role("article", name=PLAN_TITLE, exact=True)


def plan_completion(page: Page) -> Completion:
    """The annual plan's completion as the dashboard shows it for today."""
    cell = plan_card(page).get_by_test_id("completion")
    expect(cell).to_have_count(1)  # one column: the figures are as of today
    text = " ".join(cell.inner_text().split())
    match = COMPLETION.match(text)
    assert match, f"unexpected completion cell: {text!r}"
    return Completion(match["rate"], int(match["done"]), int(match["total"]))


def test_assign_report_confirm_moves_the_dashboard(new_page, live_server, tmp_path, clock):
    # The demo ward on its report's date: the dashboard's picture is the same every day.
    clock(datetime(2024, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    passwords = live_server.passwords
    title = f"Rà soát quy trình chứng thực bản sao điện tử (hành trình {uuid.uuid4().hex[:8]})"
    deliverable = "Báo cáo kết quả rà soát, kiến nghị đơn giản hóa"
    day = today()
    deadline = WorkCalendar().next_working_day(day + timedelta(days=14))
    pdf = minimal_pdf(f"Ke hoach {DOCUMENT_NUMBER}")
    pdf_path = tmp_path / PDF_NAME
    pdf_path.write_bytes(pdf)

    # The officer's unread notices before anything is assigned (in a browser of her own).
    before = new_page()
    log_in(before, LEAD_EMAIL, passwords[LEAD_EMAIL])
    unread_before = unread_count(before)
    before.context.close()

    # 1. The chairperson's home page is the ward's dashboard.
    page = new_page(width=1280, height=800)
    log_in(page, CHAIR_EMAIL, passwords[CHAIR_EMAIL])
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    start = plan_completion(page)

    # 2. The annual plan → "Thêm nhiệm vụ".
    page.locator("nav.navbar").get_by_role("link", name="Kế hoạch", exact=True).click()
    page.locator("main").get_by_role("link", name=PLAN_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    page.locator("main").get_by_role("link", name="Thêm nhiệm vụ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm nhiệm vụ")

    form = page.locator("main form")
    confirmer = form.get_by_label("Lãnh đạo chịu trách nhiệm xác nhận")
    expect(confirmer.locator("option:checked")).to_have_text(CHAIR_LABEL)
    form.get_by_label("Nhiệm vụ", exact=True).fill(title)
    form.get_by_label("Lĩnh vực").select_option(label=GROUP_LABEL)
    form.get_by_label("Chủ trì", exact=True).select_option(label=LEAD_LABEL)
    # "Phối hợp" is a searchable multi-select (Tom Select) over the form's own select
    form.locator("select[name=supporter_ids]").select_option(label=[SUPPORTER_LABEL])
    form.get_by_label("Một ngày cụ thể").check()
    form.get_by_label("Hạn hoàn thành").fill(f"{deadline:%d/%m/%Y}")

    # Without its deliverable the task is not saved, and nothing typed is lost.
    form.get_by_role("button", name="Lưu nhiệm vụ").click()
    expect(page.locator("main")).to_contain_text("Chưa rõ sản phẩm")
    expect(page.locator("main .alert-danger")).to_contain_text("Chưa lưu")
    expect(form.get_by_label("Nhiệm vụ", exact=True)).to_have_value(title)
    lead = form.get_by_label("Chủ trì", exact=True)
    expect(lead.locator("option:checked")).to_have_text(LEAD_LABEL)
    expect(form.get_by_label("Hạn hoàn thành")).to_have_value(f"{deadline:%d/%m/%Y}")

    form.get_by_label("Sản phẩm, kết quả").fill(deliverable)
    form.get_by_role("button", name="Lưu nhiệm vụ").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu nhiệm vụ.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    details = page.locator("main dl")
    expect(details).to_contain_text(LEAD_NAME)
    expect(details).to_contain_text(SUPPORTER_NAME)
    expect(details).to_contain_text(f"{deadline:%d/%m/%Y}")
    task_url = page.url
    log_out(page, CHAIR_NAME)

    # 3. The officer sees the notice and the task, and reports completion.
    log_in(page, LEAD_EMAIL, passwords[LEAD_EMAIL])
    # The badge counts what needs action (to confirm, returned, explanations, meetings); a new
    # assignment is news: it is listed under "Để biết", the badge unchanged.
    assert unread_count(page) == unread_before
    page.goto("/notifications")
    expect(page.locator("main")).to_contain_text(title)
    page.locator("nav.navbar").get_by_role("link", name="Việc của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Việc của tôi")
    page.locator("main").get_by_role("link").filter(has_text=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.locator("main").get_by_role("link", name="Báo cáo hoàn thành").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo hoàn thành")

    form = page.locator("main form")
    form.get_by_label("Số, ký hiệu văn bản").fill(DOCUMENT_NUMBER)
    form.get_by_label("Ngày ban hành").fill(f"{day:%d/%m/%Y}")
    form.get_by_label("Trích yếu").fill("Kế hoạch rà soát quy trình chứng thực bản sao điện tử")
    form.get_by_label("Tệp văn bản").set_input_files(pdf_path)
    form.get_by_role("button", name="Báo cáo hoàn thành").click()

    expect(page).to_have_url(task_url)
    expect(page.get_by_role("alert").filter(has_text="chờ lãnh đạo xác nhận")).to_be_visible()
    expect(page.get_by_test_id("task-state")).to_have_text("Chờ xác nhận")
    expect(page.locator("main")).to_contain_text(f"{DOCUMENT_NUMBER} ngày {day:%d/%m/%Y}")
    with page.expect_download() as download_info:
        page.locator("main .list-group").get_by_role("link", name=PDF_NAME).click()
    download = download_info.value
    assert download.suggested_filename == PDF_NAME
    assert download.path().read_bytes() == pdf
    log_out(page, LEAD_NAME)

    # 4. The chairperson confirms.
    log_in_at(page, CHAIR_EMAIL, passwords[CHAIR_EMAIL], task_url)
    expect(page.get_by_test_id("task-state")).to_have_text("Chờ xác nhận")
    page.locator("main").get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_role("alert").filter(has_text="Đã xác nhận hoàn thành.")).to_be_visible()
    expect(page.get_by_test_id("task-state")).to_have_text("Đã hoàn thành")
    expect(page.locator("main")).to_contain_text("Hoàn thành đúng hạn")

    # The dashboard: the new task counts once in the total and once among the done.
    page.locator("nav.navbar").get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    end = plan_completion(page)
    assert (end.done, end.total) == (start.done + 1, start.total + 1)
    expected = format_percent(percent(start.done + 1, start.total + 1), "vi")
    assert end.rate == expected
    expect(plan_card(page).get_by_test_id("completion")).to_contain_text(
        f"{expected} ({end.done}/{end.total})"
    )

    # 5. The dashboard on a desktop screen, for the README.
    page.set_viewport_size({"width": 1280, "height": 800})
    save_screenshot("dashboard.png", page, full_page=True, animations="disabled")
