"""Quick forms of the `number` and `percent` filters for the dashboard's many figures.

The dashboard shows a few hundred counts and rates; these give exactly what
tracker.core.formatting gives (the tests compare them) without asking Babel for each one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Self

from babel.numbers import get_decimal_symbol
from flask import g
from flask_babel import get_locale
from markupsafe import Markup, escape

from tracker.core.formatting import format_number, format_percent


def small_number(value) -> str:
    """`number` for a count: below 1.000 there is no grouping, so nothing depends on the
    language."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)
    return format_number(value)


@lru_cache(maxsize=8)
def _decimal_symbol(locale: str) -> str:
    return get_decimal_symbol(locale)


def _locale() -> str:
    try:
        return str(get_locale() or "vi")
    except RuntimeError:  # outside a request
        return "vi"


@lru_cache(maxsize=512)
def _count_form(forms: Callable[[int, str], str], language: str, count: int) -> str:
    """The plural form for `count` in `language`, with %(n)s left in: translations do not
    change while the application runs, so each is asked of Babel once."""
    return forms(count, "%(n)s")


class CountPattern(str):
    """A "%(n)s …" pattern whose `%` picks the plural form for its count: the template fills
    it with `|format(n=…)`, the chart with `% {"n": …}`, both with the count already written
    out ("3", "1.234"), so the count is read back from its digits. As a plain string it is the
    plural form with %(n)s left in."""

    forms: Callable[[int, str], str]

    def __new__(cls, forms: Callable[[int, str], str]) -> Self:
        pattern = super().__new__(cls, forms(2, "%(n)s"))
        pattern.forms = forms
        return pattern

    def __mod__(self, values: Mapping[str, object]) -> str:
        shown = str(values["n"])
        count = int("".join(ch for ch in shown if ch.isdigit()) or 0)
        return _count_form(self.forms, _locale(), count).replace("%(n)s", shown)


def _request_decimal_symbol() -> str:
    # Asked for every rate of the page: once a request.
    symbol = g.get("_decimal_symbol")
    if symbol is None:
        symbol = g._decimal_symbol = _decimal_symbol(_locale())
    return symbol


def quick_percent(value: Decimal | None) -> str:
    """`percent` for a rate of core.status.percent (0–100, one decimal already rounded): only
    the decimal sign depends on the language."""
    if isinstance(value, Decimal) and 0 <= value < 1000:
        return f"{value:.1f}".replace(".", _request_decimal_symbol()) + "%"
    return format_percent(value)


def progress_bar(rate: Decimal | None) -> Markup:
    """What the `progress` macro of _macros.html draws, for the dashboard's dozens of rates
    (a Jinja macro call costs more than the bar itself)."""
    value = rate or 0
    return Markup(
        '<div class="d-flex align-items-center gap-2">'
        '<div class="progress progress-thin flex-grow-1" role="progressbar" '
        f'aria-valuenow="{value}" aria-valuemin="0" aria-valuemax="100">'
        f'<div class="progress-bar bg-success" style="width: {float(value)}%"></div></div>'
        f'<span class="text-nowrap">{escape(quick_percent(rate))}</span></div>'
    )


def rate_with_counts(rate: Decimal | None, part: int, whole: int) -> Markup:
    """ "27,3 % (6/22)": a rate and the counts it comes from."""
    return Markup(
        f'<span class="text-nowrap">{escape(quick_percent(rate))}</span> '
        f'<span class="small text-muted text-nowrap">'
        f"({escape(small_number(part))}/{escape(small_number(whole))})</span>"
    )


def field_rows(lines, plan_id: int, list_url, no_field: str) -> Markup:
    """The rows of a plan's table by field (what the template's loop wrote): a link to the
    field's tasks, its counts and its completion bar."""
    out = []
    for line in lines:
        tally = line.tally
        if line.key:
            name = (
                f'<a href="{escape(list_url(plan_id=plan_id, group_id=line.key))}">'
                f"{line.ordinal}. {escape(line.label)}</a>"
            )
        else:
            name = f'<span class="text-muted">{escape(no_field)}</span>'
        overdue = " text-danger fw-semibold" if tally.open_overdue else ""
        out.append(
            f"<tr><td>{name}</td>"
            f'<td class="text-md-end">{escape(small_number(tally.total))}</td>'
            f'<td class="text-md-end">{escape(small_number(tally.done))}</td>'
            f'<td class="text-md-end{overdue}">{escape(small_number(tally.open_overdue))}</td>'
            f"<td>{progress_bar(tally.completion_rate)}</td></tr>\n"
        )
    return Markup("".join(out))


def officer_rows(lines, list_url, unassigned: str) -> Markup:
    """The rows of the table by lead officer: the officer's tasks, the four classes, the
    completion bar and the rate of what is due."""
    out = []
    for line in lines:
        t = line.tally
        if line.key:
            name = f'<a href="{escape(list_url(officer_id=line.key))}">{escape(line.label)}</a>'
        else:
            name = (
                f'<a href="{escape(list_url(unassigned=True))}" class="text-muted">'
                f"{escape(unassigned)}</a>"
            )
        overdue = " text-danger fw-semibold" if t.open_overdue else ""
        out.append(
            f"<tr><td>{name}</td>"
            f'<td class="text-md-end">{escape(small_number(t.total))}</td>'
            f'<td class="text-md-end">{escape(small_number(t.done_on_time))}</td>'
            f'<td class="text-md-end">{escape(small_number(t.done_late))}</td>'
            f'<td class="text-md-end{overdue}">{escape(small_number(t.open_overdue))}</td>'
            f'<td class="text-md-end">{escape(small_number(t.open_on_time))}</td>'
            f"<td>{progress_bar(t.completion_rate)}</td>"
            f'<td class="text-md-end">'
            f"{rate_with_counts(t.due_completion_rate, t.done_of_due, t.due)}</td></tr>\n"
        )
    return Markup("".join(out))
