from tests.factories import gen_officer, gen_unit
from tracker.core.permissions import Action, can
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
