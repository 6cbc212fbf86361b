"""What changes a meeting: open it, attendance, agenda items, decisions, evaluations, closing;
and the unit's list of grades.

Each takes model objects and plain values, checks the domain rules, flushes, never commits.
Permissions are checked before (core.permissions); the audit listener records every change.
A decision that creates a task or moves a deadline goes through `tracker.tasks.operations.
save_task` (the one way a task is made or changed, with its five clears).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.core.audit import current_actor_id
from tracker.core.clock import to_local, utcnow
from tracker.core.locking import hold, lock
from tracker.core.permissions import may_be_confirmer
from tracker.core.refusals import Refusal
from tracker.meetings.agenda import live_agenda, meeting_agenda, proposed_grade
from tracker.meetings.models import (
    AgendaItem,
    Grade,
    ItemKind,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    OfficerEvaluation,
)
from tracker.meetings.queries import grade_list, unevaluated
from tracker.people.models import Officer, Unit
from tracker.plans.models import Plan
from tracker.tasks.models import Task
from tracker.tasks.operations import (
    TaskInput,
    default_confirmer,
    save_task,
)

# Nghị định 90/2020/NĐ-CP, Điều 2: the four grades, best first.
DEFAULT_GRADES = (
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
)
MAX_TEXT = 4000
log = logging.getLogger("tracker.meetings")


def _text(value: str | None, name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Refusal({name: _("Nhập nội dung.")})
    if len(text) > limit:
        raise Refusal({name: _("Nội dung quá dài (tối đa %(n)s ký tự).", n=limit)})
    return text


def _open(meeting: Meeting) -> None:
    if meeting.is_closed:
        raise Refusal(_("Cuộc họp đã kết thúc: số liệu và kết luận đã được chốt."))


# ---------------------------------------------------------------------------- grades


def unit_grades(session: Session, unit_id: int) -> list[Grade]:
    """The unit's grades, best first; the defaults of Nghị định 90/2020 the first time
    (written by an action: opening a meeting, saving the list)."""
    grades = grade_list(session, unit_id)
    if not grades:
        grades = [Grade(unit_id=unit_id, rank=i, name=n) for i, n in enumerate(DEFAULT_GRADES, 1)]
        session.add_all(grades)
        session.flush()
    return grades


def set_grades(session: Session, unit_id: int, names: list[str]) -> list[Grade]:
    """Replace the names of the unit's list, best first (when the rules change). Grades are
    renamed in place, added at the end or kept: an evaluation never loses its grade."""
    names = [" ".join(n.split()) for n in names if n and n.strip()]
    if not 2 <= len(names) <= 10:
        raise Refusal({"names": _("Danh sách cần từ 2 đến 10 mức xếp loại.")})
    if len(set(names)) != len(names):
        raise Refusal({"names": _("Các mức xếp loại phải khác nhau.")})
    if any(len(n) > 200 for n in names):
        raise Refusal({"names": _("Tên mức xếp loại quá dài (tối đa 200 ký tự).")})
    grades = unit_grades(session, unit_id)
    used = set(
        session.scalars(
            select(OfficerEvaluation.grade_id).where(OfficerEvaluation.unit_id == unit_id)
        )
    )
    if len(names) < len(grades) and any(g.id in used for g in grades[len(names) :]):
        raise Refusal(
            {"names": _("Không bỏ được mức xếp loại đã dùng để đánh giá; có thể đổi tên.")}
        )
    # Ranks move out of the way first: (unit, rank) is unique at each flush.
    for grade in grades:
        grade.rank += 100
    session.flush()
    for index, name in enumerate(names, 1):
        if index <= len(grades):
            grades[index - 1].rank, grades[index - 1].name = index, name
        else:
            grades.append(Grade(unit_id=unit_id, rank=index, name=name))
            session.add(grades[-1])
    for grade in grades[len(names) :]:
        session.delete(grade)
    session.flush()
    log.info("officer %s set %s grades, unit %s", current_actor_id(), len(names), unit_id)
    return grades[: len(names)]


# ---------------------------------------------------------------------------- opening


@dataclass
class MeetingInput:
    year: int = 0
    month: int = 0
    held_on: date | None = None
    starts_at: time | None = None
    place: str = ""
    number: str = ""
    chair_id: int | None = None
    secretary_id: int | None = None


def latest_meeting(session: Session, unit_id: int, before: tuple[int, int] | None = None):
    query = select(Meeting).where(Meeting.unit_id == unit_id)
    if before is not None:
        year, month = before
        query = query.where((Meeting.year * 12 + Meeting.month) < year * 12 + month)
    return session.scalar(query.order_by(Meeting.year.desc(), Meeting.month.desc()).limit(1))


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def next_meeting_defaults(
    session: Session, unit: Unit, today: date, actor: Officer | None = None
) -> MeetingInput:
    """The next meeting of the monthly series, prefilled from the last one: the following
    month, the same day of the month, time, place, chair and secretary. The first one: this
    month, the unit's chairperson chairing, the focal officer who opens it as secretary."""
    last = latest_meeting(session, unit.id)
    if last is not None:
        year, month = _shift_month(last.year, last.month, 1)
        day = last.held_on.day
        data = MeetingInput(
            year=year,
            month=month,
            starts_at=last.starts_at,
            place=last.place,
            chair_id=last.chair_id,
            secretary_id=last.secretary_id,
        )
    else:
        year, month, day = today.year, today.month, today.day
        chair = default_confirmer(session, unit.id)
        data = MeetingInput(
            year=year,
            month=month,
            starts_at=time(8, 0),
            place=f"Phòng họp {unit.name}",  # stored text: Vietnamese
            chair_id=chair.id if chair else None,
            secretary_id=actor.id if actor is not None and actor.unit_id == unit.id else None,
        )
    data.held_on = _day_in(year, month, day)
    return data


