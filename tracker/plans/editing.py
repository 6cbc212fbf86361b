"""A plan made and kept in the browser: its particulars, its fields (lĩnh vực) and their order,
archiving. Operations flush, never commit; every change is audited (Plan and TaskGroup are
`Audited`)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.clock import utcnow
from tracker.core.locking import lock
from tracker.core.permissions import Action, can
from tracker.core.refusals import Conflict, Refusal
from tracker.people.history import stale_edit
from tracker.people.models import Officer, OfficerRole, Role, Unit
from tracker.people.operations import ensure_open
from tracker.plans.importing.metadata import DEFAULT_APPENDIX_ROW, DOCUMENT_NUMBER_MAX, TITLE_MAX
from tracker.plans.models import APPENDIX_ROWS, Plan, PlanKind, TaskGroup
from tracker.plans.operations import set_overseers

log = logging.getLogger("tracker.plans")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not tab, line breaks

FIELD_NAME_MAX = 300  # TaskGroup.name
PLAN_LEADER_ROLES = (Role.CHAIRPERSON, Role.VICE_CHAIRPERSON)
FROM_KIND = "auto"  # appendix_row: the row the kind feeds (importing.DEFAULT_APPENDIX_ROW)


@dataclass(slots=True)
class PlanInput:
    title: str = ""
    kind: PlanKind | None = None
    document_number: str = ""
    document_date: date | None = None
    start_year: int | None = None
    end_year: int | None = None
    appendix_row: str | None = FROM_KIND  # a row of APPENDIX_ROWS, None (none) or FROM_KIND
    leader_id: int | None = None
    # The plan's version the form was filled from (None: not checked, e.g. a new plan).
    version: int | None = None


def _text(value: str | None) -> str:
    """One line of typed text: control characters dropped (a NUL, which PostgreSQL refuses, is
    refused before any page by core.security; the others would only garble names), spaces
    collapsed."""
    return " ".join(_CONTROL.sub("", value or "").split())


def plan_leaders(session: Session, unit_id: int) -> list[Officer]:
    """Who may oversee a plan: the unit's active chairperson and vice chairpersons."""
    return list(
        session.scalars(
            select(Officer)
            .join(OfficerRole, OfficerRole.officer_id == Officer.id)
            .where(
                Officer.unit_id == unit_id,
                Officer.active,
                OfficerRole.role.in_(PLAN_LEADER_ROLES),
            )
            .order_by(Officer.full_name, Officer.id)
        ).unique()
    )


def _checked(session: Session, unit: Unit, data: PlanInput) -> dict:
    errors: dict[str, str] = {}
    title = _text(data.title)
    number = _text(data.document_number)
    if not title:
        errors["title"] = _("Nhập tên kế hoạch.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Tên kế hoạch dài quá %(max)s ký tự.", max=TITLE_MAX)
    if data.kind is None:
        errors["kind"] = _("Chọn loại kế hoạch.")
    if len(number) > DOCUMENT_NUMBER_MAX:
        errors["document_number"] = _(
            "Số văn bản dài quá %(max)s ký tự.", max=DOCUMENT_NUMBER_MAX
        )
    start, end = data.start_year, data.end_year or data.start_year
    if start is None or end is None:
        errors["years"] = _("Nhập năm thực hiện, ví dụ 2024 hoặc 2024-2025.")
    elif end < start:
        errors["years"] = _("Năm kết thúc không được trước năm bắt đầu.")
    if data.document_date is not None and not 1990 <= data.document_date.year <= 2100:
        errors["document_date"] = _("Ngày văn bản không hợp lệ.")
    row = data.appendix_row
    if row == FROM_KIND:
        row = DEFAULT_APPENDIX_ROW[data.kind] if data.kind else None
    elif row is not None and row not in APPENDIX_ROWS:
        errors["appendix_row"] = _("Dòng phụ lục không hợp lệ.")
    leader = None
    if data.leader_id is not None:
        leader = next((o for o in plan_leaders(session, unit.id) if o.id == data.leader_id), None)
        if leader is None:
            errors["leader_id"] = _(
                "Lãnh đạo phụ trách phải là Chủ tịch hoặc Phó Chủ tịch đang công tác tại đơn vị."
            )
    if errors:
        raise Refusal(errors)
    return {
        "title": title,
        "kind": data.kind,
        "document_number": number,
        "document_date": data.document_date,
        "start_year": start,
        "end_year": end,
        "appendix_row": row,
        "leader": leader,
    }


def create_plan(session: Session, unit: Unit, data: PlanInput, actor: Officer | None) -> Plan:
    """A new, empty plan of the unit; refuses (Refusal by field) what is missing or wrong,
    and any new plan in a closed unit."""
    ensure_open(unit)
    plan = Plan(unit=unit, **_checked(session, unit, data))
    session.add(plan)
    session.flush()
    log.info("officer %s created plan %s, unit %s", actor and actor.id, plan.id, unit.id)
    return plan


def update_plan(session: Session, plan: Plan, data: PlanInput, actor: Officer | None) -> Plan:
    """The plan's particulars changed as typed; refused by field as a new plan's are."""
    values = _checked(session, plan.unit, data)
    plan = lock(session, plan)
    if data.version is not None and plan.version != data.version:
        raise _stale_edit(session, plan, data.version)
    changed = False
    for name, value in values.items():
        changed |= getattr(plan, name) != value
        setattr(plan, name, value)
    if changed:
        plan.version += 1
    session.flush()
    log.info("officer %s edited plan %s, unit %s", actor and actor.id, plan.id, plan.unit_id)
    return plan


