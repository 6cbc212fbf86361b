"""One date input everywhere: dd/mm/yyyy text with the picker's hook, never <input type=date>
(shown mm/dd/yyyy by a browser set to English); old links with ISO dates still work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import gen_officer, gen_plan, gen_unit
from tracker.extensions import db
from tracker.people.models import Role

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_uses_the_browsers_own_date_input():
    for template in TEMPLATES.rglob("*.html"):
        assert 'type="date"' not in template.read_text(encoding="utf-8"), template


@pytest.fixture
def ward():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit)
    db.session.commit()
    return {"unit": unit, "chair": chair, "plan": plan}


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


@pytest.mark.parametrize("as_of", ["2024-03-12", "12/03/2024"])
def test_as_of_is_text_in_dd_mm_yyyy_and_reads_both_forms(client, auth, ward, as_of):
    auth.login(ward["chair"])
    for path in (f"/units/{ward['unit'].code}/plans", f"/plans/{ward['plan'].id}"):
        html = client.get(f"{path}?as_of={as_of}").get_data(as_text=True)
        field = _input(html, "as_of")
        assert 'type="text"' in field and 'value="12/03/2024"' in field and "data-date" in field
        assert 'placeholder="dd/mm/yyyy"' in field


def test_task_filters_are_dd_mm_yyyy_text(client, auth, ward):
    auth.login(ward["chair"])
    html = client.get(
        f"/units/{ward['unit'].code}/tasks?from=2024-03-01&to=31/03/2024&as_of=2024-03-12"
    ).get_data(as_text=True)
    for name, value in (("from", "01/03/2024"), ("to", "31/03/2024"), ("as_of", "12/03/2024")):
        field = _input(html, name)
        assert 'type="text"' in field and f'value="{value}"' in field and "data-date" in field


def test_form_date_fields_use_the_same_input(client, auth, ward):
    auth.login(ward["chair"])
    html = client.get(f"/plans/{ward['plan'].id}/tasks/new").get_data(as_text=True)
    for name in ("deadline", "start_date"):
        field = _input(html, name)
        assert 'type="text"' in field and "data-date" in field
        assert 'placeholder="dd/mm/yyyy"' in field
    assert "vendor/vanillajs-datepicker/locale-vi.js" in html