def _day_in(year: int, month: int, day: int) -> date:
    import calendar

    return date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))


def _unit_officer(session: Session, unit_id: int, officer_id: int | None) -> Officer | None:
    if officer_id is None:
        return None
    officer = session.get(Officer, officer_id)
    if officer is None or officer.unit_id != unit_id or not officer.active:
        return None
    return officer


def _check_meeting(session: Session, unit: Unit, data: MeetingInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (2000 <= data.year <= 2100 and 1 <= data.month <= 12):
        errors["month"] = _("Tháng không hợp lệ.")
    if data.held_on is None:
        errors["held_on"] = _("Nhập ngày họp (dd/mm/yyyy).")
    elif not (2000 <= data.held_on.year <= 2100):
        errors["held_on"] = _("Ngày họp không hợp lệ.")
    if _unit_officer(session, unit.id, data.chair_id) is None:
        errors["chair_id"] = _("Chọn người chủ trì cuộc họp trong đơn vị.")
    if data.secretary_id and _unit_officer(session, unit.id, data.secretary_id) is None:
        errors["secretary_id"] = _("Thư ký phải là cán bộ của đơn vị.")
    for name, value, limit in (("place", data.place, 300), ("number", data.number, 50)):
        if len((value or "").strip()) > limit:
            errors[name] = _("Nội dung quá dài (tối đa %(n)s ký tự).", n=limit)
    return errors


class AlreadyOpen(Refusal):
    """The month's meeting exists (another leader opened it, perhaps a moment ago)."""

    def __init__(self, meeting: Meeting):
        opener = meeting.opened_by.full_name if meeting.opened_by else _("hệ thống")
        moment = to_local(meeting.created_at)
        super().__init__(
            _(
                "Họp giao ban CCHC tháng %(m)s/%(y)s đã được %(who)s mở lúc %(time)s ngày %(day)s; "
                "đây là cuộc họp đó.",
                m=meeting.month,
                y=meeting.year,
                who=opener,
                time=f"{moment:%H:%M}",
                day=f"{moment:%d/%m/%Y}",
            )
        )
        self.meeting_id = meeting.id


def open_meeting(session: Session, unit: Unit, data: MeetingInput, actor: Officer) -> Meeting:
    """Open the meeting of a month: every active officer listed present, the undealt items of
    the previous meeting carried over (or when it closes, if it is still open).

    Raises AlreadyOpen (a Refusal) when the month's meeting exists: opening it twice at once,
    the second waits on the unit's lock, then finds the first one's meeting."""
    errors = _check_meeting(session, unit, data)
    if errors:
        raise Refusal(errors)
    hold(session, Unit, unit.id)
    existing = session.scalar(
        select(Meeting).where(
            Meeting.unit_id == unit.id, Meeting.year == data.year, Meeting.month == data.month
        )
    )
    if existing is not None:
        raise AlreadyOpen(existing)
    previous = latest_meeting(session, unit.id, before=(data.year, data.month))
    meeting = Meeting(
        unit_id=unit.id,
        year=data.year,
        month=data.month,
        held_on=data.held_on,
        starts_at=data.starts_at,
        place=data.place.strip(),
        number=data.number.strip(),
        chair_id=data.chair_id,
        secretary_id=data.secretary_id or None,
        previous=previous,
        opened_by_id=actor.id,
    )
    session.add(meeting)
    unit_grades(session, unit.id)
    officers = session.scalars(
        select(Officer.id).where(Officer.unit_id == unit.id, Officer.active).order_by(Officer.id)
    ).all()
    session.add_all(
        MeetingAttendance(meeting=meeting, unit_id=unit.id, officer_id=officer_id)
        for officer_id in officers
    )
    if previous is not None and previous.status is MeetingStatus.CLOSED:
        _carry_over(session, previous, meeting)
    session.flush()
    log.info(
        "officer %s opened meeting %s (%s/%s), unit %s",
        actor.id,
        meeting.id,
        meeting.month,
        meeting.year,
        unit.id,
    )
    return meeting


def _carry_over(session: Session, source: Meeting, target: Meeting) -> None:
    """The items `source` closed without dealing with move to `target`. Only a closed
    meeting's: until it closes, an item may still be dealt with there."""
    carried = {item.carried_from_id for item in target.items}
    for item in source.items:
        if not item.dealt_with and item.id not in carried:
            session.add(
                AgendaItem(
                    meeting=target,
                    unit_id=target.unit_id,
                    kind=item.kind,
                    text=item.text,
                    task_id=item.task_id,
                    carried_from_id=item.id,
                    added_by_id=item.added_by_id,
                )
            )


def update_meeting(session: Session, meeting: Meeting, data: MeetingInput) -> None:
    _open(meeting)
    data.year, data.month = meeting.year, meeting.month
    errors = _check_meeting(session, meeting.unit, data)
    if errors:
        raise Refusal(errors)
    meeting.held_on = data.held_on
    meeting.starts_at = data.starts_at
    meeting.place = data.place.strip()
    meeting.number = data.number.strip()
    meeting.chair_id = data.chair_id
    meeting.secretary_id = data.secretary_id or None
    session.flush()
    log.info(
        "officer %s updated meeting %s, unit %s", current_actor_id(), meeting.id, meeting.unit_id
    )


# ---------------------------------------------------------------------------- attendance, items


def set_attendance(session: Session, meeting: Meeting, marks: dict[int, tuple[bool, str]]) -> None:
    """`marks`: officer id -> (present, reason of absence). An absence needs its reason."""
    _open(meeting)
    rows = {a.officer_id: a for a in meeting.attendance}
    errors = {}
    for officer_id, (present, reason) in marks.items():
        row = rows.get(officer_id)
        if row is None:
            continue  # not of this meeting: ignored, like a stale form
        reason = (reason or "").strip()[:500]
        if not present and not reason:
            errors[f"reason-{officer_id}"] = _(
                "Ghi lý do vắng của %(name)s.", name=row.officer.full_name
            )
            continue
        row.present = present
        row.absence_reason = "" if present else reason
    if errors:
        raise Refusal(errors)
    session.flush()
    log.info(
        "officer %s recorded the attendance of meeting %s, unit %s",
        current_actor_id(),
        meeting.id,
        meeting.unit_id,
    )


def add_item(session: Session, meeting: Meeting, actor: Officer, text: str) -> AgendaItem:
    _open(meeting)
    item = AgendaItem(
        meeting=meeting,
        unit_id=meeting.unit_id,
        kind=ItemKind.LEADER,
        text=_text(text, "text", required=True),
        added_by_id=actor.id,
    )
    session.add(item)
    session.flush()
    log.info(
        "officer %s added item %s to meeting %s, unit %s",
        actor.id,
        item.id,
        meeting.id,
        meeting.unit_id,
    )
    return item


def _task_of_unit(session: Session, meeting: Meeting, task_id: int | None) -> Task | None:
    if task_id is None:
        return None
    task = session.get(Task, task_id)
    if task is None or task.plan.unit_id != meeting.unit_id or task.archived_at is not None:
        return None
    return task


@dataclass
class NewTask:
    """A decision's new task, assigned on the spot."""

    plan_id: int | None = None
    title: str = ""
    deliverable: str = ""
    lead_officer_id: int | None = None
    deadline: date | None = None


@dataclass
class DecisionInput:
    item_id: int | None = None  # an existing item, or None for a decision about `task_id`
    task_id: int | None = None
    decision: str = ""
    dealt_with: bool = True
    is_recommendation: bool = False  # a recommendation to the higher level (report, V)
    new_deadline: date | None = None  # for the item's task
    new_task: NewTask | None = None
    task_version: int | None = None  # of the item's task, when the page was loaded
    notices: list[str] = field(default_factory=list)


def _input_of(task: Task) -> TaskInput:
    return TaskInput(
        title=task.title,
        deliverable=task.deliverable,
        group_id=task.group_id,
        lead_officer_id=task.lead_officer_id,
        supporter_ids=[s.id for s in task.supporters],
        confirmer_id=task.confirmer_id,
        deadline=task.deadline,
        start_date=task.start_date,
        recurrence_note=task.recurrence_note,
        notes=task.notes,
    )


def record_decision(
    session: Session, meeting: Meeting, actor: Officer, data: DecisionInput
) -> AgendaItem:
    """The meeting's decision on an item (or on a task of the built agenda): its text, whether
    the item is dealt with, and what it changes: a new deadline for the task, or a new task."""
    meeting = lock(session, meeting)  # not recorded into a meeting closed meanwhile
    _open(meeting)
    decision = _text(data.decision, "decision", required=True)
    if data.item_id is not None:
        item = session.get(AgendaItem, data.item_id)
        if item is None or item.meeting_id != meeting.id:
            raise Refusal(_("Nội dung này không thuộc cuộc họp."))
    else:
        task = _task_of_unit(session, meeting, data.task_id)
        if task is None:
            raise Refusal(_("Nhiệm vụ không thuộc đơn vị."))
        item = AgendaItem(
            meeting=meeting,
            unit_id=meeting.unit_id,
            kind=ItemKind.TASK,
            task_id=task.id,
            text=task.title,
            added_by_id=actor.id,
        )
        session.add(item)
    item.decision = decision
    item.dealt_with = data.dealt_with
    item.is_recommendation = data.is_recommendation
    if data.new_deadline is not None:
        task = _task_of_unit(session, meeting, item.task_id)
        if task is None:
            raise Refusal({"new_deadline": _("Nội dung này không gắn với nhiệm vụ nào.")})
        if task.is_recurring:
            raise Refusal(
                {"new_deadline": _("Nhiệm vụ định kỳ: đổi hạn từng kỳ trên trang nhiệm vụ.")}
            )
        changed = _input_of(task)
        changed.deadline = data.new_deadline
        changed.deadline_reason = decision
        # Stored text, like the task journal.
        changed.deadline_decision = (
            f"Kết luận Họp giao ban CCHC tháng {meeting.month}/{meeting.year}"
        )
        changed.version = data.task_version  # refused if the task changed since the page
        result = save_task(session, task.plan, changed, actor, task)
        item.new_deadline = task.deadline
        if result.notice:
            data.notices.append(result.notice)
    if data.new_task is not None:
        new = data.new_task
        plan = session.get(Plan, new.plan_id) if new.plan_id else None
        if plan is None or plan.unit_id != meeting.unit_id or plan.archived_at is not None:
            raise Refusal({"plan_id": _("Chọn kế hoạch của đơn vị cho nhiệm vụ mới.")})
        # The chair of the meeting confirms what the meeting assigns (if a confirming leader).
        chair = meeting.chair
        confirmer = (
            chair if chair and may_be_confirmer(chair, plan.unit, new.lead_officer_id) else None
        )
        confirmer = confirmer or default_confirmer(session, meeting.unit_id)
        result = save_task(
            session,
            plan,
            TaskInput(
                title=new.title,
                deliverable=new.deliverable,
                lead_officer_id=new.lead_officer_id,
                confirmer_id=confirmer.id if confirmer else None,
                deadline=new.deadline,
                # Stored text: written in Vietnamese, like the task journal.
                notes=f"Giao tại Họp giao ban CCHC tháng {meeting.month}/{meeting.year}.",
            ),
            actor,
            None,
        )
        item.resulting_task_id = result.task.id
        if result.notice:
            data.notices.append(result.notice)
    session.flush()
    log.info(
        "officer %s recorded the decision on item %s of meeting %s, unit %s",
        actor.id,
        item.id,
        meeting.id,
        meeting.unit_id,
    )
    return item


# ---------------------------------------------------------------------------- evaluations


def _reason_needed(grade: Grade, proposal: Grade | None) -> str | None:
    """Why this grade needs its reason written, or None: a grade with no proposal to follow
    (nothing due in the month), above the proposal, or otherwise different from it."""
    if proposal is None:
        return _("Không có đề xuất (không có nhiệm vụ đến hạn trong tháng): ghi lý do xếp loại.")
    if grade.rank < proposal.rank:
        return _("Mức xếp loại cao hơn đề xuất (%(p)s): ghi lý do.", p=proposal.name)
    if grade.id != proposal.id:
        return _("Mức xếp loại khác đề xuất (%(p)s): ghi lý do.", p=proposal.name)
    return None


def _record(
    session: Session,
    meeting: Meeting,
    actor: Officer,
    officer_id: int,
    grade: Grade | None,
    proposal: Grade | None,
    comment: str,
    reason: str,
) -> OfficerEvaluation:
    """Write an officer's evaluation (a grade, or none: "không đánh giá"), new or changed."""
    evaluation = next((e for e in meeting.evaluations if e.officer_id == officer_id), None)
    if evaluation is None:
        evaluation = OfficerEvaluation(
            meeting=meeting, unit_id=meeting.unit_id, officer_id=officer_id
        )
        session.add(evaluation)
    evaluation.proposed_grade_id = proposal.id if proposal else None
    evaluation.grade_id = grade.id if grade else None
    evaluation.comment = comment
    evaluation.reason = reason
    evaluation.evaluated_by_id = actor.id
    return evaluation


def evaluate(
    session: Session,
    meeting: Meeting,
    actor: Officer,
    officer_id: int,
    grade_id: int | None,
    comment: str = "",
    reason: str = "",
    *,
    not_evaluated: bool = False,
    levels: dict[int, int | None] | None = None,
) -> OfficerEvaluation:
    """Record the chair's grade of an officer, or that the officer is not evaluated this
    month ("không đánh giá": on leave, newly arrived…). A reason is needed for "không đánh
    giá", for a grade when nothing proposes one, and for a grade other than the proposed one
    (agenda.proposed_level). `levels` (officer id -> level), when several are graded at once:
    the agenda read once."""
    _open(meeting)
    if officer_id not in {a.officer_id for a in meeting.attendance}:
        raise Refusal(_("Cán bộ không thuộc cuộc họp."))
    grades = unit_grades(session, meeting.unit_id)
    comment = _text(comment, "comment")
    reason = _text(reason, "reason")
    level = levels.get(officer_id) if levels is not None else officer_level(
        session, meeting, officer_id
    )
    proposal = proposed_grade(grades, level)
    grade = None
    if not_evaluated:
        if not reason:
            raise Refusal(
                {"reason": _("Không đánh giá: ghi lý do (ví dụ: nghỉ phép, mới chuyển đến).")}
            )
    else:
        grade = next((g for g in grades if g.id == grade_id), None)
        if grade is None:
            raise Refusal({"grade_id": _("Chọn mức đánh giá, hoặc “Không đánh giá”.")})
        needed = _reason_needed(grade, proposal)
        if needed and not reason:
            raise Refusal({"reason": needed})
        if not needed:
            reason = ""  # the proposal followed: nothing to explain
    evaluation = _record(session, meeting, actor, officer_id, grade, proposal, comment, reason)
    session.flush()
    log.info(
        "officer %s %s officer %s at meeting %s, unit %s",
        actor.id,
        "graded" if grade else "did not evaluate",
        officer_id,
        meeting.id,
        meeting.unit_id,
    )
    return evaluation


@dataclass
class EvaluationInput:
    """One officer's line of the grading form, as typed."""

    officer_id: int
    grade_id: int | None
    not_evaluated: bool = False
    comment: str = ""
    reason: str = ""
    # The evaluation as the page showed it (evaluation_state); None: not checked.
    seen: str | None = None


class GradingRefused(Refusal):
    """Some lines of the grading form refused: `by_officer` maps an officer's id to
    {field: message}; nothing of the form is saved."""

    def __init__(self, by_officer: dict[int, dict[str, str]]):
        super().__init__(
            _("Chưa lưu xếp loại: %(n)s cán bộ cần xem lại (đánh dấu bên dưới).", n=len(by_officer))
        )
        self.by_officer = by_officer


def evaluation_state(evaluation: OfficerEvaluation | None) -> str:
    """What the page showed of an officer's evaluation, to tell whether it changed since."""
    if evaluation is None:
        return ""
    text = f"{evaluation.grade_id or 'none'}\n{evaluation.comment}\n{evaluation.reason}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def evaluate_all(
    session: Session, meeting: Meeting, actor: Officer, rows: list[EvaluationInput]
) -> int:
    """Grade the officers of the meeting from one form, all or nothing: every line is checked
    (each against the evaluation its page showed: one changed meanwhile by another leader is
    refused, not overwritten), and if any is refused none is saved (GradingRefused). A line
    with nothing chosen for an officer not yet graded is left for later; a line equal to what is
    recorded changes nothing. Returns how many evaluations were written."""
    meeting = lock(session, meeting, selectinload(Meeting.evaluations))
    _open(meeting)
    current = {e.officer_id: e for e in meeting.evaluations}
    levels: dict[int, int | None] | None = None
    errors: dict[int, dict[str, str]] = {}
    written = 0
    for row in rows:
        existing = current.get(row.officer_id)
        state = evaluation_state(existing)
        chosen = row.not_evaluated or row.grade_id is not None
        if existing is None and not chosen and not (row.comment or row.reason).strip():
            continue
        grade_id = None if row.not_evaluated else row.grade_id
        typed = (grade_id, row.comment.strip(), row.reason.strip())
        if existing is not None and chosen and typed == (
            existing.grade_id, existing.comment, existing.reason
        ):
            continue  # as recorded
        if row.seen is not None and row.seen != state:
            author = session.get(Officer, existing.evaluated_by_id) if existing else None
            who = author.full_name if author else ""
            errors[row.officer_id] = {
                "grade_id": _(
                    "Trong lúc bạn sửa, %(who)s đã ghi đánh giá cán bộ này: %(grade)s. "
                    "Kiểm tra rồi lưu lại.",
                    who=who or _("người khác"),
                    grade=existing.grade.name
                    if existing and existing.grade
                    else _("Không đánh giá"),
                )
            }
            continue
        if levels is None:
            agenda = meeting_agenda(session, meeting)
            levels = {s["officer_id"]: s["level"] for s in agenda["officers"]}
        try:
            evaluate(
                session,
                meeting,
                actor,
                row.officer_id,
                row.grade_id,
                row.comment,
                row.reason,
                not_evaluated=row.not_evaluated,
                levels=levels,
            )
        except Refusal as refusal:
            errors[row.officer_id] = {k or "grade_id": v for k, v in refusal.errors.items()}
        else:
            written += 1
    if not errors and not any(r.not_evaluated or r.grade_id is not None for r in rows):
        # Nothing chosen anywhere: saying "saved" would mislead; each line asks for its grade.
        message = _("Chọn mức đánh giá, hoặc “Không đánh giá”.")
        errors = {row.officer_id: {"grade_id": message} for row in rows}
    if errors:
        raise GradingRefused(errors)
    return written


