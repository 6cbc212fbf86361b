"""Issue 16 in a real browser: a province leader issues one task to every commune of a small
province, a commune's chairperson names its lead, the officer reports it done, the chairperson
confirms, and the province's task shows 1/N communes done (the laggards first).

The live server's database is shared by every browser test: the journey builds its own province
(codes with a random suffix). Screenshots of the province's task on a phone (390 px) and a
desktop (1366 px) go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.actions import log_in_at, log_out
from tests.browser.conftest import page_width, save_screenshot
from tests.factories import PASSWORD, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind

pytestmark = pytest.mark.browser

TODAY = date(2026, 3, 10)
DEADLINE = date(2026, 4, 28)


def _province(live_server) -> dict:
    suffix = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        province = gen_unit(
            code=f"tinh-{suffix}", name=f"Tỉnh Hành Trình {suffix}", kind=UnitKind.PROVINCE
        )
        leader = gen_officer(province, Role.CHAIRPERSON, full_name="Võ Chủ Tịch Tỉnh",
                             position="Chủ tịch UBND tỉnh")
        follower = gen_officer(province, full_name="Hồ Cán Bộ Nội Vụ",
                               position="Chuyên viên Sở Nội vụ")
        communes = [
            gen_unit(code=f"xa-{n}-{suffix}", name=f"Xã {name}", parent=province,
                     kind=UnitKind.COMMUNE)
            for n, name in enumerate(("An Phú", "Bình Lộc", "Cam Hải"), 1)
        ]
        chair = gen_officer(communes[0], Role.CHAIRPERSON, full_name="Trương Chủ Tịch Xã",
                            position="Chủ tịch UBND xã")
        officer = gen_officer(communes[0], full_name="Lý Công Chức",
                              position="Công chức Văn phòng")
        for commune in communes[1:]:
            gen_officer(commune, Role.CHAIRPERSON, position="Chủ tịch UBND xã")
        db.session.commit()
        world = {
            "code": province.code,
            "leader": (leader.email, leader.full_name),
            "follower": f"{follower.full_name} – {follower.position}",
            "chair": (chair.email, chair.full_name),
            "officer": (officer.email, officer.full_name),
            "officer_label": f"{officer.full_name} – {officer.position}",
            "communes": len(communes),
        }
        db.session.remove()
    return world



def test_province_issues_commune_assigns_officer_completes(new_page, live_server, clock):
    clock(datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    w = _province(live_server)
    title = f"Rà soát thủ tục hành chính sau sáp nhập ({uuid.uuid4().hex[:6]})"

    # 1. The province's chairperson issues the task to every commune.
    page = new_page(width=1366, height=900)
    log_in_at(page, w["leader"][0], PASSWORD, f"/units/{w['code']}/plans")
    page.get_by_test_id("issue-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giao nhiệm vụ cho xã, phường")
    form = page.locator("main form")
    form.get_by_label("Nhiệm vụ", exact=True).fill(title)
    form.get_by_label("Hạn hoàn thành").fill(f"{DEADLINE:%d/%m/%Y}")
    form.get_by_label("Cán bộ theo dõi (chủ trì ở cấp tỉnh)").select_option(label=w["follower"])
    expect(form.get_by_label("Tất cả xã, phường trực thuộc")).to_be_checked()
    # Without its deliverable nothing is issued, and nothing typed is lost.
    form.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(page.locator("main")).to_contain_text("Chưa rõ sản phẩm")
    expect(form.get_by_label("Nhiệm vụ", exact=True)).to_have_value(title)
    expect(form.get_by_label("Hạn hoàn thành")).to_have_value(f"{DEADLINE:%d/%m/%Y}")
    save_screenshot("multi-commune-issue.png", page, full_page=True)
    form.get_by_label("Sản phẩm, kết quả").fill("Báo cáo kết quả rà soát")
    form.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(page.get_by_role("alert").filter(has_text="Đã giao nhiệm vụ cho 3 xã")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_test_id("communes-done")).to_have_text(
        f"0/{w['communes']} xã đã hoàn thành"
    )
    parent_url = page.url
    log_out(page, w["leader"][1])

    # 2. The commune's chairperson is told, and names the lead officer.
    log_in_at(page, w["chair"][0], PASSWORD, "/notifications")
    page.locator("main").get_by_role("link").filter(has_text=title).first.click()
    expect(page.get_by_test_id("issued-by")).to_contain_text("Nhiệm vụ do Tỉnh Hành Trình")
    page.get_by_test_id("issued-by").get_by_role("link", name="Chọn người chủ trì").click()
    form = page.locator("main form")
    form.get_by_label("Chủ trì", exact=True).select_option(label=w["officer_label"])
    form.get_by_role("button", name="Lưu nhiệm vụ").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu nhiệm vụ.")).to_be_visible()
    child_url = page.url
    log_out(page, w["chair"][1])

    # 3. The officer reports it done with the issued document.
    log_in_at(page, w["officer"][0], PASSWORD, child_url)
    page.locator("main").get_by_role("link", name="Báo cáo hoàn thành").click()
    form = page.locator("main form")
    form.get_by_label("Số, ký hiệu văn bản").fill("15/BC-UBND")
    form.get_by_label("Ngày ban hành").fill(f"{TODAY:%d/%m/%Y}")
    form.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(page.get_by_test_id("task-state")).to_have_text("Chờ xác nhận")
    log_out(page, w["officer"][1])

    # 4. The commune's chairperson confirms.
    log_in_at(page, w["chair"][0], PASSWORD, child_url)
    page.locator("main").get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_test_id("task-state")).to_have_text("Đã hoàn thành")
    log_out(page, w["chair"][1])

    # 5. The province's task: 1/3, the two communes still at work listed first.
    log_in_at(page, w["leader"][0], PASSWORD, parent_url)
    expect(page.get_by_test_id("communes-done")).to_have_text(
        f"1/{w['communes']} xã đã hoàn thành"
    )
    rows = page.get_by_test_id("commune-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("Xã An Phú")
    expect(rows.nth(2)).to_contain_text("Hoàn thành đúng hạn")
    expect(rows.nth(2)).to_contain_text("15/BC-UBND")
    expect(rows.nth(0)).to_contain_text("chưa giao")
    page.locator("#communes").scroll_into_view_if_needed()
    save_screenshot("multi-commune-desktop.png", page, full_page=True)

    phone = new_page(width=390, height=844)
    log_in_at(phone, w["leader"][0], PASSWORD, parent_url)
    expect(phone.get_by_test_id("communes-done")).to_be_visible()
    width = page_width(phone)
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
    save_screenshot("multi-commune-phone.png", phone, full_page=True)


def test_administrator_previews_and_merges_two_communes(new_page, live_server, clock):
    clock(datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    suffix = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        province = gen_unit(code=f"tinh-sn-{suffix}", name=f"Tỉnh Sáp Nhập {suffix}",
                            kind=UnitKind.PROVINCE)
        admin = gen_officer(province, Role.ADMIN, full_name="Quản Trị Tỉnh")
        for name in ("Phước Long", "Phước Hải"):
            ward = gen_unit(code=f"{name.lower().replace(' ', '-')}-{suffix}".replace("ư", "u")
                            .replace("ớ", "o").replace("ả", "a"), name=f"Phường {name}",
                            parent=province)
            gen_officer(ward, full_name=f"Cán Bộ {name}")
        db.session.commit()
        admin_email, admin_name, code = admin.email, admin.full_name, province.code
        db.session.remove()

    # The phone first: the desktop run merges the wards, which then are no longer offered.
    for width, height, name in ((390, 844, "phone"), (1366, 900, "desktop")):
        page = new_page(width=width, height=height)
        log_in_at(page, admin_email, PASSWORD, "/units/merge")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sáp nhập đơn vị")
        form = page.locator("main form")
        # One ward only: refused, the form kept.
        form.get_by_label("Các đơn vị sáp nhập").select_option(label=["Phường Phước Long"])
        form.get_by_label("Mã đơn vị").fill(f"phuoc-{name}-{suffix}")
        form.get_by_label("Tên đơn vị (như ghi trên văn bản)").fill("Phường Nam Nha Trang")
        expect(form.get_by_label("Cấp, loại đơn vị").locator("option:checked")).to_have_text(
            "Phường"
        )
        form.get_by_label("Đơn vị cấp trên").select_option(value=code)
        form.get_by_role("button", name="Xem trước").click()
        expect(page.locator("main")).to_contain_text("Chọn ít nhất hai đơn vị")
        expect(form.get_by_label("Mã đơn vị")).to_have_value(f"phuoc-{name}-{suffix}")
        if name == "phone":
            width_now = page_width(page)
            assert width_now <= 390, width_now
            save_screenshot("multi-commune-merge-phone.png", page, full_page=True)
            log_out(page, admin_name)
            continue
        form.get_by_label("Các đơn vị sáp nhập").select_option(
            label=["Phường Phước Long", "Phường Phước Hải"]
        )
        form.get_by_role("button", name="Xem trước").click()
        preview = page.get_by_test_id("merge-preview")
        expect(preview).to_contain_text("Phường Phước Hải")
        save_screenshot("multi-commune-merge-preview.png", page, full_page=True)
        form.get_by_role("button", name="Xác nhận sáp nhập").click()
        expect(page.get_by_role("alert").filter(has_text="Đã sáp nhập")).to_be_visible()
        expect(page.get_by_test_id("merged-from")).to_contain_text("Phường Phước Long")
        log_out(page, admin_name)


def test_province_leader_previews_and_issues_a_whole_plan(new_page, live_server, clock):
    """The whole plan to chosen communes: none chosen is refused with the choice kept, the
    preview says what will be created, the confirmation creates exactly that; at 390 px and
    1366 px without sideways scrolling."""
    clock(datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    for width, name in ((390, "phone"), (1366, "desktop")):
        w = _province(live_server)
        with live_server.app.app_context():
            province = db.session.scalar(select(Unit).where(Unit.code == w["code"]))
            leader = db.session.scalar(select(Officer).where(Officer.email == w["leader"][0]))
            plan = gen_plan(province, title=f"Kế hoạch CCHC tỉnh năm 2026 ({name})",
                            start_year=2026, end_year=2026)
            for n, title in enumerate(("Rà soát quy trình nội bộ", "Số hóa hồ sơ"), 1):
                gen_task(plan, leader, deadline=DEADLINE, ordinal=n, title=title)
            db.session.commit()
            plan_id = plan.id
            db.session.remove()

        page = new_page(width=width, height=900)
        log_in_at(page, w["leader"][0], PASSWORD, f"/plans/{plan_id}")
        page.get_by_test_id("issue-plan-link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Giao cả kế hoạch cho xã, phường")
        expect(page.get_by_test_id("issue-plan-tasks").locator("li")).to_have_count(2)
        form = page.locator("main form")
        # Chosen communes, none ticked: refused, the choice kept, nothing created.
        form.get_by_label("Các xã, phường được chọn").check()
        form.get_by_role("button", name="Xem trước").click()
        expect(page.locator("main")).to_contain_text("Chọn ít nhất một xã, phường nhận nhiệm vụ.")
        expect(form.get_by_label("Các xã, phường được chọn")).to_be_checked()
        expect(page.get_by_test_id("issue-plan-confirm")).to_have_count(0)
        assert page_width(page) <= width
        save_screenshot(f"issue-plan-refused-{name}.png", page, full_page=True)
        # Two communes ticked: the preview counts 2 tasks × 2 communes.
        form.get_by_label("Xã An Phú").check()
        form.get_by_label("Xã Cam Hải").check()
        form.get_by_role("button", name="Xem trước").click()
        preview = page.get_by_test_id("issue-plan-preview")
        expect(preview).to_contain_text("Sẽ tạo 4 nhiệm vụ: 2 nhiệm vụ × 2 xã, phường.")
        expect(preview).to_contain_text("Giao cho: Xã An Phú, Xã Cam Hải.")
        assert page_width(page) <= width
        save_screenshot(f"issue-plan-preview-{name}.png", page, full_page=True)
        page.get_by_test_id("issue-plan-confirm").click()
        expect(page.get_by_role("alert").filter(has_text="Đã giao 2 nhiệm vụ")).to_contain_text(
            "cho 2 xã, phường (4 nhiệm vụ được tạo)"
        )
        # Issued once: the plan has nothing left to issue.
        page.goto(f"/plans/{plan_id}/issue")
        expect(page.get_by_test_id("nothing-to-issue")).to_be_visible()
        log_out(page, w["leader"][1])
        page.context.close()
