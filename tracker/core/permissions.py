"""Who may do what: the only place that decides it.

Views call `authorize()`; templates call `can()` to hide what would be refused anyway;
operations ask `can()` again, so a rule holds whoever calls them. A target is a unit, or
something inside one (a plan, a field, a task, a `Submission`): rules on a task also look at
the officer's relation to it (lead, supporting officer, overseer of its field, submitter of the
completion waiting for a decision).

This module knows no area: it reads the few fields it needs of an officer (id, unit_id,
active, roles) and of a target (unit, plan, lead_officer_id, supporters, group, overseer_id,
parent), whatever their classes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

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
    PROMPT_TASK = "prompt_task"  # prompt a lead now (đôn đốc)
    REQUEST_EXPLANATION = "request_explanation"  # ask the lead of an overdue task to explain
    ANSWER_EXPLANATION = "answer_explanation"  # the lead gives the reason and a new date
    DECIDE_EXPLANATION = "decide_explanation"  # accept the proposed deadline or refuse it
    VIEW_MEETINGS = "view_meetings"  # the monthly review meetings, their agenda and minutes
    MANAGE_MEETINGS = "manage_meetings"  # open a meeting, attendance, leaders' agenda items
    EVALUATE_OFFICERS = "evaluate_officers"  # grades, decisions, closing; the grade list
    VIEW_EVALUATIONS = "view_evaluations"  # every officer's evaluations (officer × month)
    EDIT_APPENDIX = "edit_appendix"  # reporting periods, the figures typed in Phụ lục 1
    SUBMIT_APPENDIX = "submit_appendix"  # chốt số liệu: freeze the period's table
    REOPEN_APPENDIX = "reopen_appendix"  # reopen a submitted table (audited)
    READ_OUTBOX = "read_outbox"  # the development outbox: the emails written, with their text
    WITHDRAW_TASK = "withdraw_task"  # rút khỏi kế hoạch: the task stays, counted before that day
    # The administration of units (admin: the units at and below their own; see _in_scope)
    MANAGE_UNITS = "manage_units"  # create, edit, close, reopen units below (the tree)
    ASSIGN_UNIT_ADMINS = "assign_unit_admins"  # name or remove a unit's administrators
    MANAGE_CALENDAR = "manage_calendar"  # the unit's own days off and make-up working days
    MANAGE_UNIT_SETTINGS = "manage_unit_settings"  # names, late extensions
    VIEW_LOGINS = "view_logins"  # lịch sử đăng nhập of the unit's officers
    MANAGE_API_TOKENS = "manage_api_tokens"  # see and revoke every API token of a unit
    # Sổ văn bản đi: type, import, edit and cancel entries (officers enter theirs as evidence)
    MANAGE_REGISTER = "manage_register"
    # The page of the communes below a province (or a city, or the nation), with their figures
    OVERSEE_UNITS = "oversee_units"
    # A province's reporting: open a period for all its communes, load its indicator tree
    MANAGE_PROVINCE_REPORTS = "manage_province_reports"
    # A province's leader issues one task to many of its communes at once (tasks.cascade)
    ISSUE_TO_UNITS = "issue_to_units"
    MERGE_UNITS = "merge_units"  # merge units into a new one (plans.merging)


class Relation(enum.StrEnum):
    """What an officer is to a task, besides their roles."""

    LEAD = "lead"
    SUPPORTER = "supporter"
    OVERSEER = "overseer"  # the vice chairperson overseeing the task's field
    SUBMITTER = "submitter"  # the officer who submitted the completion waiting for a decision
    CONFIRMER = "confirmer"  # the leader named on the task to confirm it


LEADERS = frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.FOCAL_OFFICER})
EVALUATORS = frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.VICE_CHAIRPERSON})
# Who confirms, returns or reopens any completion of the unit (not their own submission).
CONFIRMERS = frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.FOCAL_OFFICER})
# Who may be named a task's confirmer: those, and a vice chairperson, who then confirms the
# tasks they are named on (and only those).
NAMED_CONFIRMERS = CONFIRMERS | {Role.VICE_CHAIRPERSON}
# Who prompts a lead and asks for an explanation: a vice chairperson in their own fields.
PROMPTERS = frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.FOCAL_OFFICER})
# Who sees and revokes the API tokens of a unit's officers (besides their own): the
# administrator (their unit and the units below it) and the unit's own administrator.
TOKEN_ADMINS = frozenset({Role.ADMIN, Role.UNIT_ADMIN})
# Leaders of a unit above (a province's chairperson, vice chairpersons, focal officer) read
# the units below it, like its inspectors.
OVERSEERS = frozenset({Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.FOCAL_OFFICER})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] = frozenset()  # any of these roles, within scope
    relations: frozenset[Relation] = frozenset()  # or any of these relations to the task
    # roles that count only together with a relation (a vice chairperson in their own fields)
    roles_with_relation: tuple[tuple[Role, Relation], ...] = ()
    # relations that refuse whatever the roles (the submitter never confirms their completion)
    never: frozenset[Relation] = frozenset()


_RULES: dict[Action, Rule] = {
    Action.VIEW_UNIT: Rule(roles=frozenset(Role)),
    Action.USE_API: Rule(roles=frozenset(Role)),
    Action.MANAGE_PLANS: Rule(roles=LEADERS),
    Action.MANAGE_OFFICERS: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON, Role.UNIT_ADMIN})
    ),
    Action.ASSIGN_TASK: Rule(
        roles=frozenset({Role.ADMIN, Role.CHAIRPERSON}),
        roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.OVERSEER),),
    ),
    Action.REPORT_PROGRESS: Rule(relations=frozenset({Relation.LEAD})),
    Action.SUBMIT_COMPLETION: Rule(relations=frozenset({Relation.LEAD})),
    # The named confirmer (a vice chairperson included), the chairperson, the focal officer;
    # never the officer who submitted the completion.
    Action.CONFIRM_COMPLETION: Rule(
        roles=CONFIRMERS,
        roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.CONFIRMER),),
        never=frozenset({Relation.SUBMITTER}),
    ),
    Action.ADD_NOTE: Rule(roles=LEADERS, relations=frozenset({Relation.LEAD, Relation.SUPPORTER})),
    Action.SEE_LEADER_VIEWS: Rule(roles=LEADERS | {Role.INSPECTOR}),
    Action.PROMPT_TASK: Rule(
        roles=PROMPTERS, roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.OVERSEER),)
    ),
    Action.REQUEST_EXPLANATION: Rule(
        roles=PROMPTERS, roles_with_relation=((Role.VICE_CHAIRPERSON, Relation.OVERSEER),)
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
    # Emails show what officers were told: the leaders (and inspectors) of their unit read them.
    Action.READ_OUTBOX: Rule(roles=LEADERS | {Role.INSPECTOR}),
    # The chairperson decides what the plan holds (the administrator for them).
    Action.WITHDRAW_TASK: Rule(roles=frozenset({Role.ADMIN, Role.CHAIRPERSON})),
    Action.MANAGE_UNITS: Rule(roles=frozenset({Role.ADMIN})),
    # The chairperson names who administers their unit; the administrator of the units above.
    Action.ASSIGN_UNIT_ADMINS: Rule(roles=frozenset({Role.ADMIN, Role.CHAIRPERSON})),
    Action.MANAGE_CALENDAR: Rule(roles=LEADERS | {Role.UNIT_ADMIN}),
    Action.MANAGE_UNIT_SETTINGS: Rule(roles=frozenset({Role.ADMIN, Role.UNIT_ADMIN})),
    Action.VIEW_LOGINS: Rule(roles=frozenset({Role.ADMIN, Role.UNIT_ADMIN})),
    Action.MANAGE_API_TOKENS: Rule(roles=TOKEN_ADMINS),
    # The unit's leaders and the focal officer, who keeps the register.
    Action.MANAGE_REGISTER: Rule(roles=LEADERS),
    Action.OVERSEE_UNITS: Rule(roles=LEADERS | {Role.INSPECTOR}),
    Action.MANAGE_PROVINCE_REPORTS: Rule(roles=frozenset({Role.ADMIN, Role.UNIT_ADMIN})),
    # Who assigns the unit's own tasks issues them to the units below (the unit is the target).
    Action.ISSUE_TO_UNITS: Rule(roles=frozenset({Role.ADMIN, Role.CHAIRPERSON})),
    Action.MERGE_UNITS: Rule(roles=frozenset({Role.ADMIN})),
}

# The administrator acts on every unit, except where units are administered: there only on
# their own unit and the units below it (an admin at the top unit: all of them; an admin of a
# province: that province and its communes, wards, special zones).
_ADMIN_BELOW_ONLY = frozenset(
    {
        Action.MANAGE_UNITS,
        Action.ASSIGN_UNIT_ADMINS,
        Action.MANAGE_UNIT_SETTINGS,
        Action.VIEW_LOGINS,
        Action.MANAGE_API_TOKENS,
        Action.MANAGE_PROVINCE_REPORTS,
        Action.MERGE_UNITS,
    }
)

# What nobody does any more on a task withdrawn from its plan: it is no one's work. Reading it
# and writing a note on it remain.
_CLOSED_BY_WITHDRAWAL = frozenset(
    {
        Action.ASSIGN_TASK,
        Action.REPORT_PROGRESS,
        Action.SUBMIT_COMPLETION,
        Action.CONFIRM_COMPLETION,
        Action.PROMPT_TASK,
        Action.REQUEST_EXPLANATION,
        Action.ANSWER_EXPLANATION,
        Action.DECIDE_EXPLANATION,
        Action.WITHDRAW_TASK,
    }
)

# Inspectors read; they never change anything, anywhere.
_READ_ACTIONS = frozenset(
    {
        Action.VIEW_UNIT,
        Action.USE_API,
        Action.SEE_LEADER_VIEWS,
        Action.VIEW_MEETINGS,
        Action.VIEW_EVALUATIONS,
        Action.READ_OUTBOX,
        Action.OVERSEE_UNITS,
    }
)


@dataclass(frozen=True)
class Submission:
    """A completion waiting for a leader's decision: its task, and who submitted it."""

    task: Any
    submitted_by_id: int | None


