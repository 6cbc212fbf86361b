"""Re-checking, when an email is written, which of its reminders still hold."""

from __future__ import annotations

from tracker.reminders.models import RecipientRole, ReminderItem, ReminderKind

# Reminders about a task's deadline, true only while the task is open.
DEADLINE_KINDS = frozenset(
    {ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE, ReminderKind.ESCALATION}
)


def still_true(item: ReminderItem, supporting: set[tuple[int, int]]) -> bool:
    """A deadline reminder holds while its task (or occurrence) is open and, for the lead's
    own reminders, while the recipient still leads it (supports it, for a copy).
    `supporting`: the (task, officer) pairs of the batch's tasks."""
    if item.kind not in DEADLINE_KINDS:
        return True
    task = item.task
    if task is None or task.archived_at is not None or task.plan.archived_at is not None:
        return False
    state = item.occurrence.state if item.occurrence is not None else task.state
    if not state.is_open:
        return False
    if item.role is RecipientRole.LEAD:
        return task.lead_officer_id == item.recipient_id
    if item.role is RecipientRole.SUPPORTER:
        return (task.id, item.recipient_id) in supporting
    return True


# The lead's schedule: a later reminder of one task says all an earlier one said.
SEQUENCE_KINDS = frozenset({ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE})


def latest_per_task(items: list[ReminderItem]) -> list[ReminderItem]:
    """An email that waited (the server was down) may hold two reminders of one task's
    schedule: it shows the latest only (the earlier stay attached: they went out with it)."""
    latest: dict[tuple[str, RecipientRole], ReminderItem] = {}
    for item in items:
        if item.kind in SEQUENCE_KINDS:
            key = (item.subject, item.role)
            if key not in latest or (item.due_on, item.id) > (latest[key].due_on, latest[key].id):
                latest[key] = item
    return [i for i in items if i.kind not in SEQUENCE_KINDS or latest[(i.subject, i.role)] is i]
