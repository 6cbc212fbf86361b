"""A plan's progress chart as inline SVG, drawn on the server.

No JavaScript and nothing from a CDN: `build_chart` computes every coordinate, `render_chart`
writes the SVG (a <title>, a <desc> saying the latest figures, axes labelled in the page's
language), its legend, and the figures month by month as a table for screen readers. The
drawing scales with its container through its viewBox. It is written in Python rather than
Jinja because a page holds several charts of up to a hundred elements each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from tracker.core.formatting import format_date
from tracker.dashboard.formatting import CountPattern, small_number
from tracker.dashboard.queries import ProgressPoint, ProgressSeries

WIDTH, HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 44  # margins: y labels left, month labels below


@dataclass(frozen=True, slots=True)
class XLabel:
    x: float
    month: int
    year: int


@dataclass(frozen=True, slots=True)
class Chart:
    id: str  # prefix of the ids of its <title> and <desc>
    series: ProgressSeries
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    planned: str  # polyline points
    done: str
    y_ticks: list[tuple[float, int]]
    x_labels: list[XLabel]
    month_lines: list[float]
    as_of_x: float | None
    multi_year: bool

    @property
    def last_done(self) -> ProgressPoint | None:
        return self.series.done_points[-1] if self.series.done_points else None

    @property
    def months(self) -> list[ProgressPoint]:
        """Each month's end point (the table under the chart)."""
        return self.series.points[1:]


