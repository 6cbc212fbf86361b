"""Passwords cannot be tried fast: per account and per address, growing delays then a
temporary lock, refused the same way with the right password, recorded and shown to the unit
administrator. (Before: 30 wrong passwords in 9 s, then the right one, logged in.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, gen_officer, gen_unit
from tracker.extensions import db
from tracker.people.models import Role
from tracker.people.throttle import ACCOUNT, ADDRESS, LOCK_FOR

START = datetime(2024, 3, 12, 3, 0, tzinfo=UTC)


def _try(client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _logged_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def ward():
    unit = gen_unit()
    admin = gen_officer(unit, Role.UNIT_ADMIN)
    officer = gen_officer(unit)
    db.session.commit()
    return {"unit": unit, "admin": admin, "officer": officer}


def test_thirty_wrong_then_the_right_one_is_refused_until_the_lock_ends(client, ward, clock):
    clock(START)
    for n in range(30):
        clock(START + timedelta(seconds=n * 0.3))
        assert not _logged_in(_try(client, ward["officer"].email, f"sai-{n}-mat-khau"))
    right = _try(client, ward["officer"].email, PASSWORD)
    assert not _logged_in(right)
    assert "Đăng nhập sai quá nhiều lần" in right.get_data(as_text=True)
    clock(START + timedelta(seconds=9) + LOCK_FOR + timedelta(seconds=1))
    assert _logged_in(_try(client, ward["officer"].email, PASSWORD))


def test_delays_grow_after_a_few_failures(client, ward, clock):
    email = ward["officer"].email
    for n in range(ACCOUNT.free):
        clock(START + timedelta(seconds=n))
        assert "Email hoặc mật khẩu không đúng" in _try(client, email, "sai").get_data(
            as_text=True
        )
    # Straight after the free failures: the right password waits its turn, then goes in.
    clock(START + timedelta(seconds=ACCOUNT.free - 1, milliseconds=200))
    assert not _logged_in(_try(client, email, PASSWORD))
    clock(START + timedelta(minutes=1))
    assert _logged_in(_try(client, email, PASSWORD))


def test_one_address_trying_many_accounts_is_slowed_too(client, ward, clock):
    unit = ward["unit"]
    others = [gen_officer(unit) for _ in range(3)]
    db.session.commit()
    for n in range(ADDRESS.lock):
        clock(START + timedelta(seconds=n))
        _try(client, f"nguoi{n}@x.example", "sai", address="198.51.100.9")
    clock(START + timedelta(seconds=ADDRESS.lock + 1))
    assert not _logged_in(_try(client, others[0].email, PASSWORD, address="198.51.100.9"))
    # Another address is not held back by that one.
    assert _logged_in(_try(client, others[1].email, PASSWORD, address="192.0.2.44"))


def test_the_unit_administrator_sees_the_refused_attempts(client, auth, ward, clock):
    clock(START)
    for n in range(ACCOUNT.lock + 2):
        clock(START + timedelta(seconds=n))
        _try(client, ward["officer"].email, "sai")
    clock(START + timedelta(hours=1))
    auth.login(ward["admin"])
    html = client.get(f"/units/{ward['unit'].code}/logins").get_data(as_text=True)
    assert "Bị chặn: quá nhiều lần sai" in html
