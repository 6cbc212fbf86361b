"""Every role against every page of the product: allowed (200/302 on success) or 403.

The expectations are written out here, not derived from tracker.core.permissions, so this
test checks the rule rather than repeating it.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, session_csrf_token
from tests.factories import gen_document, gen_officer, gen_plan, gen_task, gen_unit
from tracker.appendix.models import PeriodKind, PeriodState, ReportingPeriod
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.people.models import Role, Unit, UnitKind
from tracker.tasks.models import Notification

ALL = {
    "admin", "chairperson", "vice_chairperson", "focal_officer", "officer", "inspector",
    "unit_admin",
}
LEADERS = {"admin", "chairperson", "vice_chairperson", "focal_officer"}
ASSIGNERS = {"admin", "chairperson"}  # a vice chairperson only in the fields they oversee
CONFIRMERS = {"admin", "chairperson", "focal_officer"}
# who may be named a task's confirmer (lãnh đạo chịu trách nhiệm): a vice chairperson too
NAMED_CONFIRMERS = CONFIRMERS | {"vice_chairperson"}
PROMPTERS = {"admin", "chairperson", "focal_officer"}  # a vice chairperson: own fields only
EVALUATORS = {"admin", "chairperson", "vice_chairperson"}  # not the focal officer
APPENDIX_EDITORS = {"admin", "chairperson", "focal_officer"}  # type, submit (chốt số liệu)
NOBODY: set[str] = set()  # the officer of this matrix leads no task: only the lead may
OFFICER_MANAGERS = {"admin", "chairperson", "unit_admin"}  # add, import, edit, deactivate
# Sổ văn bản đi: every officer reads it (and enters a document as a task's evidence); the
# leaders and the focal officer type, import, edit and cancel entries.
REGISTER_KEEPERS = LEADERS

# (name, method, path template, who may in the ward itself, may the inspector above it read)
PAGES = [
    ("plans", "GET", "/units/{unit}/plans", ALL, True),
    ("plan", "GET", "/plans/{plan}", ALL, True),
    ("plan_export", "GET", "/plans/{plan}/export.xlsx", ALL, True),
    ("task", "GET", "/tasks/{task}", ALL, True),
    ("officers", "GET", "/units/{unit}/officers", ALL, True),
    ("task_list", "GET", "/units/{unit}/tasks", ALL, True),
    ("task_list_export", "GET", "/units/{unit}/tasks/export.xlsx", ALL, True),
    ("calendar", "GET", "/units/{unit}/calendar", ALL, True),
    ("dashboard", "GET", "/units/{unit}/dashboard", LEADERS | {"inspector"}, True),
    ("confirmations", "GET", "/units/{unit}/confirmations", LEADERS | {"inspector"}, True),
    ("import_form", "GET", "/units/{unit}/plans/import", LEADERS, False),
    ("import_post", "POST", "/units/{unit}/plans/import", LEADERS, False),
    ("calendar_post", "POST", "/units/{unit}/calendar", LEADERS | {"unit_admin"}, False),
    ("task_new", "GET", "/plans/{plan}/tasks/new", ASSIGNERS, False),
    ("task_edit", "GET", "/tasks/{task}/edit", ASSIGNERS, False),
    # The plan's fields are plan management; their overseers the chairperson's (tests/plans).
    ("fields", "GET", "/plans/{plan}/fields", LEADERS, False),
    ("fields_post", "POST", "/plans/{plan}/fields", LEADERS, False),
    ("plan_new", "GET", "/units/{unit}/plans/new", LEADERS, False),
    ("plan_new_post", "POST", "/units/{unit}/plans/new", LEADERS, False),
    ("plan_edit", "GET", "/plans/{plan}/edit", LEADERS, False),
    ("plan_edit_post", "POST", "/plans/{plan}/edit", LEADERS, False),
    ("plan_archive", "POST", "/plans/{plan}/archive", LEADERS, False),
    ("plan_unarchive", "POST", "/plans/{plan}/unarchive", LEADERS, False),
    ("plans_archived", "GET", "/units/{unit}/plans/archived", ALL, True),
    ("plan_next_year", "GET", "/plans/{plan}/next-year", LEADERS, False),
    ("plan_next_year_post", "POST", "/plans/{plan}/next-year", LEADERS, False),
    ("bulk_assign", "POST", "/plans/{plan}/assign", ASSIGNERS, False),
    # one task to many units below (tasks.cascade): who assigns the unit's own tasks
    ("issue", "GET", "/units/{unit}/issue", ASSIGNERS, False),
    ("issue_post", "POST", "/units/{unit}/issue", ASSIGNERS, False),
    # a whole plan issued to the units below (tasks.cascade.issue_plan): the same assigners
    ("issue_plan", "GET", "/plans/{plan}/issue", ASSIGNERS, False),
    ("issue_plan_post", "POST", "/plans/{plan}/issue", ASSIGNERS, False),
    ("progress", "POST", "/tasks/{task}/progress", NOBODY, False),
    ("complete", "GET", "/tasks/{task}/complete", NOBODY, False),
    ("confirm", "POST", "/tasks/{task}/confirm", CONFIRMERS, False),
    ("return", "POST", "/tasks/{task}/return", CONFIRMERS, False),
    ("reopen", "POST", "/tasks/{task}/reopen", CONFIRMERS, False),
    # closing a task issued to units below once all have done it (tasks.cascade.close_parent)
    ("close_issued", "POST", "/tasks/{task}/close-issued", CONFIRMERS, False),
    ("withdraw", "POST", "/tasks/{task}/withdraw", {"admin", "chairperson"}, False),
    ("note", "POST", "/tasks/{task}/notes", LEADERS, False),
    ("prompt", "POST", "/tasks/{task}/prompt", PROMPTERS, False),
    ("explanation", "POST", "/tasks/{task}/explanation", PROMPTERS, False),
    ("explanation_answer", "POST", "/tasks/{task}/explanation/answer", NOBODY, False),
    ("explanation_decide", "POST", "/tasks/{task}/explanation/decide", ASSIGNERS, False),
    ("followups", "GET", "/units/{unit}/followups", LEADERS | {"inspector"}, True),
    ("meetings", "GET", "/units/{unit}/meetings", LEADERS | {"inspector"}, True),
    ("meeting_open", "POST", "/units/{unit}/meetings", LEADERS, False),
    ("meeting", "GET", "/meetings/{meeting}", LEADERS | {"inspector"}, True),
    ("meeting_minutes", "GET", "/meetings/{meeting}/minutes.docx", LEADERS | {"inspector"}, True),
    ("meeting_agenda", "GET", "/meetings/{meeting}/agenda.xlsx", LEADERS | {"inspector"}, True),
    ("meeting_edit", "POST", "/meetings/{meeting}/edit", LEADERS, False),
    ("meeting_attendance", "POST", "/meetings/{meeting}/attendance", LEADERS, False),
    ("meeting_item", "POST", "/meetings/{meeting}/items", LEADERS, False),
    ("meeting_decision", "POST", "/meetings/{meeting}/decisions", EVALUATORS, False),
    ("meeting_evaluation", "POST", "/meetings/{meeting}/evaluations", EVALUATORS, False),
    ("meeting_close", "POST", "/meetings/{meeting}/close", EVALUATORS, False),
    ("grades", "GET", "/units/{unit}/grades", EVALUATORS, False),
    ("evaluations", "GET", "/units/{unit}/evaluations", EVALUATORS | {"inspector"}, True),
    ("evaluations_xlsx", "GET", "/units/{unit}/evaluations.xlsx", EVALUATORS | {"inspector"}, True),
    ("appendix_periods", "GET", "/units/{unit}/appendix", ALL, True),
    ("appendix_period_new", "POST", "/units/{unit}/appendix", APPENDIX_EDITORS, False),
    ("appendix", "GET", "/appendix/{period}", ALL, True),
    ("appendix_xlsx", "GET", "/appendix/{period}/export.xlsx", ALL, True),
    ("appendix_docx", "GET", "/appendix/{period}/export.docx", ALL, True),
    ("appendix_report", "GET", "/appendix/{period}/report.docx", ALL, True),
    ("appendix_report_page", "GET", "/appendix/{period}/report", ALL, True),
    ("appendix_report_save", "POST", "/appendix/{period}/report", APPENDIX_EDITORS, False),
    ("appendix_save", "POST", "/appendix/{period}", APPENDIX_EDITORS, False),
    ("appendix_submit", "POST", "/appendix/{period}/submit", APPENDIX_EDITORS, False),
    ("appendix_reopen", "POST", "/appendix/{submitted}/reopen", ASSIGNERS, False),
    ("officer_new", "GET", "/units/{unit}/officers/new", OFFICER_MANAGERS, False),
    ("officer_new_post", "POST", "/units/{unit}/officers/new", OFFICER_MANAGERS, False),
    ("officer_import", "GET", "/units/{unit}/officers/import", OFFICER_MANAGERS, False),
    ("officer_import_post", "POST", "/units/{unit}/officers/import", OFFICER_MANAGERS, False),
    ("officer_edit", "GET", "/officers/{member}/edit", OFFICER_MANAGERS, False),
    ("officer_edit_post", "POST", "/officers/{member}/edit", OFFICER_MANAGERS, False),
    ("officer_invite", "POST", "/officers/{member}/invite", OFFICER_MANAGERS, False),
    ("officer_reactivate", "POST", "/officers/{member}/reactivate", OFFICER_MANAGERS, False),
    ("officer_deactivate", "GET", "/officers/{member}/deactivate", OFFICER_MANAGERS, False),
    ("officer_deactivate_post", "POST", "/officers/{member}/deactivate", OFFICER_MANAGERS, False),
    ("register", "GET", "/units/{unit}/documents", ALL, True),
    ("register_export", "GET", "/units/{unit}/documents/export.xlsx", ALL, True),
    ("register_entry", "GET", "/documents/{entry}", ALL, True),
    ("register_new", "GET", "/units/{unit}/documents/new", REGISTER_KEEPERS, False),
    ("register_new_post", "POST", "/units/{unit}/documents/new", REGISTER_KEEPERS, False),
    ("register_import", "GET", "/units/{unit}/documents/import", REGISTER_KEEPERS, False),
    ("register_import_post", "POST", "/units/{unit}/documents/import", REGISTER_KEEPERS, False),
    ("register_edit", "POST", "/documents/{entry}", REGISTER_KEEPERS, False),
    ("register_cancel", "POST", "/documents/{entry}/cancel", REGISTER_KEEPERS, False),
    # to another unit: who manages the officers of both (here only the administrator)
    ("officer_transfer", "GET", "/officers/{member}/transfer", {"admin"}, False),
    ("officer_transfer_post", "POST", "/officers/{member}/transfer", {"admin"}, False),
]

# Forms whose empty submission would be refused as invalid (400) once the permission passed.
FORM_DATA = {
    "appendix_period_new": {
        "kind": "quarter", "label": "Quý II năm 2024", "start": "13/03/2024", "end": "12/06/2024"
    },
    "appendix_reopen": {"reason": "Sửa số liệu"},
    "withdraw": {"reason": "Không còn phù hợp"},
    "register_cancel": {"reason": "Sai ngày"},
    "register_new_post": {"number": "1/KH-UBND", "issued_on": "02/01/2024", "kind": "",
                          "directing": ""},
    "register_edit": {"kind": "decision", "subject": "Kế hoạch", "directing": ""},
}


WARD_CODE = "phuong-a"


@pytest.fixture(scope="module")
def _world(module_database):
    """The units, plan, task, meeting, periods, officers (one of each role in each unit) and
    register entry every test of this module starts from, built once (a few hundredths of a
    second, two thousand times over): each test runs in a savepoint of it, rolled back
    (tests/conftest.py, `module_database`)."""
    with module_database.building():
        return _build_world()


class World:
    """The world of this module in the test's own session, each thing loaded when first asked
    for: a test of the matrix touches three or four of the eleven (on PostgreSQL each load is a
    round trip, and the matrix runs two thousand tests)."""

    def __init__(self, built: dict[str, tuple[type, int]]):
        self._built = built
        self._loaded: dict[str, object] = {}

    def __getitem__(self, name: str):
        if name not in self._loaded:
            model, id_ = self._built[name]
            self._loaded[name] = db.session.get(model, id_)
        return self._loaded[name]

    def id(self, name: str) -> int:
        """The thing's id, without loading it."""
        return self._built[name][1]

    def officer(self, role: str, where: str):
        """The officer of this role who sits `where` (a unit of the world, or "other_city"),
        built with the world: one of each, not one per test."""
        return self[f"{role}@{where}"]


