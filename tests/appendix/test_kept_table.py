"""Phụ lục 1's table part is kept under the data versions of the period's unit and of the units
holding its plans, the day, the language and the reader's rights (issue 10): a figure typed or
a task done shows at once, each reader sees their own controls, a refused form shows what was
typed and is never kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.appendix.test_pages import _figures, _freeze, _login, _post
from tests.factories import gen_officer, gen_unit
from tracker.appendix.models import EnteredFigure
from tracker.core.fragments import CSRF_SLOT
from tracker.extensions import db
from tracker.people.models import Officer, Role
from tracker.plans.models import Plan
from tracker.tasks.models import Task
from tracker.tasks.operations import confirm_completion, submit_completion


def _page(client, period_id: int) -> str:
    response = client.get(f"/appendix/{period_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_typed_figure_and_a_task_done_show_at_once(client, auth, demo, count_queries):
    _login(auth, demo.focal)
    first = _page(client, demo.period.id)
    assert "6/22" in first and 'value="186"' not in first
    with count_queries() as queries:
        assert "6/22" in _page(client, demo.period.id)
    # Kept: the reader, then the period with the versions of every unit its page reads.
    assert queries.count <= 2

    assert _post(client, f"/appendix/{demo.period.id}", _figures({"3.2.1.a": "186"})) \
        .status_code == 302
    assert 'value="186"' in _page(client, demo.period.id)

    # A task of the annual plan (row 1.2) done within the period, through the task operations.
    task = db.session.scalar(
        select(Task).join(Plan).where(Plan.appendix_row == "1.2", Task.completed_on.is_(None),
                                      Task.lead_officer_id.is_not(None)).order_by(Task.id)
    )
    lead = db.session.get(Officer, task.lead_officer_id)
    submit_completion(db.session, task, lead, document_number="31/KH-UBND",
                      document_date=date(2024, 3, 1), summary="Kế hoạch", today=date(2024, 3, 1))
    db.session.commit()
    confirm_completion(db.session, db.session.get(Task, task.id), demo.chair)
    db.session.commit()
    html = _page(client, demo.period.id)
    assert "7/22" in html and "6/22" not in html


def test_each_reader_sees_their_own_controls(client, auth, demo):
    inspector = gen_officer(demo.ward.parent, Role.INSPECTOR)
    db.session.commit()
    pages = {}
    for reader in (demo.focal, demo.chair, inspector, demo.focal):
        auth.logout()
        if reader is inspector:
            auth.login(inspector)
        else:
            _login(auth, reader)
        pages.setdefault(reader.id, []).append(_page(client, demo.period.id))
    focal, chair, read_only = (pages[o.id][0] for o in (demo.focal, demo.chair, inspector))
    assert 'name="v-3.2.1.a"' in focal and 'name="v-3.2.1.a"' in chair
    assert 'name="v-' not in read_only and 'data-testid="save"' not in read_only
    assert "27,3%" in read_only
    assert 'name="v-3.2.1.a"' in pages[demo.focal.id][1] and CSRF_SLOT not in focal


def test_a_refused_form_shows_what_was_typed_and_is_never_kept(client, auth, demo):
    _login(auth, demo.focal)
    _page(client, demo.period.id)
    refused = _post(client, f"/appendix/{demo.period.id}",
                    _figures({"3.2.1.a": "186", "3.2.1.b": "190"}))  # more resolved than received
    assert refused.status_code == 400 and 'value="190"' in refused.get_data(as_text=True)
    html = _page(client, demo.period.id)
    assert 'value="190"' not in html and 'value="186"' not in html
    assert db.session.scalar(select(EnteredFigure.id)) is None


def test_language_does_not_cross(client, auth, demo):
    _login(auth, demo.focal)
    path = f"/appendix/{demo.period.id}"
    vietnamese = _page(client, demo.period.id)
    client.post("/language/en", data={"csrf_token": _token(client), "next": path})
    english = _page(client, demo.period.id)
    assert "Lưu số liệu" in vietnamese and "Lưu số liệu" not in english
    client.post("/language/vi", data={"csrf_token": _token(client), "next": path})
    assert "Lưu số liệu" in _page(client, demo.period.id)


def test_a_frozen_table_and_its_reopening(client, auth, demo):
    _login(auth, demo.focal)
    assert _freeze(client, demo.period.id, {}).status_code == 302
    frozen = _page(client, demo.period.id)
    assert "Đã chốt số liệu" in frozen and 'name="v-3.2.1.a"' not in frozen
    auth.logout()
    _login(auth, demo.chair)
    reopened = _post(client, f"/appendix/{demo.period.id}/reopen", {"reason": "Sửa số liệu"})
    assert reopened.status_code == 302
    assert 'name="v-3.2.1.a"' in _page(client, demo.period.id)


def test_a_plan_moved_to_another_unit_still_counts_and_its_tasks_too(client, auth, demo):
    """A plan handed to another unit after the period's end counts in the period's unit (its
    unit then); its tasks' changes renew the unit holding it now, which the key reads too."""
    from tracker.plans.models import PlanUnitMove

    _login(auth, demo.focal)
    assert "6/22" in _page(client, demo.period.id)
    other = gen_unit(code="khac", name="Phường Khác", parent=demo.ward.parent)
    db.session.flush()
    plan = db.session.scalar(select(Plan).where(Plan.unit_id == demo.ward.id,
                                                Plan.appendix_row == "1.2"))
    db.session.add(PlanUnitMove(plan_id=plan.id, from_unit_id=demo.ward.id,
                                to_unit_id=other.id, moved_on=date(2024, 6, 1)))
    plan.unit_id = other.id
    db.session.commit()
    assert "6/22" in _page(client, demo.period.id)
    task = db.session.scalar(
        select(Task).where(Task.plan_id == plan.id, Task.completed_on.is_(None)).order_by(Task.id)
    )
    task.completed_on = date(2024, 3, 2)  # an edit renewing the plan's unit now: the other
    db.session.commit()
    assert "7/22" in _page(client, demo.period.id)


def _token(client) -> str:
    from tests.conftest import session_csrf_token

    return session_csrf_token(client)


def test_an_officer_of_another_unit_named_in_the_history_is_renamed(client, auth, demo):
    """The history names who typed: an officer of the city (another unit, another version)
    renamed shows renamed, the page kept or not."""
    from tracker.appendix.operations import FigureInput, save_figures
    from tracker.core.audit import acting_as

    clerk = gen_officer(demo.ward.parent, Role.OFFICER, full_name="Cán bộ Thành phố")
    db.session.commit()
    with acting_as(clerk.id):
        save_figures(db.session, demo.period, FigureInput({"3.2.1.a": "186"}, {}, set()))
    db.session.commit()
    _login(auth, demo.focal)
    assert "Cán bộ Thành phố" in _page(client, demo.period.id)
    assert "Cán bộ Thành phố" in _page(client, demo.period.id)  # kept
    clerk = db.session.get(Officer, clerk.id)
    clerk.full_name = "Cán bộ Thành phố (đổi tên)"
    db.session.commit()
    assert "Cán bộ Thành phố (đổi tên)" in _page(client, demo.period.id)
