"""Two leaders on the same task in two browsers (issue 11), at a phone's width and a desk's:
the edit saved second is refused with the first one's change shown and its own typing kept;
the completion returned after another leader confirmed it is refused, naming who and when.

Screenshots: tests/artifacts/screenshots/stale-edit-<width>.png and
already-confirmed-<width>.png, for a person to look at.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.actions import log_in
from tests.browser.conftest import save_screenshot
from tracker.core.audit import acting_as
from tracker.extensions import db
from tracker.people.models import Officer
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Task
from tracker.tasks.operations import TaskInput, save_task, submit_completion

pytestmark = pytest.mark.browser

# People of the demo ward (tracker/demo/data/ward.toml).
CHAIR = ("chutich@vinhhoa.example", "Lê Minh Tuấn")
VICE = ("pct.vanhoa@vinhhoa.example", "Trần Thị Thu Hà")  # oversees the first field
FOCAL = ("vanphong@vinhhoa.example", "Kiều Thị Mỹ Duyên")
LEAD = "tuphap@vinhhoa.example"
PLAN_TITLE = "Kế hoạch cải cách hành chính phường Vĩnh Hòa năm 2024"
WIDTHS = [390, 1366]


def _officer(email: str) -> Officer:
    return db.session.scalar(select(Officer).where(Officer.email == email))


def _new_task(live_server, *, submitted: bool) -> Task:
    """A task of the annual plan's first field (the vice chairperson's), led by an officer,
    the chairperson confirming; its completion reported if `submitted`."""
    with live_server.app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.title == PLAN_TITLE))
        group = db.session.scalar(
            select(TaskGroup).where(TaskGroup.plan_id == plan.id).order_by(TaskGroup.ordinal)
        )
        chair, lead = _officer(CHAIR[0]), _officer(LEAD)
        with acting_as(chair.id):
            task = save_task(
                db.session,
                plan,
                TaskInput(
                    title=f"Rà soát quy chế phối hợp {uuid.uuid4().hex[:6]}",
                    deliverable="Quy chế phối hợp",
                    group_id=group.id,
                    lead_officer_id=lead.id,
                    confirmer_id=chair.id,
                    deadline=date(2026, 12, 30),
                ),
                chair,
            ).task
        db.session.commit()
        if submitted:
            with acting_as(lead.id):
                submit_completion(
                    db.session,
                    task,
                    lead,
                    document_number="412/QĐ-UBND",
                    document_date=date(2024, 3, 4),
                    summary="Quy chế phối hợp",
                    today=date(2024, 3, 12),
                )
            db.session.commit()
        task_id = task.id
        db.session.remove()
    return task_id


def _leader(new_page, live_server, width: int, who: tuple[str, str]) -> Page:
    page = new_page(width=width, height=900)
    log_in(page, who[0], live_server.passwords[who[0]])
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_the_edit_saved_second_is_refused_with_the_first_shown(new_page, live_server, width):
    task_id = _new_task(live_server, submitted=False)
    chair = _leader(new_page, live_server, width, CHAIR)
    vice = _leader(new_page, live_server, width, VICE)
    chair.goto(f"/tasks/{task_id}/edit")
    vice.goto(f"/tasks/{task_id}/edit")
    # The vice chairperson moves the deadline and saves first.
    vice.locator("main form").get_by_label("Hạn hoàn thành").fill("15/01/2027")
    vice.locator("main form").get_by_role("button", name="Lưu nhiệm vụ").click()
    expect(vice.locator("main")).to_contain_text("Đã lưu nhiệm vụ.")
    # The chairperson, on the form opened before, renames the task and saves.
    title = "Rà soát, sửa đổi quy chế phối hợp liên ngành"
    chair.locator("main form").get_by_label("Nhiệm vụ", exact=True).fill(title)
    chair.locator("main form").get_by_role("button", name="Lưu nhiệm vụ").click()
    main = chair.locator("main")
    expect(main).to_contain_text(f"Trong lúc bạn sửa, {VICE[1]} đã lưu thay đổi nhiệm vụ này")
    conflict = chair.get_by_test_id("edit-conflict")
    expect(conflict).to_contain_text("Thời hạn: 30/12/2026 → 15/01/2027")
    expect(chair.locator("main form").get_by_label("Nhiệm vụ", exact=True)).to_have_value(title)
    expect(chair.locator("main form").get_by_label("Hạn hoàn thành")).to_have_value("30/12/2026")
    save_screenshot(f"stale-edit-{width}.png", chair, full_page=True)
    with live_server.app.app_context():
        task = db.session.get(Task, task_id)
        assert task.deadline == date(2027, 1, 15) and task.title != title
        db.session.remove()


@pytest.mark.parametrize("width", WIDTHS)
def test_returning_what_another_leader_confirmed_names_them(new_page, live_server, width):
    task_id = _new_task(live_server, submitted=True)
    chair = _leader(new_page, live_server, width, CHAIR)
    focal = _leader(new_page, live_server, width, FOCAL)
    chair.goto(f"/tasks/{task_id}")
    focal.goto(f"/tasks/{task_id}")
    chair.locator("main").get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(chair.locator("main")).to_contain_text("Đã xác nhận hoàn thành.")
    # The focal officer's page still offers the decision: they send it back.
    focal.locator("main").get_by_label("Lý do trả lại").fill("Thiếu chữ ký")
    focal.locator("main").get_by_role("button", name="Trả lại").click()
    expect(focal.locator("main")).to_contain_text(f"Kết quả này đã được {CHAIR[1]} xác nhận lúc ")
    expect(focal.locator("main")).to_contain_text("không thể trả lại.")
    save_screenshot(f"already-confirmed-{width}.png", focal, full_page=True)