@pytest.fixture
def world(app, _world):
    """The world of this module, loaded in the test's own session as it is used."""
    return World(_world)


def _build_world() -> dict[str, tuple[type, int]]:
    province = gen_unit(code="tinh", name="Tỉnh", kind=UnitKind.PROVINCE)
    city = gen_unit(code="thanh-pho", name="Thành phố", kind=UnitKind.CITY, parent=province)
    ward = gen_unit(code=WARD_CODE, name="Phường A", parent=city)
    other_city = gen_unit(
        code="thanh-pho-khac", name="Thành phố khác", kind=UnitKind.CITY, parent=province
    )
    other_ward = gen_unit(code="phuong-b", name="Phường B", parent=other_city)
    plan = gen_plan(ward)
    task = gen_task(plan, deadline=date(2024, 6, 30))
    meeting = Meeting(unit_id=ward.id, year=2024, month=3, held_on=date(2024, 3, 15))
    db.session.add(meeting)
    period = ReportingPeriod(unit_id=ward.id, kind=PeriodKind.QUARTER, label="Quý I năm 2024",
                             start=date(2023, 12, 14), end=date(2024, 3, 12), acknowledged=[])
    submitted = ReportingPeriod(unit_id=ward.id, kind=PeriodKind.YEAR, label="Năm 2023",
                                start=date(2022, 12, 14), end=date(2023, 12, 13),
                                acknowledged=[], state=PeriodState.SUBMITTED,
                                snapshot={"rows": [], "documents": []})
    db.session.add_all([period, submitted])
    member = gen_officer(ward, Role.OFFICER, full_name="Cán Bộ Được Quản Lý")
    entry = gen_document(ward)
    # a ward none of the world's officers sits in: who is told of a completion there is
    # exactly who its test makes
    quiet_ward = gen_unit(code="phuong-c", name="Phường C", parent=city)
    quiet_task = gen_task(gen_plan(quiet_ward), deadline=date(2024, 6, 30))
    homes = {"ward": ward, "other_ward": other_ward, "city": city, "province": province,
             "other_city": other_city}
    officers = {
        f"{role}@{where}": gen_officer(home, Role(role))
        for where, home in homes.items() for role in sorted(ALL)
    }
    db.session.commit()
    built = {
        **officers,
        "quiet_ward": quiet_ward,
        "quiet_task": quiet_task,
        "member": member,
        "entry": entry,
        "province": province,
        "city": city,
        "ward": ward,
        "other_ward": other_ward,
        "plan": plan,
        "task": task,
        "meeting": meeting,
        "period": period,
        "submitted": submitted,
    }
    return {name: (type(thing), thing.id) for name, thing in built.items()}


