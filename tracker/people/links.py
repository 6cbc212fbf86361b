"""Signed links sent by email: an invitation to set one's password, a password reset.

A link carries the officer's id and a fingerprint of what the link may change, signed with the
app's SECRET_KEY (itsdangerous) under a salt of its own purpose, with the moment it was made.
It is refused when its signature or purpose is wrong, when it is older than its purpose allows
(48 hours for an invitation), and once anything in the fingerprint changed: setting the
password (so a link works once), deactivation or another email address (the session counter
and the address are in it), or a newer invitation (its time is in it). Nothing is stored.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from tracker.core import clock
from tracker.core.refusals import Refusal
from tracker.people.models import Officer


class Purpose(enum.StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


LIFETIME = {Purpose.INVITATION: timedelta(hours=48), Purpose.RESET: timedelta(hours=2)}
MAX_LENGTH = 500  # a link's token is ~100 characters; anything far longer is not one


class _ClockSigner(TimestampSigner):
    """Signs and judges ages on the product's clock (core.clock), which tests move."""

    def get_timestamp(self) -> int:
        return int(clock.utcnow().timestamp())


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"tracker.{purpose.value}", signer=_ClockSigner
    )


def _fingerprint(officer: Officer, purpose: Purpose) -> str:
    invited = str(int(officer.invited_at.timestamp())) if officer.invited_at else ""
    parts = [purpose.value, str(officer.id), officer.email, officer.password_hash or ""]
    parts += [str(officer.session_version), str(officer.active)]
    if purpose is Purpose.INVITATION:
        parts.append(invited)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def make_token(officer: Officer, purpose: Purpose) -> str:
    return _serializer(purpose).dumps([officer.id, _fingerprint(officer, purpose)])


def officer_for_token(session: Session, token: str, purpose: Purpose) -> Officer:
    """The officer the link was made for, or a Refusal saying why it no longer works."""
    invalid = Refusal(_("Đường dẫn không hợp lệ. Hãy dùng đúng đường dẫn trong thư."))
    if not token or len(token) > MAX_LENGTH:
        raise invalid
    max_age = int(LIFETIME[purpose].total_seconds())
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise Refusal(_expired(purpose)) from None
    except BadData:
        raise invalid from None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and 0 < payload[0] < 2**31
    ):
        raise invalid
    officer = session.get(Officer, payload[0])
    if officer is None or not officer.active or payload[1] != _fingerprint(officer, purpose):
        raise Refusal(
            _("Đường dẫn này đã được dùng hoặc không còn hiệu lực. Hãy yêu cầu một đường dẫn mới.")
        )
    return officer


def _expired(purpose: Purpose) -> str:
    if purpose is Purpose.INVITATION:
        return _(
            "Lời mời đã hết hạn (quá 48 giờ). Hãy đề nghị người quản lý cán bộ gửi lại lời mời, "
            "hoặc dùng “Quên mật khẩu” trên trang đăng nhập."
        )
    return _("Đường dẫn đặt lại mật khẩu đã hết hạn. Hãy yêu cầu một đường dẫn mới.")
