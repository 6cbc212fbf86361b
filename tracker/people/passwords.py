"""Password hashing with argon2 (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

_DEFAULT = PasswordHasher()
# Tests hash hundreds of passwords; this cheap profile keeps them fast. Never used in production.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

MIN_LENGTH = 8


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("TESTING"):
        return _CHEAP
    return _DEFAULT


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
