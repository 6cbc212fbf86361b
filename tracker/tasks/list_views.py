"""A unit's task list with filters and search, and its export to .xlsx.

Both read the same query string through tracker.tasks.filters, so the file holds exactly the
tasks the page lists (every page of them).
"""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.clock import today
from tracker.core.permissions import Action, authorize
from tracker.core.spreadsheets import xlsx_download
from tracker.extensions import db
from tracker.people.models import Unit
from tracker.people.queries import unit_or_404
from tracker.tasks.exporting import export_filename, export_tasks_xlsx
from tracker.tasks.filters import (
    DONE,
    OPEN,
    PAGE_SIZE,
    FilterProblem,
    ListedRow,
    TaskFilter,
    UnitLookups,
    apply_filter,
    check_against,
    load_tasks,
    parse_task_filter,
    unit_lookups,
)

bp = Blueprint("tasks_list", __name__)


def _problem_message(problem: FilterProblem) -> str:
    value = problem.value
    messages = {
        "plan": _("Kế hoạch “%(value)s” không có trong đơn vị; đã bỏ qua bộ lọc này.", value=value),
        "group": _(
            "Lĩnh vực “%(value)s” không có trong kế hoạch đã chọn; đã bỏ qua bộ lọc này.",
            value=value,
        ),
        "officer": _(
            "Cán bộ “%(value)s” không có trong đơn vị; đã bỏ qua bộ lọc này.", value=value
        ),
        "status": _("Tình trạng “%(value)s” không hợp lệ; đã bỏ qua bộ lọc này.", value=value),
        "from": _("Ngày “%(value)s” (hạn từ) không hợp lệ; đã bỏ qua.", value=value),
        "to": _("Ngày “%(value)s” (hạn đến) không hợp lệ; đã bỏ qua.", value=value),
        "range": _("Khoảng thời hạn %(value)s bị ngược; đã bỏ qua.", value=value),
        "as_of": _("Ngày “%(value)s” không hợp lệ; tình trạng được tính đến hôm nay.", value=value),
        "q": _(
            "Từ khóa tìm kiếm không hợp lệ (quá dài hoặc có ký tự điều khiển); đã bỏ qua.",
        ),
        "page": _("Số trang “%(value)s” không hợp lệ; đang hiển thị trang đầu.", value=value),
    }
    return messages[problem.name]


def _read_filter(unit: Unit, *, report: bool = True) -> tuple[TaskFilter, UnitLookups]:
    """The filter of the query string; bad values are left out (and said, on the page)."""
    task_filter, problems = parse_task_filter(request.args, today())
    lookups = unit_lookups(db.session, unit.id)
    task_filter, more = check_against(task_filter, lookups)
    if report:
        for problem in problems + more:
            flash(_problem_message(problem), "warning")
    return task_filter, lookups


def _unit(unit_code: str) -> Unit:
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    return unit


@bp.route("/units/<unit_code>/tasks")
@login_required
def index(unit_code: str):
    unit = _unit(unit_code)
    task_filter, lookups = _read_filter(unit)
    listed = apply_filter(db.session, unit.id, task_filter, lookups)
    pages = max(1, -(-len(listed) // PAGE_SIZE))
    page = min(task_filter.page, pages)
    shown: list[ListedRow] = listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    tasks = load_tasks(db.session, [item.row.task_id for item in shown])
    status = {item.row.task_id: item.status for item in shown}
    today_ = today()
    return render_template(
        "tasks/list.html",
        unit=unit,
        lookups=lookups,
        task_filter=task_filter,
        rows=[(task, status[task.id]) for task in tasks],
        total=len(listed),
        page=page,
        pages=pages,
        first_number=(page - 1) * PAGE_SIZE + 1,
        args=task_filter.query_args(today=today_, page=1),
        today=today_,
        OPEN=OPEN,
        DONE=DONE,
    )


@bp.route("/units/<unit_code>/tasks/export.xlsx")
@login_required
def export(unit_code: str):
    unit = _unit(unit_code)
    # A file has no place for warnings: it states the filters it applied in its title block.
    task_filter, lookups = _read_filter(unit, report=False)
    listed = apply_filter(db.session, unit.id, task_filter, lookups)
    tasks = load_tasks(db.session, [item.row.task_id for item in listed])
    status = {item.row.task_id: item.status for item in listed}
    content = export_tasks_xlsx(
        unit, task_filter, lookups, [(task, status[task.id]) for task in tasks]
    )
    return xlsx_download(content, export_filename(unit, task_filter))
