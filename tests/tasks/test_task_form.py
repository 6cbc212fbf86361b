"""The task form: only the chosen deadline kind's fields show (by CSS, no script needed), and a
deadline problem is said once, on the field of that kind; the supporters list is searchable."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import gen_group, gen_officer, gen_plan, gen_unit
from tracker.extensions import db
from tracker.people.models import Role


@pytest.fixture
def ward():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    lead = gen_officer(unit)
    helper = gen_officer(unit, full_name="Võ Thị Phối Hợp Có Một Cái Tên Rất Dài")
    plan = gen_plan(unit)
    group = gen_group(plan)
    db.session.commit()
    return {"chair": chair, "lead": lead, "helper": helper, "plan": plan, "group": group}


def _post(client, ward, **changes):
    path = f"/plans/{ward['plan'].id}/tasks/new"
    data = {
        "csrf_token": csrf_token(client, path),
        "title": "Rà soát thủ tục hành chính",
        "deliverable": "Báo cáo rà soát",
        "group_id": str(ward["group"].id),
        "lead_officer_id": str(ward["lead"].id),
        "confirmer_id": str(ward["chair"].id),
        "deadline_kind": "date",
        "deadline": "",
        "cadence_unit": "month",
        "cadence_mode": "fixed",
    }
    data.update(changes)
    return client.post(path, data=data)


def _errors_of(html: str, field_id: str) -> list[str]:
    """The messages shown in the block of the field `field_id`."""
    block = re.search(
        rf'<div class="mb-3">\s*<label[^>]*for="{field_id}".*?</div>\s*(?=<div class="col|</div>)',
        html,
        re.S,
    )
    assert block, field_id
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', block.group(0))


def test_each_deadline_field_belongs_to_its_kind(client, auth, ward):
    auth.login(ward["chair"])
    html = client.get(f"/plans/{ward['plan'].id}/tasks/new").get_data(as_text=True)
    fieldset = html[html.index('data-testid="deadline-kinds"'):]
    for kind, field_id in (
        ("date", "deadline"),
        ("working_days", "deadline_working_days"),
        ("recurring", "cadence_every"),
    ):
        pattern = rf'data-kind-for="{kind}">\s*<div class="mb-3">\s*<label[^>]*for="{field_id}"'
        assert re.search(pattern, fieldset), kind


@pytest.mark.parametrize(
    ("kind", "field_id"),
    [
        ("date", "deadline"),
        ("working_days", "deadline_working_days"),
        ("recurring", "cadence_every"),
    ],
)
def test_a_missing_deadline_is_said_once_on_the_field_of_its_kind(
    client, auth, ward, kind, field_id
):
    auth.login(ward["chair"])
    changes = {"deadline_kind": kind}
    if kind == "working_days":
        changes["start_date"] = "01/03/2024"
    html = _post(client, ward, **changes).get_data(as_text=True)
    if kind == "recurring":
        assert "Chu kỳ phải từ 1 đến 24" in html or "Chưa rõ thời hạn" in html
    else:
        assert html.count("Chưa rõ thời hạn") == 1
    assert len(_errors_of(html, field_id)) == 1
    if field_id != "deadline":
        assert _errors_of(html, "deadline") == []


def test_a_deadline_before_the_start_is_said_once(client, auth, ward):
    auth.login(ward["chair"])
    response = _post(client, ward, deadline="01/03/2024", start_date="05/03/2024")
    html = response.get_data(as_text=True)
    assert html.count("Thời hạn 01/03/2024 trước ngày bắt đầu 05/03/2024.") == 1


def test_supporters_are_a_searchable_select_that_works_as_a_plain_one(client, auth, ward):
    auth.login(ward["chair"])
    html = client.get(f"/plans/{ward['plan'].id}/tasks/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="supporter_ids"[^>]*>', html).group(0)
    assert "multiple" in select and "data-searchable" in select
    assert "Võ Thị Phối Hợp Có Một Cái Tên Rất Dài" in html
    assert "vendor/tom-select/tom-select.complete.min.js" in html
