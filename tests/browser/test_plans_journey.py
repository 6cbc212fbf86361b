"""The chairperson keeps plans in the browser (issue 12), at a phone's width and a desk's: a
new plan typed with mistakes then right, its fields, next year's plan from this year's, a
provincial plan imported from Word with an ambiguous lead, archiving.

Screenshots: tests/artifacts/screenshots/plan-*-<width>.png, for a person to look at.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in_at
from tests.browser.conftest import save_screenshot
from tests.factories import gen_docx

pytestmark = pytest.mark.browser

CHAIR = "chutich@vinhhoa.example"
PLAN_TITLE = "Kế hoạch cải cách hành chính phường Vĩnh Hòa năm 2024"
WIDTHS = [390, 1366]


def _shot(page, name: str, width: int) -> None:
    save_screenshot(f"plan-{name}-{width}.png", page, full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_chairperson_keeps_plans_in_the_browser(new_page, live_server, width, tmp_path):
    page = new_page(width=width, height=900)
    log_in_at(page, CHAIR, live_server.passwords[CHAIR], "/units/vinh-hoa/plans")
    page.get_by_role("link", name="Lập kế hoạch mới").click()

    # Mistakes: all said at once, the typing kept.
    page.get_by_label("Tên kế hoạch").fill("")
    page.get_by_label("Ngày văn bản").fill("31/02/2025")
    page.get_by_label("Năm thực hiện").fill("2026-2025")
    page.get_by_label("Số văn bản").fill("07/KH-UBND")
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.get_by_text("Nhập tên kế hoạch.")).to_be_visible()
    expect(page.get_by_text("Chọn loại kế hoạch.")).to_be_visible()
    expect(page.get_by_text("Ngày văn bản “31/02/2025” không hợp lệ (dd/mm/yyyy).")).to_be_visible()
    expect(page.get_by_label("Số văn bản")).to_have_value("07/KH-UBND")
    _shot(page, "new-refused", width)

    title = f"Kế hoạch thực hiện Kết luận 25-KL/TU {uuid.uuid4().hex[:4]}"
    page.get_by_label("Tên kế hoạch").fill(title)
    page.get_by_label("Loại kế hoạch").select_option("conclusion_91")
    page.get_by_label("Ngày văn bản").fill("20/01/2025")
    page.get_by_label("Năm thực hiện").fill("2025")
    page.get_by_label("Lãnh đạo phụ trách kế hoạch").select_option(index=1)
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()

    # Fields: two added, the second moved up.
    page.get_by_role("link", name="Lĩnh vực", exact=True).click()
    page.get_by_label("Tên lĩnh vực mới").fill("Tuyên truyền")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_label("Tên lĩnh vực mới").fill("Chỉ đạo, điều hành")
    page.get_by_label("Tên lĩnh vực mới").press("Enter")
    expect(page.get_by_label("Tên lĩnh vực 2")).to_have_value("Chỉ đạo, điều hành")
    page.get_by_role("button", name="Chuyển lĩnh vực 2 lên").click()
    expect(page.get_by_label("Tên lĩnh vực 1")).to_have_value("Chỉ đạo, điều hành")
    page.get_by_label("Tên lĩnh vực 2").fill(" ")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Lĩnh vực thứ 2: nhập tên lĩnh vực.")).to_be_visible()
    _shot(page, "fields-refused", width)

    # Archive it: out of the list, back again.
    page.get_by_role("link", name="Về kế hoạch").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Lưu trữ").click()
    expect(page.get_by_text("Kế hoạch đã được lưu trữ ngày")).to_be_visible()
    _shot(page, "archived", width)
    page.goto("/units/vinh-hoa/plans")
    expect(page.get_by_text(title)).to_have_count(0)

    # Next year's plan from the ward's annual plan: the preview.
    page.get_by_role("link", name=PLAN_TITLE).click()
    page.get_by_role("link", name="Lập kế hoạch năm sau").click()
    expect(page.get_by_label("Tên kế hoạch")).to_have_value(PLAN_TITLE.replace("2024", "2025"))
    _shot(page, "next-year", width)

    # A provincial plan from Word: "Công chức Tư pháp – Hộ tịch" is two officers of the ward.
    document = tmp_path / "kh-tinh.docx"
    document.write_bytes(
        gen_docx(
            "PHỤ LỤC",
            "DANH MỤC NHIỆM VỤ THỰC HIỆN KẾT LUẬN SỐ 25-KL/TU NĂM 2025",
            "(Kèm theo Kế hoạch số 30/KH-UBND ngày 15/01/2025 của UBND tỉnh)",
            [
                ["TT", "Nội dung nhiệm vụ", ("Đơn vị thực hiện", 2), "Thời gian hoàn thành",
                 "Sản phẩm"],
                [None, None, "Chủ trì", "Phối hợp", None, None],
                [("I. CHỈ ĐẠO, ĐIỀU HÀNH", 6)],
                ["1", "Rà soát thủ tục hành chính", "Công chức Tư pháp – Hộ tịch", "",
                 "Quý II/2025", "Danh mục"],
                ["2", "Công khai tài chính", "Công chức Tài chính – Kế toán", "",
                 "Tháng 6/2025", "Báo cáo"],
            ],
        )
    )
    page.goto("/units/vinh-hoa/plans/import")
    page.get_by_label("Tệp kế hoạch").set_input_files(str(document))
    page.get_by_role("button", name="Nhập kế hoạch").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("khớp với 2 cán bộ")
    _shot(page, "import-docx-refused", width)
