"""The real SMTP server on loopback (aiosmtpd) of the reminders' tests, and officer helpers."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from tests.factories import gen_officer, gen_unit
from tests.reminders.conftest import mail_to, smtp_server  # noqa: F401
from tracker.extensions import db
from tracker.people.models import Role

LINK = re.compile(r"https://cchc\.test\.example(/\S+)")


def wait_for_mail(server, address: str, count: int = 1, timeout: float = 5.0) -> list:
    """The messages to `address`, once `count` arrived (a reset is sent by a thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = server.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.02)
    return server.to(address)


def link_path(message) -> str:
    """The path of the link in a message's plain text."""
    text = message.get_body(("plain",)).get_content()
    match = LINK.search(text)
    assert match, text
    return match.group(1)


def gen_invited(unit, **fields):
    """An officer added in the browser: no password until they follow their invitation."""
    officer = gen_officer(unit, **fields)
    officer.password_hash = ""
    db.session.flush()
    return officer


@pytest.fixture
def ward(clock):
    clock(date(2024, 3, 12))
    unit = gen_unit(code="phuong-moi", name="Phường Mới")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Trần Chủ Tịch")
    db.session.commit()
    return unit, chair
