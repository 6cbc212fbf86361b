from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.permissions import (
    Action,
    Submission,
    can,
    may_assign,
    may_assign_in,
    may_be_confirmer,
    may_grant_role,
    may_manage_officer,
    may_transfer,
)
from tracker.people.models import Role, UnitKind


def test_inspector_reads_below_their_unit_and_changes_nothing(app):
    city = gen_unit(kind=UnitKind.CITY)
    ward = gen_unit(parent=city)
    inspector = gen_officer(city, Role.INSPECTOR)
    assert can(inspector, Action.VIEW_UNIT, ward)
    assert can(inspector, Action.VIEW_UNIT, city)
    assert not can(inspector, Action.MANAGE_PLANS, ward)
    assert not can(inspector, Action.MANAGE_OFFICERS, ward)


def test_roles_combine(app):
    ward = gen_unit()
    both = gen_officer(ward, Role.OFFICER, Role.FOCAL_OFFICER)
    assert can(both, Action.MANAGE_PLANS, ward)
    assert not can(both, Action.MANAGE_OFFICERS, ward)


def test_nobody_and_inactive_may_nothing(app):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    chair.active = False
    assert not can(None, Action.VIEW_UNIT, ward)
    assert not can(chair, Action.VIEW_UNIT, ward)


def test_confirmers_are_those_who_may_confirm(app):
    ward = gen_unit()
    lead = gen_officer(ward, Role.FOCAL_OFFICER)
    plan = gen_plan(ward)
    for role, named, any_task in [
        (Role.CHAIRPERSON, True, True),
        (Role.FOCAL_OFFICER, True, True),
        (Role.ADMIN, True, True),
        # a leader who answers for a task: confirms the tasks they are named on, only those
        (Role.VICE_CHAIRPERSON, True, False),
        (Role.OFFICER, False, False),
    ]:
        officer = gen_officer(ward, role)
        assert may_be_confirmer(officer, ward) is named, role
        assert can(officer, Action.CONFIRM_COMPLETION, ward) is any_task, role
        theirs = gen_task(plan, lead, confirmer_id=officer.id)
        assert can(officer, Action.CONFIRM_COMPLETION, theirs) is named, role
        assert can(officer, Action.CONFIRM_COMPLETION, gen_task(plan, lead)) is any_task, role
    assert not may_be_confirmer(lead, ward, lead_officer_id=lead.id)  # the lead submits
    elsewhere = gen_officer(gen_unit(), Role.VICE_CHAIRPERSON)
    assert not may_be_confirmer(elsewhere, ward)


def test_the_submitter_never_confirms(app):
    ward = gen_unit()
    focal = gen_officer(ward, Role.FOCAL_OFFICER)
    task = gen_task(gen_plan(ward), focal)
    assert can(focal, Action.CONFIRM_COMPLETION, task)
    assert can(focal, Action.CONFIRM_COMPLETION, Submission(task, submitted_by_id=None))
    assert not can(focal, Action.CONFIRM_COMPLETION, Submission(task, submitted_by_id=focal.id))


def test_a_vice_chairperson_assigns_and_asks_in_their_fields_only(app):
    ward = gen_unit()
    vice = gen_officer(ward, Role.VICE_CHAIRPERSON)
    plan = gen_plan(ward)
    own, other = gen_group(plan, "Cải cách thể chế"), gen_group(plan, "Cải cách TTHC")
    own.overseer_id = vice.id
    task = gen_task(plan, group=own)
    assert may_assign_in(vice, plan)
    assert may_assign(vice, plan, own) and may_assign(vice, plan, own, task)
    assert not may_assign(vice, plan, other, task)  # not out of their fields
    assert not may_assign(vice, plan)  # nor outside any field
    assert can(vice, Action.REQUEST_EXPLANATION, task)
    assert not can(vice, Action.REQUEST_EXPLANATION, gen_task(plan, group=other))
    assert not may_assign_in(gen_officer(ward, Role.VICE_CHAIRPERSON), plan)


def test_managing_officers_and_the_administrator_role(app):
    ward, other = gen_unit(), gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON)
    admin = gen_officer(ward, Role.ADMIN)
    member = gen_officer(ward)
    assert may_grant_role(chair, Role.VICE_CHAIRPERSON, ward)
    assert not may_grant_role(chair, Role.ADMIN, ward)
    assert may_grant_role(admin, Role.ADMIN, ward)
    assert may_grant_role(chair, Role.UNIT_ADMIN, ward)  # the chairperson names them
    unit_admin = gen_officer(ward, Role.OFFICER, Role.UNIT_ADMIN)
    assert may_manage_officer(unit_admin, member, ward)
    assert not may_grant_role(unit_admin, Role.UNIT_ADMIN, ward)
    # the accounts' keeper makes nobody a leader, themselves included, nor manages a leader
    for leading in (Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.FOCAL_OFFICER):
        assert not may_grant_role(unit_admin, leading, ward)
        assert may_grant_role(chair, leading, ward) and may_grant_role(admin, leading, ward)
    assert may_grant_role(unit_admin, Role.OFFICER, ward)
    assert not may_manage_officer(unit_admin, chair, ward)
    assert may_manage_officer(chair, member, ward)
    assert not may_manage_officer(chair, admin, ward)  # an administrator is the admin's
    assert may_manage_officer(admin, admin, ward)
    assert not may_manage_officer(gen_officer(other, Role.CHAIRPERSON), member, ward)
    # moving: who manages the officers of both units
    assert not may_transfer(chair, member, ward, other)
    assert may_transfer(admin, member, ward, other)
    assert not may_transfer(admin, member, ward, ward)


def test_unit_administration_rules(app):
    """The administrator manages the units at and below their own (and only those, for units
    and their administration); a unit administrator their own unit's officers, calendar,
    settings and logins, no plans; the chairperson names the unit's administrators."""
    province = gen_unit(kind=UnitKind.PROVINCE)
    ward = gen_unit(parent=province)
    neighbour = gen_unit(parent=gen_unit(kind=UnitKind.PROVINCE))
    top_admin = gen_officer(province, Role.ADMIN)
    ward_admin = gen_officer(ward, Role.ADMIN)
    unit_admin = gen_officer(ward, Role.OFFICER, Role.UNIT_ADMIN)
    chair = gen_officer(ward, Role.CHAIRPERSON)
    below_only = (Action.MANAGE_UNITS, Action.ASSIGN_UNIT_ADMINS,
                  Action.MANAGE_UNIT_SETTINGS, Action.VIEW_LOGINS)
    for action in below_only:
        assert can(top_admin, action, ward) and can(top_admin, action, province), action
        assert can(ward_admin, action, ward) and not can(ward_admin, action, province), action
        assert not can(top_admin, action, neighbour), action
    assert can(top_admin, Action.MANAGE_PLANS, neighbour)  # elsewhere the admin acts anywhere
    for action in (Action.MANAGE_OFFICERS, Action.MANAGE_CALENDAR,
                   Action.MANAGE_UNIT_SETTINGS, Action.VIEW_LOGINS):
        assert can(unit_admin, action, ward), action
        assert not can(unit_admin, action, neighbour), action
    for action in (Action.MANAGE_PLANS, Action.MANAGE_UNITS, Action.ASSIGN_UNIT_ADMINS,
                   Action.ASSIGN_TASK, Action.SEE_LEADER_VIEWS):
        assert not can(unit_admin, action, ward), action
    assert can(chair, Action.ASSIGN_UNIT_ADMINS, ward)
    assert not can(chair, Action.MANAGE_UNIT_SETTINGS, ward)
    assert not can(chair, Action.MANAGE_UNITS, ward)
