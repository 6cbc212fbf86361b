"""The demo ward (the appendix tests' fixture), and a ward with its leaders for the pages."""

from __future__ import annotations

import pytest

from tests.appendix.conftest import demo  # noqa: F401
from tests.factories import gen_officer, gen_unit
from tracker.extensions import db
from tracker.people.models import Role


@pytest.fixture
def ward(app):
    unit = gen_unit(code="phuong-a", name="Phường A")
    focal = gen_officer(unit, Role.FOCAL_OFFICER, full_name="Đầu Mối CCHC")
    officer = gen_officer(unit, Role.OFFICER, full_name="Cán Bộ Tư Pháp")
    db.session.commit()
    return unit, focal, officer