def nice_step(maximum: int, ticks: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … giving at most `ticks` steps up to `maximum`."""
    step, factors = 1, (2, 2.5, 2)  # 1 → 2 → 5 → 10 → 20 → 50 …
    index = 0
    while maximum / step > ticks:
        step = int(step * factors[index % 3])
        index += 1
    return step


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def build_chart(chart_id: str, series: ProgressSeries) -> Chart:
    left, right = float(LEFT), float(WIDTH - RIGHT)
    top, bottom = float(TOP), float(HEIGHT - BOTTOM)
    days = (series.end - series.start).days + 1

    def x(day: date) -> float:
        """The end of `day`: a month's end point sits on the boundary with the next month."""
        offset = min(max((day - series.start).days + 1, 0), days)
        return left + (right - left) * offset / days

    top_value = max(series.total, 1)
    step = nice_step(top_value)
    y_max = -(-top_value // step) * step

    def y(value: int) -> float:
        return bottom - (bottom - top) * value / y_max

    def points(items: list[ProgressPoint], attr: str) -> str:
        return " ".join(f"{_fmt(x(p.on))},{_fmt(y(getattr(p, attr)))}" for p in items)

    month_points = series.points[1:]
    per_label = 1 if len(month_points) <= 12 else 3 if len(month_points) <= 36 else 6
    x_labels = []
    previous = series.start
    for index, point in enumerate(month_points):
        if index % per_label == 0:
            middle = (x(previous - timedelta(days=1)) + x(point.on)) / 2
            x_labels.append(XLabel(middle, point.on.month, point.on.year))
        previous = point.on + timedelta(days=1)
    as_of_x = None
    if series.start <= series.as_of <= series.end:
        as_of_x = x(series.as_of)
    return Chart(
        id=chart_id,
        series=series,
        width=WIDTH,
        height=HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        planned=points(series.points, "planned"),
        done=points(series.done_points, "done"),
        y_ticks=[(y(v), v) for v in range(0, y_max + 1, step)],
        x_labels=x_labels,
        month_lines=[x(p.on) for p in month_points[:-1]],
        as_of_x=as_of_x,
        multi_year=series.start.year != series.end.year,
    )


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The words of the charts, translated once per page; patterns take %(name)s values."""

    title: str  # what the chart shows
    period: str  # %(start)s, %(end)s: months mm/yyyy
    status: str  # %(date)s, %(done)s, %(total)s, %(planned)s
    without_deadline: str  # %(n)s
    month: str  # x axis
    count: str  # y axis
    done: str  # legend: the done line
    planned: str  # legend: the planned line
    table: str  # the summary of the table of figures
    planned_short: str  # its columns
    done_short: str


def _without_deadline(count: int, n: str) -> str:
    return ngettext(
        "%(n)s nhiệm vụ không có thời hạn.", "%(n)s nhiệm vụ không có thời hạn.", count, n=n
    )


def chart_labels() -> ChartLabels:
    """The charts' words in the request's language (a ward's dashboard, a province's page)."""
    return _chart_labels_in(str(get_locale()))


@lru_cache(maxsize=8)
def _chart_labels_in(language: str) -> ChartLabels:
    """Once per language: translations do not change while the application runs."""
    return ChartLabels(
        title=_("Tiến độ thực hiện: nhiệm vụ hoàn thành so với thời hạn theo kế hoạch (lũy kế)"),
        period=_("Từ tháng %(start)s đến tháng %(end)s."),
        status=_(
            "Đến ngày %(date)s: %(done)s trên %(total)s nhiệm vụ đã hoàn thành; "
            "%(planned)s nhiệm vụ đã đến hạn theo kế hoạch."
        ),
        without_deadline=CountPattern(_without_deadline),
        month=_("Tháng"),
        count=_("Số nhiệm vụ"),
        done=_("Đã hoàn thành (lũy kế)"),
        planned=_("Đến hạn theo kế hoạch (lũy kế)"),
        table=_("Số liệu theo tháng"),
        planned_short=_("Đến hạn (lũy kế)"),
        done_short=_("Hoàn thành (lũy kế)"),
    )


GRID, AXIS, DONE, PLANNED, MARK = "#dee2e6", "#6c757d", "#198754", "#6c757d", "#0d6efd"


def _n(value: float) -> str:
    return f"{value:.1f}"


def render_chart(chart: Chart, labels: ChartLabels) -> Markup:
    s = chart.series
    last = chart.last_done
    cid = escape(chart.id)
    desc = [labels.period % {"start": f"{s.start:%m/%Y}", "end": f"{s.end:%m/%Y}"}]
    if last is not None:
        desc.append(
            labels.status
            % {
                "date": format_date(last.on),
                "done": small_number(last.done),
                "total": small_number(s.total),
                "planned": small_number(last.planned),
            }
        )
    if s.without_deadline:
        desc.append(labels.without_deadline % {"n": small_number(s.without_deadline)})

    out = [
        '<figure class="mb-2">',
        f'<svg class="progress-chart w-100 h-auto" viewBox="0 0 {chart.width} {chart.height}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" font-size="11" '
        'data-testid="progress-chart">',
        f'<title id="{cid}-title">{escape(labels.title)}</title>',
        f'<desc id="{cid}-desc">{escape(" ".join(desc))}</desc>',
        f'<g stroke="{GRID}" stroke-width="1">',
    ]
    left, right, top, bottom = chart.left, chart.right, chart.top, chart.bottom
    for y, _value in chart.y_ticks:
        out.append(f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}"/>')
    for x in chart.month_lines:
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(bottom)}" y2="{_n(bottom + 4)}"/>')
    out.append(f'</g><g fill="{AXIS}" text-anchor="end">')
    for y, value in chart.y_ticks:
        out.append(f'<text x="{_n(left - 6)}" y="{_n(y + 4)}">{small_number(value)}</text>')
    out.append(f'</g><g fill="{AXIS}" text-anchor="middle">')
    for label in chart.x_labels:
        text = f"{label.month}/{label.year}" if chart.multi_year else str(label.month)
        out.append(f'<text x="{_n(label.x)}" y="{_n(bottom + 16)}">{text}</text>')
    out += [
        f'<text x="{_n((left + right) / 2)}" y="{_n(chart.height - 6)}">'
        f"{escape(labels.month)}</text>",
        f'<text transform="rotate(-90)" x="{_n(-(top + bottom) / 2)}" y="12">'
        f"{escape(labels.count)}</text>",
        "</g>",
        f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(bottom)}" y2="{_n(bottom)}" '
        f'stroke="{AXIS}"/>',
        f'<line x1="{_n(left)}" x2="{_n(left)}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="{AXIS}"/>',
    ]
    if chart.as_of_x is not None:
        x = _n(chart.as_of_x)
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="{MARK}" '
            'stroke-dasharray="2 3"/>'
        )
    out.append(
        f'<polyline points="{chart.planned}" fill="none" stroke="{PLANNED}" stroke-width="2" '
        'stroke-dasharray="6 4" stroke-linejoin="round"/>'
    )
    if chart.done:
        out.append(
            f'<polyline points="{chart.done}" fill="none" stroke="{DONE}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
    out.append("</svg>")

    def swatch(colour: str, dash: str = "", width: str = "2") -> str:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            '<svg width="24" height="8" aria-hidden="true"><line x1="0" x2="24" y1="4" y2="4" '
            f'stroke="{colour}" stroke-width="{width}"{dashes}/></svg>'
        )

    out += [
        '<figcaption class="small d-flex flex-wrap gap-3">',
        f"<span>{swatch(DONE, width='2.5')} {escape(labels.done)}</span>",
        f"<span>{swatch(PLANNED, '6 4')} {escape(labels.planned)}</span>",
    ]
    if chart.as_of_x is not None:
        out.append(f"<span>{swatch(MARK, '2 3')} {format_date(s.as_of)}</span>")
    out += [
        "</figcaption>",
        f'<details class="small mt-1"><summary>{escape(labels.table)}</summary>',
        '<table class="table table-sm w-auto mb-0"><thead><tr>'
        f'<th scope="col">{escape(labels.month)}</th>'
        f'<th scope="col" class="text-end">{escape(labels.planned_short)}</th>'
        f'<th scope="col" class="text-end">{escape(labels.done_short)}</th></tr></thead><tbody>',
    ]
    for point in chart.months:
        done = "—" if point.done is None else small_number(point.done)
        out.append(
            f'<tr><td>{point.on:%m/%Y}</td><td class="text-end">{small_number(point.planned)}'
            f'</td><td class="text-end">{done}</td></tr>'
        )
    out.append("</tbody></table></details></figure>")
    return Markup("\n".join(out))
