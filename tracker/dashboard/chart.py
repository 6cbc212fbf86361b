"""The geometry of a plan's progress chart, drawn as inline SVG by dashboard/_chart.html.

No JavaScript and nothing from a CDN: the server computes every coordinate; the template
writes the elements (with a <title>, a <desc> and the figures as a table for screen readers).
The drawing scales with its container through its viewBox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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
    id: str
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
