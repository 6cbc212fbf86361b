"""The tree of units and its administration: create, edit, close, reopen; unit administrators;
a unit's settings. Operations flush, never commit; they refuse with `Refusal(message, field)`.

Units are never deleted: closing keeps every plan, task and officer, and only stops new
plans, officers and units below (`operations.ensure_open`). A unit's code is its address in
every URL and CLI command, so it is fixed once created.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.core.audit import AuditAction, AuditEvent, current_actor_id
from tracker.core.clock import utcnow
from tracker.core.permissions import Action, can
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, OfficerRole, Role, Unit, UnitKind
from tracker.people.operations import ensure_open, normalise_name
from tracker.people.two_step import TWO_STEP_PRESETS

log = logging.getLogger("tracker.people")

CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

# The late-extension setting as the settings form offers it (tasks.deadlines reads the column).
LATE_EXTENSIONS = {"count": True, "do_not_count": False, "inherit": None}


@dataclass(frozen=True)
class UnitInput:
    """What the unit form holds, parsed: names as typed, the kind and the parent chosen."""

    name: str
    short_name: str
    kind: UnitKind
    parent: Unit | None


def _check_names(data: UnitInput) -> tuple[str, str]:
    # NUL never belongs in a name (PostgreSQL refuses it in text): dropped like extra spaces
    name, short_name = (normalise_name(text.replace("\x00", "")) for text in
                        (data.name, data.short_name))
    errors = {}
    if not name:
        errors["name"] = _("Nhập tên đơn vị như ghi trên văn bản, ví dụ “Phường Vĩnh Hòa”.")
    elif len(name) > 200:
        errors["name"] = _("Tên đơn vị dài quá 200 ký tự.")
    if len(short_name) > 100:
        errors["short_name"] = _("Tên ngắn dài quá 100 ký tự.")
    if errors:
        raise Refusal(errors)
    return name, short_name


def _check_parent(actor, unit: Unit | None, parent: Unit | None) -> None:
    """The parent must be one the actor administers, open, and not the unit or below it."""
    if parent is None:
        # A new top of a tree comes from the command line; in the browser an administrator
        # adds and moves units below their own (the system administrator sits in the
        # national unit, above every province).
        if actor is None:
            return
        raise Refusal(_("Chọn đơn vị cấp trên."), "parent")
    if actor is not None and not can(actor, Action.MANAGE_UNITS, parent):
        raise Refusal(_("Chọn đơn vị cấp trên trong phạm vi mình quản trị."), "parent")
    node: Unit | None = parent
    while unit is not None and node is not None:
        if node.id == unit.id:
            raise Refusal(
                _(
                    "Không thể đặt %(parent)s làm cấp trên: đó là chính đơn vị này hoặc một "
                    "đơn vị trực thuộc nó.",
                    parent=parent.name,
                ),
                "parent",
            )
        node = node.parent


def create_unit(session: Session, actor, code: str, data: UnitInput) -> Unit:
    code = (code or "").strip().lower()
    errors = {}
    if not CODE.match(code):
        errors["code"] = _(
            "Mã đơn vị gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 64 ký tự), "
            "ví dụ “vinh-hoa”."
        )
    elif session.scalar(select(func.count()).select_from(Unit).where(Unit.code == code)):
        errors["code"] = _("Mã “%(code)s” đã có đơn vị khác dùng.", code=code)
    try:
        name, short_name = _check_names(data)
    except Refusal as refusal:
        errors = {**refusal.errors, **errors}
    if errors:
        raise Refusal(errors)
    _check_parent(actor, None, data.parent)
    if data.parent is not None:
        ensure_open(data.parent)
    unit = Unit(
        code=code, name=name, short_name=short_name, kind=data.kind, parent=data.parent
    )
    session.add(unit)
    session.flush()
    log.info("officer %s created unit %s (%s)", current_actor_id(), unit.id, unit.code)
    return unit


def update_unit(session: Session, actor, unit: Unit, data: UnitInput) -> None:
    name, short_name = _check_names(data)
    if (data.parent.id if data.parent else None) != unit.parent_id:
        _check_parent(actor, unit, data.parent)
        if data.parent is not None:
            ensure_open(data.parent)
    unit.name, unit.short_name, unit.kind, unit.parent = name, short_name, data.kind, data.parent
    session.flush()
    log.info("officer %s edited unit %s", current_actor_id(), unit.id)


def close_unit(session: Session, unit: Unit) -> None:
    if not unit.is_open:
        raise Refusal(_("Đơn vị %(name)s đã đóng từ trước.", name=unit.name))
    open_below = [child.name for child in unit.children if child.is_open]
    if open_below:
        raise Refusal(
            _(
                "Còn đơn vị trực thuộc đang hoạt động: %(names)s. Đóng các đơn vị đó trước.",
                names=", ".join(sorted(open_below)),
            )
        )
    unit.closed_at = utcnow()
    session.flush()
    log.info("officer %s closed unit %s", current_actor_id(), unit.id)


def reopen_unit(session: Session, unit: Unit) -> None:
    if unit.is_open:
        raise Refusal(_("Đơn vị %(name)s đang hoạt động.", name=unit.name))
    if unit.parent is not None and not unit.parent.is_open:
        raise Refusal(
            _("Đơn vị cấp trên %(name)s đã đóng: mở lại đơn vị đó trước.", name=unit.parent.name)
        )
    unit.closed_at = None
    session.flush()
    log.info("officer %s reopened unit %s", current_actor_id(), unit.id)


def update_settings(
    session: Session,
    unit: Unit,
    *,
    name: str,
    short_name: str,
    late_extensions: str,
    two_step: str = "inherit",
) -> None:
    """The unit administrator's settings: the unit's names, and whether a deadline moved
    after it had passed makes a late completion on time (see tasks.deadlines)."""
    errors = {}
    if late_extensions not in LATE_EXTENSIONS:
        errors["late_extensions"] = _("Chọn một cách tính hạn đã gia hạn.")
    if two_step not in TWO_STEP_PRESETS:
        errors["two_step"] = _("Chọn ai phải đăng nhập hai bước trong danh sách.")
    data = UnitInput(name=name, short_name=short_name, kind=unit.kind, parent=unit.parent)
    try:
        names = _check_names(data)
    except Refusal as refusal:
        errors.update(refusal.errors)
    if errors:
        raise Refusal(errors)
    unit.name, unit.short_name = names
    unit.late_extension_counts = LATE_EXTENSIONS[late_extensions]
    unit.two_step_roles = TWO_STEP_PRESETS[two_step]
    session.flush()
    log.info("officer %s changed the settings of unit %s", current_actor_id(), unit.id)


# ---------------------------------------------------------------------- unit administrators


def set_unit_admin(session: Session, unit: Unit, officer: Officer, admin: bool) -> bool:
    """Name the officer an administrator of their unit, or no longer; audited (roles are not
    an audited model, so the change is written here). Whether anything changed."""
    if officer.unit_id != unit.id:
        raise Refusal(_("Cán bộ này không thuộc đơn vị %(name)s.", name=unit.name))
    before = sorted(role.value for role in officer.roles)
    if admin == officer.has_role(Role.UNIT_ADMIN):
        return False
    if admin:
        if not officer.active:
            raise Refusal(_("%(name)s đã ngừng hoạt động.", name=officer.full_name))
        officer.role_rows.append(OfficerRole(role=Role.UNIT_ADMIN))
    else:
        officer.role_rows = [row for row in officer.role_rows if row.role is not Role.UNIT_ADMIN]
        if not officer.role_rows:  # every officer keeps at least one role
            officer.role_rows.append(OfficerRole(role=Role.OFFICER))
    after = sorted(role.value for role in officer.roles)
    session.add(
        AuditEvent(
            actor_id=current_actor_id(),
            unit_id=unit.id,
            entity_type="officers",
            entity_id=officer.id,
            action=AuditAction.UPDATE.value,
            label=officer.full_name[:300],
            changes={"roles": [before, after]},
        )
    )
    session.flush()
    log.info(
        "officer %s %s officer %s as administrator of unit %s",
        current_actor_id(),
        "named" if admin else "removed",
        officer.id,
        unit.id,
    )
    return True


# ---------------------------------------------------------------------- reading the tree


@dataclass(frozen=True, slots=True)
class TreeRow:
    unit: Unit
    depth: int
    admins: tuple[str, ...]


def unit_tree(session: Session, top: Unit | None) -> list[TreeRow]:
    """The units at and below `top` (every unit if None), depth first, each with its
    administrators' names: two queries, whatever the size of the tree."""
    units = session.scalars(select(Unit).order_by(Unit.name, Unit.id)).all()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    admins: dict[int, list[str]] = {}
    for unit_id, full_name in session.execute(
        select(Officer.unit_id, Officer.full_name)
        .join(OfficerRole)
        .where(OfficerRole.role == Role.UNIT_ADMIN, Officer.active)
        .order_by(Officer.full_name)
    ):
        admins.setdefault(unit_id, []).append(full_name)
    rows: list[TreeRow] = []

    def walk(unit: Unit, depth: int) -> None:
        rows.append(TreeRow(unit, depth, tuple(admins.get(unit.id, ()))))
        for child in children.get(unit.id, ()):
            walk(child, depth + 1)

    for root in [top] if top is not None else children.get(None, []):
        walk(root, 0)
    return rows


def unit_officers_with_roles(session: Session, unit_id: int) -> list[Officer]:
    return list(
        session.scalars(
            select(Officer)
            .options(selectinload(Officer.role_rows))
            .where(Officer.unit_id == unit_id)
            .order_by(Officer.active.desc(), Officer.full_name, Officer.id)
        )
    )
