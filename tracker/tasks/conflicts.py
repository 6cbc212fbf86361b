"""What the officer who acted second is told: who acted first, what they did, and when.

A workflow step reads the task under its row lock (operations._lock_task); when the state it
starts from is gone, the refusal names the journal's last step (the task journal, TaskNote).
An edit started from an older version of the task is refused with the changes made since, from
the audit trail (core.audit), for the form to show.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.core.clock import to_local
from tracker.core.refusals import Conflict, Refusal
from tracker.people import history
from tracker.tasks.models import NoteKind, Task, TaskNote
from tracker.tasks.queries import OFFICER_FIELDS


def stale_edit(session: Session, task: Task, version: int) -> Conflict:
    """The refusal of an edit started from `version`: who changed the task since, and what."""
    return history.stale_edit(
        session, "tasks", task.id, version, task.version,
        someone_saved=lambda **at: _(
            "Trong lúc bạn sửa, %(who)s đã lưu thay đổi nhiệm vụ này lúc %(time)s ngày %(day)s. "
            "Nội dung bạn nhập chưa được lưu và vẫn giữ nguyên: xem lại thay đổi của họ rồi lưu "
            "lại nếu vẫn muốn.",
            **at,
        ),
        changed=_(
            "Nhiệm vụ đã được thay đổi trong lúc bạn sửa. Nội dung bạn nhập chưa được lưu và vẫn "
            "giữ nguyên: xem lại nhiệm vụ rồi lưu lại nếu vẫn muốn."
        ),
        officer_fields=OFFICER_FIELDS,
    )


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
