from datetime import date

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.clock import today
from tracker.core.dates import parse_date
from tracker.core.permissions import Action, authorize
from tracker.core.web import unit_or_404
from tracker.dashboard import bp
from tracker.dashboard.chart import build_chart
from tracker.dashboard.queries import build_dashboard
from tracker.extensions import db
from tracker.people.models import Unit
from tracker.tasks.filters import TaskFilter


def _requested_as_of(today_: date) -> date:
    """The `as_of` date of the query string, or today; a bad one is said, not fatal."""
    raw = request.args.get("as_of", "")
    if raw:
        parsed = parse_date(raw)
        if parsed is not None:
            return parsed
        flash(
            _("Ngày “%(value)s” không hợp lệ; đang hiển thị số liệu đến hôm nay.", value=raw[:40]),
            "warning",
        )
    return today_


def render_dashboard(unit: Unit) -> str:
    """The dashboard page of a unit (the caller has checked SEE_LEADER_VIEWS)."""
    today_ = today()
    as_of = _requested_as_of(today_)
    data = build_dashboard(db.session, unit, as_of=as_of, today=today_)
    charts = {
        block.plan.id: build_chart(f"chart-{block.plan.id}", block.series) for block in data.plans
    }

    def list_url(as_of: date = as_of, **conditions) -> str:
        """The unit's task list with these filters, as of the dashboard's date."""
        task_filter = TaskFilter(as_of=as_of, **conditions)
        return url_for(
            "tasks_list.index", unit_code=unit.code, **task_filter.query_args(today=today_)
        )

    return render_template(
        "dashboard/index.html", unit=unit, data=data, charts=charts, list_url=list_url
    )


@bp.route("/units/<unit_code>/dashboard")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.SEE_LEADER_VIEWS, unit)
    return render_dashboard(unit)
