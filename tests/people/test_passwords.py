"""Passwords as NIST SP 800-63B asks: long enough, no composition rules, none of the common or
breached ones, not one's own email or name; and a login that does not tell which emails exist."""

from __future__ import annotations

import pytest

from tests.factories import gen_officer, gen_unit
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people import passwords
from tracker.people.operations import authenticate, create_officer, set_password
from tracker.people.passwords import password_problem


@pytest.mark.parametrize(
    "password",
    ["12345678", "password", "Password", "qwertyuiop", "iloveyou", "matkhau123", "MatKhau@123"],
)
def test_common_and_breached_passwords_are_refused(app, password):
    assert "phổ biến" in password_problem(password)


@pytest.mark.parametrize(
    "password",
    [
        "sông hương núi ngự",  # a passphrase with spaces and diacritics
        "tràm chim 1982",
        "xe đạp màu xanh lá",
        "ngựa-ô-chạy-nhanh",
        "z" * 256,
    ],
)
def test_no_composition_rules(app, password):
    assert password_problem(password) is None


def test_too_short_or_absurdly_long(app):
    assert "ít nhất 8" in password_problem("ab1!Xy7")
    assert "256" in password_problem("x" * 257)


def test_not_ones_own_email_or_name(app):
    email, name = "tran.thi.binh@vinhhoa.example", "Trần Thị Bình"
    own = ("tran.thi.binh@vinhhoa.example", "Tran.Thi.Binh", "tranthibinh", "Trần Thị Bình")
    for password in own:
        assert "email hay họ tên" in password_problem(password, email=email, full_name=name)


def test_every_way_to_a_password_applies_the_rule(app):
    unit = gen_unit()
    with pytest.raises(Refusal, match="phổ biến"):
        create_officer(
            db.session, unit=unit, email="a@x.example", full_name="Nguyễn An", roles=["officer"],
            password="password",
        )
    officer = gen_officer(unit, full_name="Lê Văn Cường")
    with pytest.raises(Refusal, match="email hay họ tên"):
        set_password(officer, "levancuong")
    set_password(officer, "hoa sen trong đầm")


class _Counting:
    """The hasher, counting its checks."""

    def __init__(self, hasher):
        self.hasher, self.checks = hasher, 0

    def verify(self, *args):
        self.checks += 1
        return self.hasher.verify(*args)

    def hash(self, *args):
        return self.hasher.hash(*args)

    def check_needs_rehash(self, *args):
        return self.hasher.check_needs_rehash(*args)


def test_an_unknown_email_costs_what_a_known_one_does(app, monkeypatch):
    """Both answers run one argon2 check: about the same time, so the time says nothing of
    which addresses have an account (measured: 6 ms against 180 ms before)."""
    unit = gen_unit()
    officer = gen_officer(unit)
    counting = _Counting(passwords._CHEAP)
    monkeypatch.setattr(passwords, "_hasher", lambda: counting)
    monkeypatch.setattr(passwords, "_CHEAP", counting)
    assert authenticate(db.session, officer.email, "sai mật khẩu rồi") is None
    known = counting.checks
    assert authenticate(db.session, "khong-co@x.example", "sai mật khẩu rồi") is None
    assert counting.checks - known == known == 1