# (role, where the officer sits) -> which pages of the ward they reach
SCOPES = [
    *[(role, "ward") for role in sorted(ALL)],
    *[(role, "other_ward") for role in sorted(ALL)],  # a neighbour sees nothing of this ward
    ("inspector", "city"),  # the city's inspector reads its wards
    ("inspector", "province"),
    ("inspector", "other_city"),
    # a province's leaders read its communes' pages as its inspectors do (issue 16)
    *[(role, "province") for role in ("chairperson", "vice_chairperson", "focal_officer")],
    ("chairperson", "other_city"),
]
PROVINCE_READERS = {"chairperson", "vice_chairperson", "focal_officer"}


def _expected(role: str, where: str, allowed: set[str], above: bool) -> bool:
    if role == "admin":
        return "admin" in allowed  # admin acts everywhere
    if where == "ward":
        return role in allowed
    if role == "inspector" and where in ("city", "province"):
        return above  # read-only above the ward
    if role in PROVINCE_READERS and where == "province":
        return above and role in allowed  # read-only, what they read in their own unit
    return False


@pytest.mark.parametrize(("role", "where"), SCOPES)
@pytest.mark.parametrize(
    ("name", "method", "path", "allowed", "above"), PAGES, ids=[p[0] for p in PAGES]
)
def test_role_matrix(client, auth, world, role, where, name, method, path, allowed, above):
    auth.enter(world.officer(role, where))
    url = path.format(
        unit=WARD_CODE,
        **{thing: world.id(thing) for thing in (
            "plan", "task", "meeting", "period", "submitted", "member", "entry",
        )},
    )
    if method == "GET":
        response = client.get(url)
    else:
        data = {**FORM_DATA.get(name, {}), "csrf_token": session_csrf_token(client)}
        response = client.post(url, data=data)
    expected = _expected(role, where, allowed, above)
    if expected:
        assert response.status_code in (200, 302), (name, role, where, response.status_code)
    else:
        assert response.status_code == 403, (name, role, where, response.status_code)


