"""API tokens: issued to an officer with a name, a scope and an expiry; revoked, never deleted.

The secret is shown once, when issued: only its SHA-256 is stored. Operations flush, never
commit; the audit trail (core.audit) records creation and revocation as the acting officer.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.core.audit import current_actor_id
from tracker.core.clock import utcnow
from tracker.core.permissions import may_revoke_token
from tracker.core.refusals import Refusal
from tracker.people.models import ApiToken, Officer, TokenScope, Unit
from tracker.people.operations import normalise_name

log = logging.getLogger("tracker.people")

DEFAULT_DAYS = 90
MAX_DAYS = 365  # a token lives at most a year: the systems that hold one renew it
NAME_LENGTH = 100  # ApiToken.name
MAX_SECRET_LENGTH = 512  # issued secrets have 43 characters; longer is not worth hashing
# The last use is written at most this often: reading the API does not write on every call.
USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


class TokenProblem(enum.StrEnum):
    UNKNOWN = "unknown"  # no such token, revoked, or its officer deactivated
    EXPIRED = "expired"


@dataclass(frozen=True)
class TokenCheck:
    token: ApiToken | None
    problem: TokenProblem | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    session: Session,
    officer: Officer,
    *,
    name: str,
    days: int | None = DEFAULT_DAYS,
    scope: TokenScope | str = TokenScope.READ,
) -> IssuedToken:
    """A new token for `officer`, valid `days` days from now (1 to MAX_DAYS)."""
    errors = {}
    if scope not in {s.value for s in TokenScope}:
        errors["scope"] = _("Chọn quyền của mã: chỉ đọc, hoặc đọc và ghi.")
    name = normalise_name(name or "")
    if not name:
        errors["name"] = _("Đặt tên cho mã để nhận ra nó sau này (ví dụ: Hệ thống văn bản).")
    elif len(name) > NAME_LENGTH:
        errors["name"] = _("Tên mã tối đa %(n)s ký tự.", n=NAME_LENGTH)
    if days is None or not (1 <= days <= MAX_DAYS):
        errors["days"] = _("Thời hạn của mã từ 1 đến %(n)s ngày.", n=MAX_DAYS)
    if errors:
        raise Refusal(errors)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        officer=officer,
        token_hash=_digest(secret),
        name=name,
        scope=TokenScope(scope),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    log.info(
        "officer %s created API token %s (%s) for officer %s, unit %s",
        current_actor_id(),
        token.id,
        token.scope.value,
        officer.id,
        officer.unit_id,
    )
    return IssuedToken(token, secret)


def revoke_token(session: Session, token: ApiToken, actor: Officer | None) -> None:
    """Revoke a token (its officer, or a token administrator of the unit); kept, not deleted.
    `actor` None: the command line, which may revoke any token."""
    owner = token.officer  # loaded before the flush: the audit row names its unit
    if actor is not None and not may_revoke_token(actor, owner.id, owner.unit):
        raise Refusal(_("Bạn không có quyền thu hồi mã này."))
    if token.revoked_at is not None:
        raise Refusal(_("Mã này đã bị thu hồi trước đó."))
    token.revoked_at = utcnow()
    session.flush()
    log.info(
        "officer %s revoked API token %s of officer %s, unit %s",
        current_actor_id(),
        token.id,
        owner.id,
        owner.unit_id,
    )


def check_token(session: Session, secret: str) -> TokenCheck:
    """The token a bearer secret names, if it may be used now; else why not."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return TokenCheck(None, TokenProblem.UNKNOWN)
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _digest(secret))
        .options(joinedload(ApiToken.officer))
    )
    if token is None or token.revoked_at is not None or not token.officer.active:
        return TokenCheck(None, TokenProblem.UNKNOWN)
    if token.expires_at <= utcnow():
        return TokenCheck(token, TokenProblem.EXPIRED)
    return TokenCheck(token)


def note_use(token: ApiToken, now: datetime | None = None) -> bool:
    """Record the token's last use (to the minute); whether anything changed."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RESOLUTION:
        return False
    token.last_used_at = now
    return True


def is_expired(token: ApiToken, now: datetime | None = None) -> bool:
    return token.expires_at <= (now or utcnow())


def officer_tokens(session: Session, officer_id: int) -> list[ApiToken]:
    """An officer's tokens, newest first (revoked and expired ones too: what happened shows)."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.officer_id == officer_id).order_by(ApiToken.id.desc())
        )
    )


def _unit_and_below(session: Session, unit_id: int) -> list[int]:
    """The unit and every unit under it (a ward under its city), one query per level."""
    found, level = [unit_id], [unit_id]
    while level:
        level = list(session.scalars(select(Unit.id).where(Unit.parent_id.in_(level))))
        level = [i for i in level if i not in found]  # a cycle typed by hand ends here
        found.extend(level)
    return found


def unit_tokens(session: Session, unit_id: int) -> list[ApiToken]:
    """Every token of the officers of the unit and of the units under it (the administrator
    of a city sees its wards'), newest first, with their officers."""
    return list(
        session.scalars(
            select(ApiToken)
            .join(Officer, Officer.id == ApiToken.officer_id)
            .where(Officer.unit_id.in_(_unit_and_below(session, unit_id)))
            .options(joinedload(ApiToken.officer).joinedload(Officer.unit))
            .order_by(ApiToken.id.desc())
        )
    )


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.scalar(
        select(ApiToken).where(ApiToken.id == token_id).options(joinedload(ApiToken.officer))
    )
