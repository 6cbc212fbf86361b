"""Passwords: what may be one (NIST SP 800-63B), and hashing with argon2 (argon2-cffi).

NIST's rule: at least 8 characters, no composition rules (no "one digit, one capital"), and
none of the passwords attackers try first: here the 30,000 most common ones of zxcvbn's
maintained list (breach corpora), a few Vietnamese favourites, and the officer's own email or
name.
"""

from __future__ import annotations

import contextlib
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

from tracker.core.text import fold

_DEFAULT = PasswordHasher()
# Tests hash hundreds of passwords; this cheap profile keeps them fast. Never used in production.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

MIN_LENGTH = 8
MAX_LENGTH = 256  # a passphrase fits; a megabyte "password" does not reach argon2

# Seen first in Vietnamese password lists; zxcvbn's list is English-speaking.
_VIETNAMESE_COMMON = (
    "matkhau", "matkhau1", "matkhau123", "matkhau@123", "anhyeuem", "emyeuanh", "yeuem123",
    "vietnam", "vietnam1", "vietnam123", "hanoi123", "saigon123", "123456aa", "123456a@",
    "abc@1234", "admin123", "admin@123", "12345678a", "1234567890a", "qwerty123",
)


@functools.cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_VIETNAMESE_COMMON)


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Why `password` may not be one, in Vietnamese; None when it may."""
    if len(password) < MIN_LENGTH:
        return _("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Mật khẩu dài quá %(n)s ký tự.", n=MAX_LENGTH)
    plain = fold(password).replace(" ", "")
    if password.lower() in _common() or plain in _common():
        return _(
            "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, hay bị dò ra; hãy chọn mật "
            "khẩu khác (một cụm vài từ dễ nhớ là tốt)."
        )
    own = {fold(email), fold(email.split("@")[0]), fold(full_name).replace(" ", "")}
    if plain and plain in own - {""}:
        return _("Mật khẩu không được là email hay họ tên của bạn.")
    return None


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("TESTING"):
        return _CHEAP
    return _DEFAULT


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@functools.cache
def _dummy_hash(cheap: bool) -> str:
    return (_CHEAP if cheap else _DEFAULT).hash("not anybody's password")


def verify_nobody(password: str) -> None:
    """Spend what a real check costs, for an unknown email: the answer's timing must not tell
    which addresses have an account."""
    hasher = _hasher()
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(_dummy_hash(hasher is _CHEAP), password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