def _stale_edit(session: Session, plan: Plan, version: int) -> Conflict:
    return stale_edit(
        session, "plans", plan.id, version, plan.version,
        someone_saved=lambda **at: _(
            "Trong lúc bạn sửa, %(who)s đã lưu thay đổi kế hoạch này lúc %(time)s ngày %(day)s. "
            "Nội dung bạn nhập chưa được lưu và vẫn giữ nguyên: xem lại kế hoạch rồi lưu lại nếu "
            "vẫn muốn.",
            **at,
        ),
        changed=_(
            "Kế hoạch đã được thay đổi trong lúc bạn sửa. Nội dung bạn nhập chưa được lưu và vẫn "
            "giữ nguyên: xem lại kế hoạch rồi lưu lại nếu vẫn muốn."
        ),
        officer_fields=("leader_id",),
    )


def archive_plan(session: Session, plan: Plan, actor: Officer | None) -> None:
    """Out of the lists and the figures, kept with its tasks; `unarchive_plan` brings it back."""
    plan = lock(session, plan)
    if plan.archived_at is not None:
        raise Refusal(_("Kế hoạch này đã được lưu trữ."))
    plan.archived_at = utcnow()
    session.flush()
    log.info("officer %s archived plan %s, unit %s", actor and actor.id, plan.id, plan.unit_id)


def unarchive_plan(session: Session, plan: Plan, actor: Officer | None) -> None:
    plan = lock(session, plan)
    if plan.archived_at is None:
        raise Refusal(_("Kế hoạch này đang được theo dõi, không ở trong lưu trữ."))
    plan.archived_at = None
    session.flush()
    log.info("officer %s unarchived plan %s, unit %s", actor and actor.id, plan.id, plan.unit_id)


@dataclass(slots=True)
class FieldsInput:
    """The fields page as posted: each field's name, order number and overseer."""

    names: dict[int, str] = field(default_factory=dict)
    positions: dict[int, int | None] = field(default_factory=dict)
    overseers: dict[int, int | None] = field(default_factory=dict)
    new_name: str = ""
    move: tuple[int, int] | None = None  # (group id, -1 up / +1 down)


def _renumber(session: Session, plan: Plan, ordered: list[TaskGroup]) -> None:
    """Give the fields 1, 2, 3… in this order; through negative numbers first, since the
    ordinals are unique within the plan at every flush."""
    if [g.ordinal for g in ordered] == list(range(1, len(ordered) + 1)):
        return
    for index, group in enumerate(ordered, start=1):
        group.ordinal = -index
    session.flush()
    for index, group in enumerate(ordered, start=1):
        group.ordinal = index
    session.flush()


def save_fields(session: Session, plan: Plan, data: FieldsInput, actor: Officer | None) -> None:
    """Rename, reorder and add fields; set their overseers (the chairperson's decision:
    ASSIGN_TASK). Refuses a blank or too long name, or an overseer who is no vice chairperson."""
    plan = lock(session, plan)
    groups = list(plan.groups)
    errors: dict[str, str] = {}
    for number, group in enumerate(groups, start=1):
        name = _text(data.names.get(group.id, group.name))
        if not name:
            errors[f"name-{group.id}"] = _("Lĩnh vực thứ %(n)s: nhập tên lĩnh vực.", n=number)
        elif len(name) > FIELD_NAME_MAX:
            errors[f"name-{group.id}"] = _(
                "Lĩnh vực thứ %(n)s: tên dài quá %(max)s ký tự.", n=number, max=FIELD_NAME_MAX
            )
        else:
            group.name = name
    new_name = _text(data.new_name)
    if len(new_name) > FIELD_NAME_MAX:
        errors["new_name"] = _(
            "Tên lĩnh vực mới dài quá %(max)s ký tự.", max=FIELD_NAME_MAX
        )
    if errors:
        raise Refusal(errors)

    # The order numbers typed (blank: where it is), ties kept in the current order; then a
    # move up or down swaps a field with its neighbour.
    current = {g.id: index for index, g in enumerate(groups, start=1)}
    ordered = sorted(
        groups, key=lambda g: (data.positions.get(g.id) or current[g.id], current[g.id])
    )
    if data.move is not None:
        index = next((i for i, g in enumerate(ordered) if g.id == data.move[0]), None)
        other = None if index is None else index + data.move[1]
        if index is not None and other is not None and 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(session, plan, ordered)
    if new_name:
        added = TaskGroup(plan=plan, ordinal=len(ordered) + 1, name=new_name)
        session.add(added)
    changed = {
        group_id: officer_id
        for group_id, officer_id in data.overseers.items()
        if any(g.id == group_id and g.overseer_id != officer_id for g in groups)
    }
    if changed:
        if actor is not None and not can(actor, Action.ASSIGN_TASK, plan.unit):
            raise Refusal(_("Chỉ Chủ tịch phân công Phó Chủ tịch phụ trách lĩnh vực."))
        set_overseers(session, plan, changed)
    session.flush()
    session.expire(plan, ["groups"])
    log.info("officer %s saved the fields of plan %s, unit %s", actor and actor.id, plan.id,
             plan.unit_id)