def _unit_of(target) -> UnitRow:
    if isinstance(target, Submission):
        target = target.task
    plan = getattr(target, "plan", None)
    if plan is not None:  # a task or a field
        return plan.unit
    # a plan, a meeting, a reporting period; else the unit itself
    return getattr(target, "unit", target)


def _relations(officer: Actor, target) -> set[Relation]:
    found: set[Relation] = set()
    if isinstance(target, Submission):
        target = target.task
    if hasattr(target, "lead_officer_id"):  # a task
        if target.lead_officer_id == officer.id:
            found.add(Relation.LEAD)
        if any(s.id == officer.id for s in target.supporters):
            found.add(Relation.SUPPORTER)
        if getattr(target, "confirmer_id", None) == officer.id:
            found.add(Relation.CONFIRMER)
        group = target.group
    else:
        group = target if hasattr(target, "overseer_id") else None
    if group is not None and group.overseer_id == officer.id:
        found.add(Relation.OVERSEER)
    return found


def _at_or_below(officer: Actor, unit: UnitRow) -> bool:
    node: UnitRow | None = unit
    while node is not None:  # the officer's unit or one of its ancestors
        if node.id == officer.unit_id:
            return True
        node = node.parent
    return False


def _in_scope(
    officer: Actor, role: Role | None, unit: UnitRow, action: Action | None = None
) -> bool:
    if role is Role.ADMIN:
        return action not in _ADMIN_BELOW_ONLY or _at_or_below(officer, unit)
    if role is Role.INSPECTOR:
        return _at_or_below(officer, unit)
    if role in OVERSEERS and action in _READ_ACTIONS:
        # A province's leaders read its communes' pages, as its inspectors do (never change).
        return _at_or_below(officer, unit)
    return unit.id == officer.unit_id


