"""What the officer who acted second is told: who acted first, what they did, and when.

A workflow step reads the task under its row lock (operations._lock_task); when the state it
starts from is gone, the refusal names the journal's last step (the task journal, TaskNote).
An edit started from an older version of the task is refused with the changes made since, from
the audit trail (core.audit), for the form to show.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from tracker.core.audit import AuditEvent
from tracker.core.clock import to_local
from tracker.core.refusals import Conflict, Refusal
from tracker.people.history import readable_history
from tracker.tasks.models import NoteKind, Task, TaskNote
from tracker.tasks.queries import OFFICER_FIELDS


def stale_edit(session: Session, task: Task, version: int) -> Conflict:
    """The refusal of an edit started from `version`: who changed the task since, and what."""
    entries = [
        entry
        for entry in readable_history(
            session,
            and_(AuditEvent.entity_type == "tasks", AuditEvent.entity_id == task.id),
            OFFICER_FIELDS,
        )
        if _version_after(entry.event.changes, version)
    ]
    if entries:
        latest = entries[0]
        moment = to_local(latest.event.occurred_at)
        message = _(
            "Trong lúc bạn sửa, %(who)s đã lưu thay đổi nhiệm vụ này lúc %(time)s ngày %(day)s. "
            "Nội dung bạn nhập chưa được lưu và vẫn giữ nguyên: xem lại thay đổi của họ rồi lưu "
            "lại nếu vẫn muốn.",
            who=latest.actor_name or _("hệ thống"),
            time=f"{moment:%H:%M}",
            day=f"{moment:%d/%m/%Y}",
        )
    else:
        message = _(
            "Nhiệm vụ đã được thay đổi trong lúc bạn sửa. Nội dung bạn nhập chưa được lưu và vẫn "
            "giữ nguyên: xem lại nhiệm vụ rồi lưu lại nếu vẫn muốn."
        )
    changes = [
        (entry, [c for c in entry.changes if c[0] != "version"]) for entry in reversed(entries)
    ]
    return Conflict(message, changes, current_version=task.version)


def _version_after(changes: dict, version: int) -> bool:
    after = (changes.get("version") or [None, None])[1]
    return isinstance(after, int) and after > version


# What the journal says happened last, for a refusal naming who did it and when.
_HAPPENED = {
    NoteKind.SUBMISSION: lambda **v: _(
        "Nhiệm vụ đã được %(who)s báo cáo hoàn thành lúc %(time)s ngày %(day)s, đang chờ xác nhận",
        **v,
    ),
    NoteKind.CONFIRMATION: lambda **v: _(
        "Kết quả này đã được %(who)s xác nhận lúc %(time)s ngày %(day)s", **v
    ),
    NoteKind.RETURN: lambda **v: _(
        "Báo cáo hoàn thành này đã được %(who)s trả lại lúc %(time)s ngày %(day)s", **v
    ),
    NoteKind.REOPEN: lambda **v: _(
        "Nhiệm vụ đã được %(who)s mở lại lúc %(time)s ngày %(day)s", **v
    ),
}


def already_done(
    session: Session, task: Task, occurrence_id: int | None, refused: str, fallback: str
) -> Refusal:
    """Someone acted first: say who, what and when (from the journal), then what is refused."""
    query = (
        select(TaskNote)
        .where(TaskNote.task_id == task.id, TaskNote.kind.in_(list(_HAPPENED)))
        .options(joinedload(TaskNote.author))
        .order_by(TaskNote.id.desc())
        .limit(1)
    )
    if occurrence_id is not None:
        query = query.where(TaskNote.occurrence_id == occurrence_id)
    note = session.scalar(query)
    if note is None:
        return Refusal(fallback)
    moment = to_local(note.created_at)
    happened = _HAPPENED[note.kind](
        who=note.author.full_name if note.author else _("hệ thống"),
        time=f"{moment:%H:%M}",
        day=f"{moment:%d/%m/%Y}",
    )
    return Refusal(f"{happened}; {refused}")
