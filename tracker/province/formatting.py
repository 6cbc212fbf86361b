"""The province page's cells and rows, written in Python: a page of hundreds of communes shows
thousands of rates (a Jinja macro call per cell costs more than the cell, and `url_for` three
times a row cost as much as the rest of the row)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from urllib.parse import quote

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from tracker.core.formatting import RATE_BANDS, format_date, rate_band
from tracker.core.fragments import rendering_key
from tracker.core.versions import Kept
from tracker.dashboard.formatting import quick_percent, small_number

_PLACEHOLDER = "unit-code-placeholder"


def rate_cell(rate: Decimal | None) -> Markup:
    """A rate on its band's colour (the status colours, core.formatting.RATE_BANDS)."""
    band = rate_band(rate)
    return Markup(
        f'<td class="text-end" data-band="{band}"><span class="badge '
        f'status-{RATE_BANDS[band][1]}">{escape(quick_percent(rate))}</span></td>'
    )


def _unit_url(endpoint: str, **args: str) -> Callable[[str], str]:
    """`url_for(endpoint, unit_code=code, **args)` for many codes: built once, the code put in
    its place (quoted as the URL map does for codes of letters, digits and hyphens)."""
    head, tail = url_for(endpoint, unit_code=_PLACEHOLDER, **args).split(_PLACEHOLDER)
    return lambda code: f"{head}{quote(code, safe='')}{tail}"


# Each commune's row as drawn, under its line's key (its data versions and the date) and what
# else a row shows (the table's columns, the links' date, the language): after a change in one
# commune the table is put together again from the others' rows as they were drawn.
_ROW_HTML: Kept[tuple, str] = Kept("province.row_html", 4000)


def commune_rows(overview, rates: Iterable[str], period_labels: dict, date_args: dict) -> Markup:
    """The table's body: one row per commune of the page (what templates/province/index.html
    drew row by row)."""
    dashboard = _unit_url("dashboard.index", **date_args)
    plans = _unit_url("plans.index")
    tasks = _unit_url("tasks_list.index", **date_args)
    closed = f' <span class="badge text-bg-secondary">{escape(_("Đã đóng"))}</span>'
    links = (escape(_("Kế hoạch")), escape(_("Nhiệm vụ")))
    pairs = [(kind, rate) for kind in overview.kinds for rate in rates]
    periods = [period.label for period in overview.periods]
    states = {state: escape(label) for state, label in period_labels.items()}
    shape = rendering_key(
        (tuple(pairs), tuple(periods), overview.several_parents, tuple(date_args.items()))
    )

    def row(line) -> str:
        code = line.code
        overdue = line.overdue
        out = [
            f'<tr data-unit="{escape(code)}">\n<th scope="row" class="fw-normal">\n'
            f'<a href="{escape(dashboard(code))}" class="fw-semibold">{escape(line.name)}</a>'
            f'{closed if line.closed else ""}\n'
            f'<div class="text-nowrap"><a href="{escape(plans(code))}" class="small">'
            f'{links[0]}</a> · <a href="{escape(tasks(code))}" class="small">{links[1]}</a>'
            "</div>\n</th>\n"
        ]
        if overview.several_parents:
            out.append(f"<td>{escape(line.parent_name)}</td>\n")
        out.extend(rate_cell(line.rate(kind, rate)) for kind, rate in pairs)
        meeting = format_date(line.last_meeting) if line.last_meeting else "—"
        out.append(
            f'\n<td class="text-end border-start {"text-danger fw-semibold" if overdue else ""}"'
            f' data-testid="overdue">{small_number(overdue)}</td>\n'
            f'<td class="text-end">{small_number(line.pending)}</td>\n'
            f"<td>{meeting}</td>\n"
        )
        for label in periods:
            state = line.period(label)
            out.append(f'<td><span class="period-{state.value}">{states[state]}</span></td>')
        out.append("\n</tr>\n")
        return "".join(out)

    drawn: list[str] = []
    for line in overview.lines:
        if not line.key:  # a line not kept (communes_below): drawn each time
            drawn.append(row(line))
            continue
        key = (shape, line.key)
        found = _ROW_HTML.find(key)
        if found is None:
            found = row(line)
            _ROW_HTML.put(key, found)
        drawn.append(found)
    return Markup("".join(drawn))