# ---------------------------------------------------------------------------- units

# The administration of units: the administrator only at and below their own unit (an admin of
# the neighbouring ward or city reaches nothing of this ward); in the ward itself these roles.
# (name, method, path template, who may in the ward itself besides an admin at or above it)
UNIT_PAGES = [
    ("unit_edit", "GET", "/units/{unit}/edit", NOBODY),
    ("unit_edit_post", "POST", "/units/{unit}/edit", NOBODY),
    ("unit_close", "POST", "/units/{unit}/close", NOBODY),
    ("unit_reopen", "POST", "/units/{unit}/reopen", NOBODY),
    ("unit_admins", "GET", "/units/{unit}/admins", {"chairperson"}),
    ("unit_admins_post", "POST", "/units/{unit}/admins", {"chairperson"}),
    ("unit_settings", "GET", "/units/{unit}/settings", {"unit_admin"}),
    ("unit_settings_post", "POST", "/units/{unit}/settings", {"unit_admin"}),
    ("logins", "GET", "/units/{unit}/logins", {"unit_admin"}),
    # resetting an officer's two-step login (lost phone): who manages the unit's officers
    ("two_step_reset", "GET", "/officers/{member}/two-step", {"chairperson", "unit_admin"}),
    ("two_step_reset_post", "POST", "/officers/{member}/two-step",
     {"chairperson", "unit_admin"}),
    # the tree and the new-unit form start from the administrator's own unit: any admin
    ("units", "GET", "/units", NOBODY),
    ("unit_new", "GET", "/units/new", NOBODY),
    ("unit_new_post", "POST", "/units/new", NOBODY),
    # merging units below one's own (plans.merging): any admin, from their own unit
    ("units_merge", "GET", "/units/merge", NOBODY),
    ("units_merge_post", "POST", "/units/merge", NOBODY),
]
UNIT_SCOPES = [
    *[(role, "ward") for role in sorted(ALL)],
    *[(role, "other_ward") for role in ("admin", "chairperson", "unit_admin")],
    *[("admin", where) for where in ("city", "province", "other_city")],
    ("inspector", "city"),
]
UNIT_FORM_DATA = {
    "unit_edit_post": {"name": "Phường A", "kind": "ward", "parent": "thanh-pho"},
    "unit_settings_post": {"name": "Phường A", "late_extensions": "count"},
    "unit_new_post": {"code": "phuong-moi", "name": "Phường Mới", "kind": "ward",
                      "parent": "phuong-a"},
}


