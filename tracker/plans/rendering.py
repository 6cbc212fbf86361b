"""The rows of a plan's task table, written in Python.

The plan page is the page officers open most; its table has a row a task (a plan holds 20 to
30, some hundreds) and, through Jinja, each row's look-ups, filters and escapes cost more than
the rest of the page. The words come translated from the template, once a page.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from tracker.core.formatting import format_date, status_badge, task_url
from tracker.core.status import DeadlineClass
from tracker.tasks.queries import GroupKey, PlanTaskLine


def _status_cell(cls: DeadlineClass | str) -> Markup | str:
    # Not a class: the task is not counted on the date (added later, or withdrawn), and why.
    if isinstance(cls, DeadlineClass):
        return status_badge(cls)
    return f'<span class="badge text-bg-light border text-wrap">{escape(cls)}</span>'


def task_rows(groups: Sequence[tuple[GroupKey | None, list[tuple[PlanTaskLine, DeadlineClass]]]],
              words: Sequence[str], support: str, *, selectable: bool) -> Markup:
    """A heading row a field, then a row a task: ordinal, title, deliverable, lead and
    supporters, deadline, status; a checkbox for bulk assignment when `selectable`."""
    deliverable, lead, deadline, status = (escape(word) for word in words)
    support = escape(support)
    span = 7 if selectable else 6
    out = []
    for group, rows in groups:
        if group:
            out.append(
                f'<tr class="group-row"><th colspan="{span}">{group.ordinal}. '
                f'{escape(group.name)} <span class="text-muted fw-normal">({len(rows)})</span>'
                "</th></tr>\n"
            )
        for task, cls in rows:
            check = (
                f'<td><input class="form-check-input" type="checkbox" name="task_ids" '
                f'value="{task.id}" form="bulk-assign" aria-labelledby="task-{task.id}"></td>'
                if selectable
                else ""
            )
            people = escape(task.lead_name) if task.lead_name else "—"
            if task.supporter_names:
                names = escape(", ".join(task.supporter_names))
                people = f'{people}<div class="small text-muted">{support}: {names}</div>'
            when = format_date(task.deadline) if task.deadline else task.recurrence_note or "—"
            out.append(
                f"<tr>{check}<td>{task.ordinal}</td>"
                f'<td><a id="task-{task.id}" href="{task_url(task.id)}">{escape(task.title)}</a>'
                f'</td><td data-label="{deliverable}">{escape(task.deliverable)}</td>'
                f'<td data-label="{lead}">{people}</td>'
                f'<td data-label="{deadline}" class="text-nowrap">{escape(when)}</td>'
                f'<td data-label="{status}">{_status_cell(cls)}</td></tr>\n'
            )
    return Markup("".join(out))
