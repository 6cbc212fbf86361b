"""The province page (`/units/<code>/communes`) and its .xlsx: parse, check, build, render."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.core.clock import today
from tracker.core.formatting import RATE_BANDS
from tracker.core.fragments import rendering_key
from tracker.core.permissions import Action, authorize
from tracker.core.spreadsheets import xlsx_download
from tracker.core.versions import Kept
from tracker.dashboard.chart import build_chart, chart_labels, render_chart
from tracker.extensions import db
from tracker.people.models import Unit, UnitKind
from tracker.people.queries import unit_or_404
from tracker.plans.forms import kind_labels
from tracker.province import bp
from tracker.province.exporting import export_filename, export_overview_xlsx
from tracker.province.formatting import commune_rows
from tracker.province.forms import default_descending, parse_query, query_args
from tracker.province.national_chart import national_progress_by_kind
from tracker.province.queries import (
    RATES,
    PeriodStatus,
    build_overview,
    progress_by_kind,
    rate_key,
    set_key,
)

RATE_LABELS = {
    "completion": _l("Hoàn thành / tổng số"),
    "due": _l("Hoàn thành / đã đến hạn"),
    "on_time": _l("Đúng hạn / đã hoàn thành"),
}
PERIOD_LABELS = {
    PeriodStatus.NOT_OPENED: _l("Chưa mở"),
    PeriodStatus.TYPING: _l("Đang nhập"),
    PeriodStatus.FROZEN: _l("Đã chốt"),
    PeriodStatus.REOPENED: _l("Đã mở lại"),
}

# What the page draws from the communes' set, kept under the set's key (queries.set_key: the
# unit, the date and the versions of every unit of the tree) and what else it varies with.
_ROWS: Kept[tuple, Markup] = Kept("province.rows", 64)
_CHARTS: Kept[tuple, dict] = Kept("province.charts", 32)
_NATIONAL_CHARTS: Kept[tuple, dict] = Kept("province.national_charts", 8)


def _problem_message(name: str, value: str) -> str:
    messages = {
        "as_of": _("Ngày “%(value)s” không hợp lệ; đang hiển thị số liệu đến hôm nay.",
                   value=value),
        "q": _("Tên tìm kiếm không hợp lệ (quá dài hoặc có ký tự điều khiển); đã bỏ qua."),
        "band": _("Mức “%(value)s” không hợp lệ; đã bỏ qua bộ lọc này.", value=value),
        "band_of": _("Tỷ lệ “%(value)s” không hợp lệ; đã bỏ qua.", value=value),
        "sort": _("Cách sắp xếp “%(value)s” không hợp lệ; đang sắp xếp theo tên.", value=value),
        "page": _("Số trang “%(value)s” không hợp lệ; đang hiển thị trang đầu.", value=value),
    }
    return messages[name]


def _with_args(base: str, args: dict[str, str]) -> str:
    return f"{base}?{urlencode(args)}" if args else base


def _unit(unit_code: str) -> Unit:
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.OVERSEE_UNITS, unit)
    return unit


def render_overview(unit: Unit):
    """The page of the communes below `unit` (the caller has checked OVERSEE_UNITS)."""
    today_ = today()
    query, problems = parse_query(request.args, today_)
    for name, value in problems:
        flash(_problem_message(name, value), "warning")
    overview = build_overview(db.session, unit, query)
    base = url_for("province.index", unit_code=unit.code)

    def page_url(**changes) -> str:
        return _with_args(base, query_args(query, today_, **changes))

    def sort_url(key: str) -> str:
        descending = (
            not query.descending if query.sort == key else default_descending(key)
        )
        direction = "desc" if descending else "asc"
        if descending == default_descending(key):
            direction = ""
        return page_url(sort=key, dir=direction, page="")

    date_args = {"as_of": query.as_of.isoformat()} if query.as_of != today_ else {}
    # The rows: the page's communes, in their order, in the reader's language, their links
    # with the date asked for (or none: today's). Nothing in them differs by reader.
    rows = _ROWS.get(
        rendering_key((
            overview.key,
            tuple(date_args.items()),
            tuple(line.unit_id for line in overview.lines),
        )),
        lambda: commune_rows(overview, RATES, PERIOD_LABELS, date_args),
    )
    charts = {}
    if unit.kind is not UnitKind.NATIONAL and overview.communes:
        # The nation's chart would read every task of the country on each page: not drawn.
        def draw() -> dict:
            labels = chart_labels()
            return {
                kind: render_chart(build_chart(f"chart-{kind.value}", series), labels)
                for kind, series in progress_by_kind(
                    db.session, overview.commune_versions, query.as_of
                ).items()
            }

        charts = _CHARTS.get(rendering_key((overview.key,)), draw)
    # The nation's chart reads every task of the country (0.6 s for 250,000): drawn on request,
    # so the page itself keeps its speed.
    national = unit.kind is UnitKind.NATIONAL and bool(overview.communes)
    wanted = national and request.args.get("charts") == "1"
    return render_template(
        "province/index.html",
        national_charts=_national_charts(unit, query.as_of) if wanted else {},
        national_charts_offered=national and not wanted,
        unit=unit,
        overview=overview,
        query=query,
        today_=today_,
        kind_labels=kind_labels(),
        rates=list(RATES),
        rate_labels=RATE_LABELS,
        rate_key=rate_key,
        rows=rows,
        bands=RATE_BANDS,
        page_url=page_url,
        sort_url=sort_url,
        export_url=_with_args(
            url_for("province.export", unit_code=unit.code), query_args(query, today_)
        ),
        date_args=date_args,
        charts=charts,
    )


def _national_charts(unit: Unit, as_of) -> dict:
    """The national page's charts per plan kind, counted in the database (national_chart);
    none on a province's page, which draws its own above."""
    if unit.kind is not UnitKind.NATIONAL:
        return {}

    def draw() -> dict:
        labels = chart_labels()
        return {
            kind: render_chart(build_chart(f"national-chart-{kind.value}", series), labels)
            for kind, series in national_progress_by_kind(db.session, unit, as_of).items()
        }

    return _NATIONAL_CHARTS.get(rendering_key((set_key(db.session, unit, as_of),)), draw)


@bp.route("/units/<unit_code>/communes")
@login_required
def index(unit_code: str):
    return render_overview(_unit(unit_code))


@bp.route("/units/<unit_code>/communes.xlsx")
@login_required
def export(unit_code: str):
    unit = _unit(unit_code)
    query, _problems = parse_query(request.args, today())
    # Every commune matching the filters, in the page's order: no paging in a file.
    overview = build_overview(db.session, unit, query, paged=False)
    return xlsx_download(export_overview_xlsx(overview), export_filename(overview))
