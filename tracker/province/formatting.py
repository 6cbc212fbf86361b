"""The province page's cells, written in Python: a page of hundreds of communes shows
thousands of rates (a Jinja macro call per cell costs more than the cell)."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from tracker.core.formatting import RATE_BANDS, rate_band
from tracker.dashboard.formatting import quick_percent


def rate_cell(rate: Decimal | None) -> Markup:
    """A rate on its band's colour (the status colours, core.formatting.RATE_BANDS)."""
    band = rate_band(rate)
    return Markup(
        f'<td class="text-end" data-band="{band}"><span class="badge '
        f'status-{RATE_BANDS[band][1]}">{escape(quick_percent(rate))}</span></td>'
    )
