"""Who may do what: the only place that decides it.

Views call `authorize()`; templates call `can()` to hide what would be refused anyway.
"""

from __future__ import annotations

import enum

from werkzeug.exceptions import Forbidden

from tracker.people.models import Officer, Role, Unit


class Action(enum.StrEnum):
    VIEW_UNIT = "view_unit"  # plans, tasks, officers, history, exports of a unit
    MANAGE_PLANS = "manage_plans"  # create, import, edit plans and their tasks
    MANAGE_OFFICERS = "manage_officers"  # create officers, change their roles
    USE_API = "use_api"  # read the JSON API with a token


# Roles allowed each action within their scope.
_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_UNIT: frozenset(Role),
    Action.MANAGE_PLANS: frozenset(
        {Role.ADMIN, Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.FOCAL_OFFICER}
    ),
    Action.MANAGE_OFFICERS: frozenset({Role.ADMIN, Role.CHAIRPERSON}),
    Action.USE_API: frozenset(Role),
}

# Roles that act beyond their own unit: admin everywhere, inspector below their unit, read-only.
_READ_ONLY_ROLES = frozenset({Role.INSPECTOR})
_READ_ACTIONS = frozenset({Action.VIEW_UNIT, Action.USE_API})


def _in_scope(officer: Officer, role: Role, unit: Unit) -> bool:
    if role is Role.ADMIN:
        return True
    if role is Role.INSPECTOR:
        node: Unit | None = unit
        while node is not None:  # the officer's unit or one of its ancestors
            if node.id == officer.unit_id:
                return True
            node = node.parent
        return False
    return unit.id == officer.unit_id


def can(officer: Officer | None, action: Action, unit: Unit) -> bool:
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.active:
        return False
    allowed = _ALLOWED[action]
    for role in officer.roles:
        if role not in allowed:
            continue
        if role in _READ_ONLY_ROLES and action not in _READ_ACTIONS:
            continue
        if _in_scope(officer, role, unit):
            return True
    return False


def authorize(officer: Officer | None, action: Action, unit: Unit) -> None:
    """Raise 403 unless the officer may do the action in the unit."""
    if not can(officer, action, unit):
        raise Forbidden()
