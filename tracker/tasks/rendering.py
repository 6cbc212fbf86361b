"""The cards of "Việc của tôi", written in Python: the page an officer opens first, a card a
task (some officers lead or support dozens); through Jinja each card's look-ups, filters and
escapes cost more than the rest of the page. The words come translated, once a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from tracker.core.formatting import format_date, status_badge, task_url
from tracker.core.status import awaits_confirmation, is_returned
from tracker.tasks.queries import OfficerTask


def task_cards(rows: Sequence[OfficerTask], words: Mapping[str, str]) -> Markup:
    """A card a task: title, deadline or completion, status, plan, the officer's part."""
    lead, support = escape(words["lead"]), escape(words["support"])
    deliverable_word = escape(words["deliverable"])
    out = ['<div class="list-group mb-4">\n']
    for row in rows:
        task = row.task
        if row.status.is_done:
            when = words["done_on"] % {"date": format_date(task.completed_on)}
        elif task.deadline:
            when = words["due_on"] % {"date": format_date(task.deadline)}
        else:
            when = task.recurrence_note or words["no_deadline"]
        deliverable = (
            f"<span>· {deliverable_word}: {escape(task.deliverable)}</span>"
            if task.deliverable
            else ""
        )
        out.append(
            f'<a class="list-group-item list-group-item-action" href="{task_url(task.id)}">'
            '<div class="d-flex w-100 justify-content-between gap-2 flex-wrap">'
            f'<span class="fw-semibold">{escape(task.title)}</span>'
            f'<span class="text-nowrap">{escape(when)}</span></div>'
            '<div class="small text-muted d-flex flex-wrap gap-2 mt-1">'
            f"{_state_badge(task)}{status_badge(row.status)}"
            f"<span>{escape(task.plan.document_number or task.plan.title)}</span>"
            f"<span>· {lead if row.leads else support}</span>{deliverable}</div></a>\n"
        )
    out.append("</div>\n")
    return Markup("".join(out))


def _state_badge(task) -> str:
    """Returned or waiting for confirmation, beside the deadline class (the class alone says
    "in progress" of both)."""
    if is_returned(task) or awaits_confirmation(task):
        return str(status_badge(task.state.value))
    return ""