def _refused_by_relation(officer: Actor, target, never: frozenset[Relation]) -> bool:
    # Only a submission knows its submitter (no other relation is refused so far).
    return (
        Relation.SUBMITTER in never
        and isinstance(target, Submission)
        and target.submitted_by_id == officer.id
    )


def _withdrawn(target) -> bool:
    task = target.task if isinstance(target, Submission) else target
    return getattr(task, "withdrawn_on", None) is not None


def can(officer: Actor | None, action: Action, target) -> bool:
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.active:
        return False
    rule = _RULES[action]
    if rule.never and _refused_by_relation(officer, target, rule.never):
        return False
    if action in _CLOSED_BY_WITHDRAWAL and _withdrawn(target):
        return False
    unit = _unit_of(target)
    roles = officer.roles
    if Role.INSPECTOR in roles and action not in _READ_ACTIONS and roles <= {Role.INSPECTOR}:
        return False
    for role in roles:
        if role is Role.INSPECTOR and action not in _READ_ACTIONS:
            continue
        if role in rule.roles and _in_scope(officer, role, unit, action):
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


# ---------------------------------------------------------------------------- rules on people


def may_be_confirmer(officer: Actor, unit, lead_officer_id: int | None = None) -> bool:
    """Who may be named a task's confirmer: an active leader of its unit who may confirm
    (NAMED_CONFIRMERS: a vice chairperson too, for the tasks they are named on), and not its
    lead, who submits the completion and never confirms it."""
    if officer.id == lead_officer_id or not getattr(officer, "active", False):
        return False
    return any(
        role in NAMED_CONFIRMERS and _in_scope(officer, role, unit) for role in officer.roles
    )


