from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from flask import flash, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from tracker.core.clock import to_local, today
from tracker.core.dates import parse_date
from tracker.core.formatting import format_date, status_label
from tracker.core.fragments import rendering_key
from tracker.core.permissions import Action, authorize
from tracker.core.status import DeadlineClass
from tracker.core.versions import Kept, versions_of, versions_where
from tracker.dashboard import bp
from tracker.dashboard.chart import build_chart, chart_labels, render_chart
from tracker.dashboard.formatting import (
    CountPattern,
    field_rows,
    officer_rows,
    progress_bar,
    quick_percent,
    rate_with_counts,
    small_number,
)
from tracker.dashboard.queries import CHILDREN_SHOWN, build_dashboard
from tracker.extensions import db
from tracker.people.models import Unit
from tracker.people.queries import unit_or_404
from tracker.plans.merging import merged_from
from tracker.tasks.filters import TaskFilter

bp.add_app_template_filter(small_number, "num")
bp.add_app_template_filter(quick_percent, "pct")


def _days_overdue(count: int, n: str) -> str:
    return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", count, n=n)


def _days_left(count: int, n: str) -> str:
    return ngettext("còn %(n)s ngày", "còn %(n)s ngày", count, n=n)


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")


def _query_string(args: dict[str, str]) -> str:
    """`urlencode(args)`, without quoting what needs none: the dashboard's links carry ids,
    dates and status words, and quoting them one by one was a tenth of the page."""
    if all(_PLAIN.issuperset(k) and _PLAIN.issuperset(v) for k, v in args.items()):
        return "&".join(f"{k}={v}" for k, v in args.items())
    return urlencode(args)


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


def _language() -> str:
    return str(get_locale())


def _page_labels(as_of: date) -> dict[str, str]:
    """Words the page repeats on every row and card, translated once. The patterns keep
    their %(n)s for the template's `format`."""
    return {
        **_fixed_page_labels(_language()),
        "until": _("đến %(date)s", date=format_date(as_of)),
        "until_cap": _("Đến %(date)s", date=format_date(as_of)),
    }


@lru_cache(maxsize=8)
def _fixed_page_labels(language: str) -> dict[str, str]:
    """The words of `_page_labels` that depend on the language alone (the caller copies
    the dictionary, so the cached one is never changed)."""
    return {
        "tasks": _("Nhiệm vụ"),
        "done": _("Đã hoàn thành"),
        "overdue": _("Quá hạn"),
        "rate": _("Tỷ lệ hoàn thành"),
        "on_time": status_label(DeadlineClass.DONE_ON_TIME),
        "late": status_label(DeadlineClass.DONE_LATE),
        "open_overdue": status_label(DeadlineClass.OPEN_OVERDUE),
        "open_on_time": status_label(DeadlineClass.OPEN_ON_TIME),
        "due_rate": _("Hoàn thành / đã đến hạn"),
        "measure": _("Chỉ tiêu"),
        "completion": _("Hoàn thành / tổng số (lũy kế)"),
        "on_time_rate": _("Đúng hạn / đã hoàn thành"),
        "plan_tasks": _("Xem các nhiệm vụ của kế hoạch"),
        "by_field": _("Theo lĩnh vực"),
        "field": _("Lĩnh vực"),
        "on_day": _("ngày"),
        "today": _("Hôm nay"),
        "no_field": _("Chưa xếp lĩnh vực"),
        "lead": _("Chủ trì"),
        "nobody": _("chưa giao"),
        "due": _("Hạn"),
        "no_due": _("Không có hạn"),
        "days_overdue": CountPattern(_days_overdue),
        "days_left": CountPattern(_days_left),
        "due_today": _("đến hạn hôm nay"),
    }


# The dashboard's body, kept across requests (tracker.core.versions): what it shows comes from
# the unit's audited data alone, the same for every reader allowed to see it.
_BODIES: Kept[tuple, str | None] = Kept("dashboard bodies", 256)


def render_dashboard(unit: Unit) -> str:
    """The dashboard page of a unit (the caller has checked SEE_LEADER_VIEWS)."""
    today_ = today()
    as_of = _requested_as_of(today_)
    # A unit made by a merger, read as of a date before it: its figures are those of the plans
    # it took over as they stood then (the old units' summed); the page says so and links each
    # old unit's own plans of that date (plans.queries.of_units_on keeps them).
    # Only a date before the unit's creation can fall before a merger that made it: on any
    # other date (today's page among them) the question needs no query.
    created_on = to_local(unit.created_at).date() if unit.created_at else None
    merged = merged_from(db.session, unit) if created_on and as_of < created_on else []
    # The key: every input of the body, the versions read before the data they stand for.
    key = rendering_key((
        unit.id,
        versions_of(db.session, [unit.id]),
        _children_versions(unit),
        as_of,
        today_,
        tuple((old.id, old.code, old.name) for old in merged),
    ))
    fresh: list[str] = []

    def compute() -> str | None:
        # The unit's row was read before its version: read it again, so a renaming committed
        # in between is not kept under the version that renamed it.
        db.session.refresh(unit)
        body = _render_body(unit, as_of, today_, merged, created_on)
        fresh.append(str(body.html))
        # Leads named from other units' officers: their renaming renews those units' versions,
        # not this one's, so such a body is not kept (None: rendered anew each time).
        return None if body.outside_leads else fresh[0]

    body = _BODIES.get(key, compute)
    if body is None:  # not kept: the one just rendered, or a new one
        body = fresh[0] if fresh else str(
            _render_body(unit, as_of, today_, merged, created_on).html
        )
    return render_template("dashboard/index.html", unit=unit, body=Markup(body))


def _children_versions(unit: Unit) -> tuple[int, int] | None:
    """The versions of the units below a city or a province (their names and links are on its
    dashboard): None for a ward."""
    if unit.kind not in CHILDREN_SHOWN:
        return None
    return versions_where(db.session, select(Unit.id).where(Unit.parent_id == unit.id))


@dataclass(frozen=True, slots=True)
class _Body:
    html: Markup
    outside_leads: bool


def _render_body(
    unit: Unit, as_of: date, today_: date, merged: list[Unit], created_on: date | None
) -> _Body:
    data = build_dashboard(db.session, unit, as_of=as_of, today=today_)
    labels = chart_labels()
    charts = {
        block.plan.id: render_chart(build_chart(f"chart-{block.plan.id}", block.series), labels)
        for block in data.plans
    }

    list_base = url_for("tasks_list.index", unit_code=unit.code)

    def list_url(as_of: date = as_of, **conditions) -> str:
        """The unit's task list with these filters, as of the dashboard's date (the page has
        dozens of these links: one url_for, then plain query strings)."""
        args = TaskFilter(as_of=as_of, **conditions).query_args(today=today_)
        return f"{list_base}?{_query_string(args)}" if args else list_base

    html = render_template(
        "dashboard/_body.html",
        unit=unit,
        data=data,
        before_merger=merged,
        merged_on=created_on if merged else None,
        charts=charts,
        list_url=list_url,
        progress_bar=progress_bar,
        rate_with_counts=rate_with_counts,
        field_rows=field_rows,
        officer_rows=officer_rows,
        L=_page_labels(as_of),
    )
    return _Body(Markup(html), data.outside_leads)


@bp.route("/units/<unit_code>/dashboard")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.SEE_LEADER_VIEWS, unit)
    return render_dashboard(unit)
