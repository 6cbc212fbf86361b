"""The rows of Phụ lục 1 as the period page shows them, written in Python.

A table has about a hundred rows of five cells; through Jinja each cell's attribute look-ups,
filters and escapes cost more than the figure itself (the page took 15 ms). The words come
translated from the template, once a page; every text is escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from markupsafe import Markup, escape

from tracker.appendix.table import State, Table, TableRow, display_value, input_value
from tracker.core.formatting import format_number

# Which tasks a row's link lists (its count), as the task list's status filter names them.
_STATUS_OF_COUNT = {
    "done": "done",
    "done_on_time": "done_on_time",
    "done_late": "done_late",
    "open_overdue": "open_overdue",
}


@dataclass(frozen=True)
class RowWords:
    """The page's words, translated once by the template (and escaped once, here)."""

    unit: str
    value: str
    note: str
    not_applicable: str
    computed: str
    tasks: str
    sum: str
    documents: str
    not_entered: str
    no_data: str

    def __post_init__(self) -> None:
        for name, text in vars(self).items():
            object.__setattr__(self, name, str(escape(text)))


def _state_word(row: TableRow, words: RowWords) -> str:
    return {State.NOT_ARISING: words.not_applicable, State.MISSING: words.not_entered,
            State.NO_DATA: words.no_data}[row.state]


def _figure(row: TableRow, words: RowWords) -> str:
    if row.has_value and row.state is not State.VALUE:
        return (f'<span class="text-muted fst-italic figure-{row.state.value}">'
                f"{_state_word(row, words)}</span>")
    return str(escape(display_value(row)))


def _input(row: TableRow, words: RowWords, error: str | None, typed: Mapping,
           not_arising: frozenset[str] | None) -> str:
    """A typed row's input, and its "Không phát sinh" box (as posted, or as saved)."""
    key = escape(row.key)
    value = typed[row.key] if row.key in typed else input_value(row)
    ticked = row.not_applicable if not_arising is None else row.key in not_arising
    placeholder = words.no_data if row.state is State.NO_DATA and not ticked else (
        "" if ticked else words.not_entered)
    label = escape(f"{row.code} {row.label}".strip())  # never the internal key
    html = (
        f'<input class="form-control form-control-sm text-end{" is-invalid" if error else ""}"'
        f' style="min-width: 8em" name="v-{key}" aria-label="{label}"'
        f' value="{escape(value)}" placeholder="{placeholder}" inputmode="decimal">'
        f'<div class="form-check text-start small mb-0 mt-1">'
        f'<input class="form-check-input" type="checkbox" name="z-{key}" value="1"'
        f' id="z-{key}"{" checked" if ticked else ""}>'
        f'<label class="form-check-label fw-normal" for="z-{key}">'
        f"{words.not_applicable}</label></div>"
    )
    if error:
        html += f'<div class="invalid-feedback d-block text-start">{escape(error)}</div>'
    return html


def _value_cell(row: TableRow, words: RowWords, *, editable: bool, errors: Mapping,
                typed: Mapping, not_arising: frozenset[str] | None, tasks_url: str,
                as_of: str) -> str:
    key = row.key
    error = errors.get(key)
    if row.kind == "entered" and editable:
        return _input(row, words, error, typed, not_arising)
    if not row.has_value:
        return ""
    if row.computed:
        figure = _figure(row, words)
        html = f'<span class="computed" title="{words.computed}">{figure}</span>'
        if row.plan_ids:
            query = {
                "as_of": as_of,
                "plan": row.plan_ids[0] if len(row.plan_ids) == 1 else None,
                "status": _STATUS_OF_COUNT.get(row.count),
            }
            href = f"{tasks_url}?{urlencode({k: v for k, v in query.items() if v is not None})}"
            html += (
                f' <a class="small ms-1" href="{escape(href)}" data-testid="link-{escape(key)}">'
                f"{words.tasks}</a>"
            )
        elif row.is_rate and row.denominator is not None:
            html += (
                f'<div class="small text-muted">{escape(format_number(row.numerator))}/'
                f"{escape(format_number(row.denominator))}</div>"
            )
        elif row.kind == "sum":
            html += f'<div class="small text-muted">{words.sum}</div>'
        elif key == "1.1":
            html += f'<div class="small text-muted">{words.documents}</div>'
    else:
        html = _figure(row, words)
    if error:
        html += f'<div class="invalid-feedback d-block text-start">{escape(error)}</div>'
    return html


def table_rows(table: Table, words: RowWords, *, editable: bool, errors: Mapping,
               typed: Mapping, typed_notes: Mapping, tasks_url: str, as_of: str,
               not_arising: frozenset[str] | None = None) -> Markup:
    """The <tr> of every row: code, label, unit, figure (an input where typed), note.

    `typed`, `typed_notes`, `not_arising`: the form as posted, when it comes back refused
    (`not_arising` None: the boxes as saved)."""
    out = []
    for row in table.rows:
        key = escape(row.key)
        classes = ("fw-bold table-secondary" if row.is_section else "") + (
            " fw-semibold" if row.code and not row.is_section else ""
        )
        unit_label = f' data-label="{words.unit}"' if row.unit else ""
        value_label = "" if row.is_section else f' data-label="{words.value}"'
        value = _value_cell(row, words, editable=editable, errors=errors, typed=typed,
                            not_arising=not_arising, tasks_url=tasks_url, as_of=as_of)
        note_input = editable and not row.is_section
        note_label = f' data-label="{words.note}"' if note_input or row.note else ""
        if note_input:
            note_value = typed_notes.get(row.key, row.note)
            note = (
                f'<input class="form-control form-control-sm" name="n-{key}"'
                f' value="{escape(note_value)}"'
                f' aria-label="{words.note}: {escape(row.label)}">'
            )
        else:
            note = str(escape(row.note))
        out.append(
            f'<tr data-key="{key}" class="{classes}">'
            f'<td class="text-nowrap">{escape(row.code)}</td>'
            f"<td>{escape(row.label_with_bullet)}</td>"
            f'<td class="small"{unit_label}>{escape(row.unit)}</td>'
            f'<td class="text-end text-nowrap" data-testid="value-{key}"{value_label}>{value}</td>'
            f'<td class="small"{note_label}>{note}</td></tr>\n'
        )
    return Markup("".join(out))