@pytest.mark.parametrize(("role", "where"), UNIT_SCOPES)
@pytest.mark.parametrize(
    ("name", "method", "path", "allowed"), UNIT_PAGES, ids=[p[0] for p in UNIT_PAGES]
)
def test_unit_administration_matrix(client, auth, world, role, where, name, method, path,
                                    allowed):
    member = gen_officer(world["ward"], Role.FOCAL_OFFICER)
    db.session.commit()
    auth.enter(world.officer(role, where))
    url = path.format(unit=world["ward"].code, member=member.id)
    if method == "GET":
        response = client.get(url)
    else:
        data = {**UNIT_FORM_DATA.get(name, {}), "csrf_token": session_csrf_token(client)}
        if name == "unit_admins_post":
            data.update(officer_id=str(member.id), admin="1")
        response = client.post(url, data=data)
    if role == "admin":
        at_or_above = where in ("ward", "city", "province")
        # an officer's two-step reset is the management of officers: an admin's everywhere
        expected = at_or_above or name in (
            "units", "unit_new", "unit_new_post", "two_step_reset", "two_step_reset_post",
            "units_merge", "units_merge_post",
        )
    else:
        expected = where == "ward" and role in allowed
    if expected:
        assert response.status_code in (200, 302), (name, role, where, response.status_code)
    else:
        assert response.status_code == 403, (name, role, where, response.status_code)
    if name == "unit_new_post":  # an admin elsewhere gets the form back: not their unit
        made = db.session.scalar(select(Unit).where(Unit.code == "phuong-moi"))
        assert (made is not None) is (role == "admin" and where in ("ward", "city",
                                                                    "province"))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/my-tasks",
        "/units/phuong-a/plans",
        "/plans/1",
        "/tasks/1",
        "/units/phuong-a/officers",
        "/password",
        "/account/tokens",
        "/account/two-step",
        "/officers/1/two-step",
    ],
)
def test_pages_require_login(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Who sees and revokes the API tokens of the ward's officers (besides their own): the
# administrator at or above the ward, and the ward's own unit administrator.
TOKEN_ADMINS = {"admin", "unit_admin"}


@pytest.mark.parametrize(("role", "where"), SCOPES)
def test_token_page_matrix(client, auth, world, role, where):
    """Every officer manages their own tokens; only a token administrator another's."""
    from tracker.people.models import ApiToken
    from tracker.people.tokens import issue_token

    home = world["other_ward"].parent if where == "other_city" else world[where]
    officer = gen_officer(home, Role(role))
    colleague = gen_officer(world["ward"], full_name="Cán Bộ Phường A")
    own = issue_token(db.session, officer, name="Của tôi").token
    theirs = issue_token(db.session, colleague, name="Của đồng nghiệp").token
    db.session.commit()
    auth.enter(officer)
    page = client.get("/account/tokens")
    assert page.status_code == 200
    administers = role in TOKEN_ADMINS and where == "ward"  # the admins here sit at wards
    assert ("Cán Bộ Phường A" in page.get_data(as_text=True)) is administers
    token = csrf_token(client, "/account/tokens")
    other = client.post(f"/account/tokens/{theirs.id}/revoke", data={"csrf_token": token})
    assert other.status_code == (302 if administers else 403), (role, where)
    mine = client.post(f"/account/tokens/{own.id}/revoke", data={"csrf_token": token})
    assert mine.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, own.id).revoked_at is not None