def officer_level(session: Session, meeting: Meeting, officer_id: int) -> int | None:
    agenda = meeting_agenda(session, meeting)
    section = next((s for s in agenda["officers"] if s["officer_id"] == officer_id), None)
    return section["level"] if section else None


# ---------------------------------------------------------------------------- closing


def close_meeting(
    session: Session,
    meeting: Meeting,
    actor: Officer,
    conclusions: str = "",
    *,
    not_evaluated: dict[int, str] | None = None,
    now: datetime | None = None,
) -> None:
    """Close the meeting and freeze what it saw: later changes to tasks do not alter it.

    Every officer of the meeting leaves it graded or "không đánh giá" with a reason:
    `not_evaluated` (officer id -> reason) marks the officers still without a grade; if any is
    left with neither, closing is refused, naming them, and nothing is saved."""
    meeting = lock(session, meeting)
    _open(meeting)
    conclusions = _text(conclusions, "conclusions", limit=20000)
    marks = {oid: " ".join((reason or "").split()) for oid, reason in (not_evaluated or {}).items()}
    pending = unevaluated(meeting)
    missing = [row.officer.full_name for row in pending if not marks.get(row.officer_id)]
    if missing:
        raise Refusal(
            _(
                "Chưa đánh giá %(n)s cán bộ: %(names)s. Xếp loại từng người, hoặc ghi lý do "
                "“Không đánh giá” (nghỉ phép, mới chuyển đến…) trước khi kết thúc cuộc họp.",
                n=len(missing),
                names=", ".join(missing),
            ),
            "not_evaluated",
        )
    for row in pending:
        _text(marks[row.officer_id], "not_evaluated", limit=MAX_TEXT)
    meeting.conclusions = conclusions
    meeting.snapshot = live_agenda(session, meeting)
    if pending:
        grades = unit_grades(session, meeting.unit_id)
        levels = {s["officer_id"]: s["level"] for s in meeting.snapshot["officers"]}
        for row in pending:
            proposal = proposed_grade(grades, levels.get(row.officer_id))
            reason = marks[row.officer_id]
            _record(session, meeting, actor, row.officer_id, None, proposal, "", reason)
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = now or utcnow()
    meeting.closed_by_id = actor.id
    following = session.scalar(select(Meeting).where(Meeting.previous_id == meeting.id))
    if following is not None:  # opened before this one closed: it receives the items now
        _carry_over(session, meeting, following)
    session.flush()
    log.info(
        "officer %s closed meeting %s (%s not evaluated), unit %s",
        actor.id,
        meeting.id,
        len(pending),
        meeting.unit_id,
    )
