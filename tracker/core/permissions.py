"""Who may do what: the only place that decides it.

Views call `authorize()`; templates call `can()` to hide what would be refused anyway. A
target is a unit, or something inside one (a plan, a field, a task): rules on a task also
look at the officer's relation to it (lead, supporting officer, overseer of its field).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from werkzeug.exceptions import Forbidden

from tracker.core.roles import Role


class UnitRow(Protocol):
    """A unit as the rules read it (people.models.Unit is one)."""

    id: int
    parent: UnitRow | None


class Actor(Protocol):
    """An officer as the rules read one (people.models.Officer is one)."""

    id: int
    unit_id: int
    active: bool
    is_authenticated: bool

    @property
    def roles(self) -> frozenset[Role]: ...


class Action(enum.StrEnum):
    VIEW_UNIT = "view_unit"  # plans, tasks, officers, history, exports of a unit
    MANAGE_PLANS = "manage_plans"  # create, import, edit plans; unit calendar
    MANAGE_OFFICERS = "manage_officers"  # create officers, change their roles
    USE_API = "use_api"  # read the JSON API with a token
    ASSIGN_TASK = "assign_task"  # create and edit tasks, assign lead and supporters, deadline
    REPORT_PROGRESS = "report_progress"  # progress percentage and note
    SUBMIT_COMPLETION = "submit_completion"  # completion with evidence
    CONFIRM_COMPLETION = "confirm_completion"  # confirm, return or reopen a completion
    ADD_NOTE = "add_note"  # notes and working files on a task
    SEE_LEADER_VIEWS = "see_leader_views"  # dashboard, pending confirmations
    PROMPT_TASK = "prompt_task"  # prompt a lead now (đôn đốc), request an explanation
    ANSWER_EXPLANATION = "answer_explanation"  # the lead gives the reason and a new date
    DECIDE_EXPLANATION = "decide_explanation"  # accept the proposed deadline or refuse it
    VIEW_MEETINGS = "view_meetings"  # the monthly review meetings, their agenda and minutes
    MANAGE_MEETINGS = "manage_meetings"  # open a meeting, attendance, leaders' agenda items
    EVALUATE_OFFICERS = "evaluate_officers"  # grades, decisions, closing; the grade list
    VIEW_EVALUATIONS = "view_evaluations"  # every officer's evaluations (officer × month)
    EDIT_APPENDIX = "edit_appendix"  # reporting periods, the figures typed in Phụ lục 1
    SUBMIT_APPENDIX = "submit_appendix"  # chốt số liệu: freeze the period's table
    REOPEN_APPENDIX = "reopen_appendix"  # reopen a submitted table (audited)


class Relation(enum.StrEnum):
    """What an officer is to a task, besides their roles."""

    LEAD = "lead"
    SUPPORTER = "supporter"
    OVERSEER = "overseer"  # the vice chairperson overseeing the task's field


LEADERS = frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.FOCAL_OFFICER})
EVALUATORS = frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.VICE_CHAIRPERSON})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] = frozenset()  # any of these roles, within scope
    relations: frozenset[Relation] = frozenset()  # or any of these relations to the task
    # roles that count only together with a relation (a vice chairperson in their own fields)
    roles_with_relation: tuple[tuple[Role, Relation], ...] = ()


_RULES: dict[Action, Rule] = {
    Action.VIEW_UNIT: Rule(roles=frozenset(Role)),
    Action.USE_API: Rule(roles=frozenset(Role)),
    Action.MANAGE_PLANS: Rule(roles=LEADERS),
    Action.MANAGE_OFFICERS: Rule(roles=frozenset({Role.ADMIN, Role.CHAIRPERSON})),
    Action.ASSIGN_TASK: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON}),
        roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.OVERSEER),),
    ),
    Action.REPORT_PROGRESS: Rule(relations=frozenset({Relation.LEAD})),
    Action.SUBMIT_COMPLETION: Rule(relations=frozenset({Relation.LEAD})),
    Action.CONFIRM_COMPLETION: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.FOCAL_OFFICER})
    ),
    Action.ADD_NOTE: Rule(roles=LEADERS, relations=frozenset({Relation.LEAD, Relation.SUPPORTER})),
    Action.SEE_LEADER_VIEWS: Rule(roles=LEADERS | {Role.INSPECTOR}),
    Action.PROMPT_TASK: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.FOCAL_OFFICER}),
        roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.OVERSEER),),
    ),
    Action.ANSWER_EXPLANATION: Rule(relations=frozenset({Relation.LEAD})),
    Action.DECIDE_EXPLANATION: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON}),
        roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.OVERSEER),),
    ),
    Action.VIEW_MEETINGS: Rule(roles=LEADERS | {Role.INSPECTOR}),
    Action.MANAGE_MEETINGS: Rule(roles=LEADERS),
    # Evaluating officers is the leaders' (chairperson, vice chairpersons), not the focal
    # officer's who prepares the meeting.
    Action.EVALUATE_OFFICERS: Rule(roles=EVALUATORS),
    Action.VIEW_EVALUATIONS: Rule(roles=EVALUATORS | {Role.INSPECTOR}),
    Action.EDIT_APPENDIX: Rule(roles=frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.FOCAL_OFFICER})),
    Action.SUBMIT_APPENDIX: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.FOCAL_OFFICER})
    ),
    Action.REOPEN_APPENDIX: Rule(roles=frozenset({Role.ADMIN, Role.CHAIRPERSON})),
}

# Inspectors read; they never change anything, anywhere.
_READ_ACTIONS = frozenset(
    {
        Action.VIEW_UNIT,
        Action.USE_API,
        Action.SEE_LEADER_VIEWS,
        Action.VIEW_MEETINGS,
        Action.VIEW_EVALUATIONS,
    }
)


def _unit_of(target) -> UnitRow:
    plan = getattr(target, "plan", None)
    if plan is not None:  # a task or a field
        return plan.unit
    # a plan, a meeting, a reporting period; else the unit itself
    return getattr(target, "unit", target)


def _relations(officer: Actor, target) -> set[Relation]:
    found: set[Relation] = set()
    if hasattr(target, "lead_officer_id"):  # a task
        if target.lead_officer_id == officer.id:
            found.add(Relation.LEAD)
        if any(s.id == officer.id for s in target.supporters):
            found.add(Relation.SUPPORTER)
        group = target.group
    else:
        group = target if hasattr(target, "overseer_id") else None
    if group is not None and group.overseer_id == officer.id:
        found.add(Relation.OVERSEER)
    return found


def _in_scope(officer: Actor, role: Role | None, unit: UnitRow) -> bool:
    if role is Role.ADMIN:
        return True
    if role is Role.INSPECTOR:
        node: UnitRow | None = unit
        while node is not None:  # the officer's unit or one of its ancestors
            if node.id == officer.unit_id:
                return True
            node = node.parent
        return False
    return unit.id == officer.unit_id


def can(officer: Actor | None, action: Action, target) -> bool:
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.active:
        return False
    rule = _RULES[action]
    unit = _unit_of(target)
    roles = officer.roles
    if Role.INSPECTOR in roles and action not in _READ_ACTIONS and roles <= {Role.INSPECTOR}:
        return False
    for role in roles:
        if role is Role.INSPECTOR and action not in _READ_ACTIONS:
            continue
        if role in rule.roles and _in_scope(officer, role, unit):
            return True
    if not (rule.relations or rule.roles_with_relation) or not _in_scope(officer, None, unit):
        return False
    relations = _relations(officer, target)
    if relations & rule.relations:
        return True
    return any(role in roles and rel in relations for role, rel in rule.roles_with_relation)


def authorize(officer: Actor | None, action: Action, target) -> None:
    """Raise 403 unless the officer may do the action on the target."""
    if not can(officer, action, target):
        raise Forbidden()