def test_inactive_officer_cannot_log_in(client, auth, world):
    officer = gen_officer(world["ward"], Role.CHAIRPERSON)
    officer.active = False
    db.session.commit()
    auth.login(officer)
    assert client.get("/my-tasks").status_code == 302


# ---------------------------------------------------------------------------- rules on people

# Who may be named a task's confirmer: who may confirm (CONFIRMERS above), and a vice
# chairperson, who then confirms the tasks they are named on (see the confirmation matrix).
NOMINEES = sorted(ALL - {"inspector"})  # an inspector sits in another unit


@pytest.mark.parametrize("role", NOMINEES)
def test_who_may_be_named_confirmer(client, auth, world, role):
    chair = gen_officer(world["ward"], Role.CHAIRPERSON)
    lead = gen_officer(world["ward"], Role.OFFICER)
    nominee = gen_officer(world["ward"], Role(role))
    db.session.commit()
    auth.login(chair)
    task = world["task"]
    path = f"/tasks/{task.id}/edit"
    page = client.get(path).get_data(as_text=True)
    choices = page.split('name="confirmer_id"', 1)[1].split("</select>", 1)[0]
    offered = f'value="{nominee.id}"' in choices
    assert offered is (role in NAMED_CONFIRMERS), role
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "title": task.title,
            "deliverable": "Kế hoạch",
            "lead_officer_id": str(lead.id),
            "confirmer_id": str(nominee.id),
            "deadline_kind": "date",
            "deadline": "28/06/2024",
            "cadence_unit": "month",
            "cadence_mode": "fixed",
        },
    )
    db.session.refresh(task)
    if role in NAMED_CONFIRMERS:
        assert response.status_code == 302, role
        assert task.confirmer_id == nominee.id
    else:
        assert response.status_code == 200, role  # the form again, with the refusal
        assert task.confirmer_id != nominee.id


def test_the_lead_is_not_named_confirmer(client, auth, world):
    chair = gen_officer(world["ward"], Role.CHAIRPERSON)
    focal = gen_officer(world["ward"], Role.FOCAL_OFFICER)
    db.session.commit()
    auth.login(chair)
    task = world["task"]
    path = f"/plans/{task.plan_id}/assign"
    response = client.post(
        path,
        data={
            "csrf_token": session_csrf_token(client),
            "task_ids": [str(task.id)],
            "lead_officer_id": str(focal.id),
            "confirmer_id": str(focal.id),
        },
        follow_redirects=True,
    )
    assert "không tự xác nhận" in response.get_data(as_text=True)
    db.session.refresh(task)
    assert task.confirmer_id != focal.id