def holds_tasks(officer: Actor) -> bool:
    """Whether tasks can be the officer's own (lead, support), and with them reminders and a
    monthly evaluation: everyone but a read-only inspector, who changes nothing (see `can`)."""
    roles = officer.roles
    return not (Role.INSPECTOR in roles and roles <= {Role.INSPECTOR})


def may_revoke_token(officer: Actor | None, owner_id: int, owner_unit) -> bool:
    """An officer revokes their own API tokens; a token administrator those of the unit."""
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.active:
        return False
    return officer.id == owner_id or can(officer, Action.MANAGE_API_TOKENS, owner_unit)


def may_assign_in(officer: Actor | None, plan) -> bool:
    """May assign some task of the plan: any of them, or those of the fields one oversees."""
    return can(officer, Action.ASSIGN_TASK, plan.unit) or any(
        can(officer, Action.ASSIGN_TASK, group) for group in plan.groups
    )


def may_assign(officer: Actor | None, plan, group=None, task=None) -> bool:
    """May create a task in `group` of `plan` (None: no field), or move `task` there: a vice
    chairperson only within the fields they oversee, from one of them to another."""
    if task is not None and not can(officer, Action.ASSIGN_TASK, task):
        return False
    return can(officer, Action.ASSIGN_TASK, group or task or plan.unit)


def may_grant_role(officer: Actor | None, role: Role, unit) -> bool:
    """The administrator role acts everywhere: only an administrator grants it (or takes it);
    a unit's administrators are named by who may name them (ASSIGN_UNIT_ADMINS); the roles
    that lead (chairperson, vice chairperson, focal officer: plans, confirmations) by an
    administrator or a chairperson, never by a unit administrator, who keeps the accounts
    and would otherwise make anyone, themselves included, a leader."""
    if role is Role.ADMIN:
        return officer is not None and Role.ADMIN in officer.roles
    if role is Role.UNIT_ADMIN:
        return can(officer, Action.ASSIGN_UNIT_ADMINS, unit)
    if role in LEADERS:
        return officer is not None and bool({Role.ADMIN, Role.CHAIRPERSON} & officer.roles)
    return True


def may_manage_officer(officer: Actor | None, target: Actor, unit) -> bool:
    """May edit, deactivate, reactivate or invite `target` (an officer of `unit`): who manages
    the unit's officers, over an officer whose every role they could grant (not an
    administrator, unless they are one)."""
    return can(officer, Action.MANAGE_OFFICERS, unit) and all(
        may_grant_role(officer, role, unit) for role in target.roles
    )


def may_transfer(officer: Actor | None, target: Actor, from_unit, to_unit) -> bool:
    """Moving an officer to another unit: who manages the officers of both units."""
    return (
        from_unit.id != to_unit.id
        and may_manage_officer(officer, target, from_unit)
        and can(officer, Action.MANAGE_OFFICERS, to_unit)
    )