@pytest.mark.parametrize("decision", ["confirm", "return"])
def test_the_submitter_never_confirms(client, auth, world, decision):
    """A focal officer who leads a task and reports it done neither confirms nor returns it,
    even though the focal officer confirms others' completions; the chairperson is told."""
    chair = gen_officer(world["quiet_ward"], Role.CHAIRPERSON)
    focal = gen_officer(world["quiet_ward"], Role.FOCAL_OFFICER)
    task = world["quiet_task"]
    task.lead_officer = focal
    task.confirmer = focal  # named before the rule: the submission goes to who may act
    db.session.commit()
    auth.login(focal)
    path = f"/tasks/{task.id}/complete"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "document_number": "333/KH-UBND",
            "document_date": "04/03/2024",
            "summary": "Kế hoạch",
        },
    )
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.state.value == "pending_confirmation"
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f"/tasks/{task.id}/confirm" not in page
    response = client.post(
        f"/tasks/{task.id}/{decision}",
        data={"csrf_token": session_csrf_token(client), "reason": "Thiếu minh chứng"},
        follow_redirects=True,
    )
    assert "không tự xác nhận hoặc trả lại" in response.get_data(as_text=True)
    db.session.refresh(task)
    assert task.state.value == "pending_confirmation"
    told = db.session.scalars(
        select(Notification.officer_id).where(
            Notification.task_id == task.id, Notification.kind == "submitted"
        )
    ).all()
    assert told == [chair.id]  # the focal officer who submitted is not told
    auth.logout()
    auth.login(chair)
    assert f"/tasks/{task.id}/confirm" in client.get(f"/tasks/{task.id}").get_data(as_text=True)


@pytest.mark.parametrize(("role", "where"), SCOPES)
def test_who_reads_the_outbox(app, client, auth, world, monkeypatch, role, where):
    """The development outbox: leaders and inspectors read their unit's emails, admin all."""
    monkeypatch.setitem(app.config, "TRACKER_MAIL_OUTBOX", True)
    home = world["other_ward"].parent if where == "other_city" else world[where]
    officer = gen_officer(home, Role(role))
    db.session.commit()
    auth.login(officer)
    status = client.get("/reminders/outbox").status_code
    assert status == (200 if role in LEADERS | {"inspector"} else 403), (role, where)


# ---------------------------------------------------------------------------- confirmation

# Who decides on a submitted completion (confirm or return), and is told when it is submitted:
# the confirmer named on the task (a vice chairperson included), the chairperson, the focal
# officer unless the completion is their own; never the officer who submitted it.
# (case, the actor's role, named confirmer, the actor submitted it, may decide and is told)
DECIDERS = [
    ("chair_not_named", "chairperson", False, False, True),
    ("chair_named", "chairperson", True, False, True),
    ("vice_named", "vice_chairperson", True, False, True),
    ("vice_not_named", "vice_chairperson", False, False, False),
    ("focal_not_named", "focal_officer", False, False, True),
    ("focal_named", "focal_officer", True, False, True),
    ("focal_own_completion", "focal_officer", False, True, False),
    ("officer_supporting", "officer", False, False, False),
]


@pytest.mark.parametrize("decision", ["confirm", "return"])
@pytest.mark.parametrize(
    ("case", "role", "named", "submitter", "may"), DECIDERS, ids=[d[0] for d in DECIDERS]
)
def test_who_decides_on_a_completion(
    client, auth, world, decision, case, role, named, submitter, may
):
    ward = world["quiet_ward"]
    chair = gen_officer(ward, Role.CHAIRPERSON)
    focal = gen_officer(ward, Role.FOCAL_OFFICER)
    vice = gen_officer(ward, Role.VICE_CHAIRPERSON)
    actor = {"chairperson": chair, "focal_officer": focal, "vice_chairperson": vice}.get(role)
    actor = actor or gen_officer(ward, Role.OFFICER)
    lead = actor if submitter else gen_officer(ward, Role.OFFICER)
    task = world["quiet_task"]
    task.lead_officer = lead
    task.supporters = [actor] if role == "officer" else []
    task.confirmer = actor if named else (vice if role == "chairperson" else chair)
    db.session.commit()
    auth.login(lead)
    path = f"/tasks/{task.id}/complete"
    form = {"document_number": "333/KH-UBND", "document_date": "04/03/2024", "summary": "KH"}
    response = client.post(path, data={**form, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    told = set(
        db.session.scalars(
            select(Notification.officer_id).where(
                Notification.task_id == task.id, Notification.kind == "submitted"
            )
        )
    )
    assert (actor.id in told) is may, told
    assert lead.id not in told
    # everyone told may act: the named confirmer, the chairperson, the focal officer
    assert told == {o.id for o in (task.confirmer, chair, focal) if o.id != lead.id}
    auth.logout()
    auth.login(actor)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert (f"/tasks/{task.id}/confirm" in page) is may
    response = client.post(
        f"/tasks/{task.id}/{decision}",
        data={"csrf_token": session_csrf_token(client), "reason": "Thiếu minh chứng"},
    )
    db.session.refresh(task)
    if may:
        assert response.status_code == 302
        assert task.state.value == ("done" if decision == "confirm" else "returned")
    else:
        assert response.status_code in (302, 403)  # refused with its reason, or forbidden
        assert task.state.value == "pending_confirmation"


# ---------------------------------------------------------------------------- the province page

# (role, where the officer sits) -> may they open the page of the communes below the province
OVERSEE_SCOPES = [
    *[(role, "province") for role in sorted(ALL)],
    *[(role, "ward") for role in sorted(ALL)],
    ("inspector", "city"),  # below the province: not its page
    ("chairperson", "city"),
]


@pytest.mark.parametrize(("role", "where"), OVERSEE_SCOPES)
@pytest.mark.parametrize("path", ["/units/tinh/communes", "/units/tinh/communes.xlsx"])
def test_province_page_matrix(client, auth, world, role, where, path):
    auth.enter(world.officer(role, where))
    response = client.get(path)
    # admin acts everywhere
    expected = role == "admin" or (where == "province" and role in LEADERS | {"inspector"})
    assert response.status_code == (200 if expected else 403), (role, where)


# ---------------------------------------------------------------------------- province reports

# A province's reporting (open a period for all communes, load its indicator tree): its
# administrator (or one above it) and its unit administrator; its pages are read like any of
# the province's (VIEW_UNIT: its own officers, an inspector or administrator above).
PROVINCE_MANAGERS = {"admin", "unit_admin"}
PROVINCE_PAGES = [
    ("province_periods", "GET", "/units/{province}/appendix/province", ALL),
    ("province_open", "POST", "/units/{province}/appendix/province", PROVINCE_MANAGERS),
    ("province_period", "GET", "/appendix/province/{collection}", ALL),
    ("province_summary", "GET", "/appendix/province/{collection}/summary.xlsx", ALL),
    ("trees", "GET", "/units/{province}/appendix/trees", ALL),
    ("trees_post", "POST", "/units/{province}/appendix/trees", PROVINCE_MANAGERS),
]
PROVINCE_SCOPES = [
    *[(role, "province") for role in sorted(ALL)],
    *[(role, "ward") for role in ("admin", "unit_admin", "chairperson", "inspector")],
]
TREE_FILE = (
    'year = 2026\n[[rows]]\nkey = "1"\ncode = "1."\nlabel = "Mục"\nkind = "section"\n'
).encode()


@pytest.mark.parametrize(("role", "where"), PROVINCE_SCOPES)
@pytest.mark.parametrize(
    ("name", "method", "path", "allowed"), PROVINCE_PAGES, ids=[p[0] for p in PROVINCE_PAGES]
)
def test_province_reports_matrix(client, auth, world, role, where, name, method, path,
                                 allowed):
    import io

    from tracker.appendix.models import ProvincePeriod

    province = world["province"]
    collection = ProvincePeriod(unit_id=province.id, kind=PeriodKind.YEAR, label="Năm 2024",
                                start=date(2023, 12, 15), end=date(2024, 12, 14),
                                due_on=date(2024, 12, 20))
    db.session.add(collection)
    db.session.commit()
    auth.enter(world.officer(role, where))
    url = path.format(province=province.code, collection=collection.id)
    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": session_csrf_token(client), "regime": "q1", "year": "2025",
                "label": "Quý I năm 2025", "start": "15/12/2024", "end": "14/03/2025",
                "due_on": "20/03/2025", "file": (io.BytesIO(TREE_FILE), "2026.toml")}
        response = client.post(url, data=data, content_type="multipart/form-data")
    if role == "admin":
        # an administrator reads every unit; manages a province's reports at or above it
        expected = allowed is ALL or where == "province"
    elif role == "inspector":
        expected = where == "province" and allowed is ALL
    else:
        expected = where == "province" and role in allowed
    if expected:
        assert response.status_code in (200, 302), (name, role, where, response.status_code)
    else:
        assert response.status_code == 403, (name, role, where, response.status_code)
