"""The emails that carry a link: an invitation to set one's password, a password reset.

They go out over the reminders' mail path (core.mail: the same settings, message builder and
SMTP transport), once the request's changes are committed, and are not stored: the link in
them is a key to the account, and the stored reminder emails are readable in the outbox.
With the development outbox (TRACKER_MAIL_TRANSPORT=outbox) nothing leaves the machine: the
link is written to the log instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import escape

from tracker.core.mail import (
    OUTBOX,
    MailSettings,
    PermanentFailure,
    TemporaryFailure,
    build_message,
    transport_for,
)
from tracker.people.links import LIFETIME, Purpose, make_token
from tracker.people.models import Officer

log = logging.getLogger("tracker.people")


@dataclass(frozen=True)
class Letter:
    officer_id: int
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str
    link: str


def _link(endpoint: str, token: str) -> str:
    base = str(current_app.config.get("TRACKER_BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint, token=token)


def _html(paragraphs: Sequence[str], link: str, button: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="vi"><body style="font-family: sans-serif">'
        f'{body}<p><a href="{escape(link)}">{escape(button)}</a></p>'
        f"<p style=\"color:#666\">{escape(link)}</p></body></html>"
    )


def invitation_letter(officer: Officer, inviter: str | None) -> Letter:
    link = _link("auth.invitation", make_token(officer, Purpose.INVITATION))
    hours = int(LIFETIME[Purpose.INVITATION].total_seconds() // 3600)
    lines = [
        _("Kính gửi %(name)s,", name=officer.full_name),
        _(
            "%(who)s đã tạo tài khoản cho bạn trên hệ thống theo dõi cải cách hành chính của "
            "%(unit)s. Tên đăng nhập là địa chỉ email này: %(email)s.",
            who=inviter or _("Người quản lý cán bộ"),
            unit=officer.unit.name,
            email=officer.email,
        ),
        _(
            "Mở đường dẫn dưới đây để đặt mật khẩu. Đường dẫn dùng được một lần, trong "
            "%(hours)s giờ.",
            hours=hours,
        ),
    ]
    button = _("Đặt mật khẩu")
    return Letter(
        officer.id,
        officer.full_name,
        officer.email,
        _("Mời tham gia hệ thống theo dõi CCHC – %(unit)s", unit=officer.unit.name),
        "\n\n".join([*lines, link]) + "\n",
        _html(lines, link, button),
        link,
    )


def reset_letter(officer: Officer) -> Letter:
    link = _link("auth.reset_password", make_token(officer, Purpose.RESET))
    hours = int(LIFETIME[Purpose.RESET].total_seconds() // 3600)
    lines = [
        _("Kính gửi %(name)s,", name=officer.full_name),
        _("Có yêu cầu đặt lại mật khẩu cho tài khoản %(email)s.", email=officer.email),
        _(
            "Mở đường dẫn dưới đây để đặt mật khẩu mới. Đường dẫn dùng được một lần, trong "
            "%(hours)s giờ. Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu vẫn như cũ.",
            hours=hours,
        ),
    ]
    return Letter(
        officer.id,
        officer.full_name,
        officer.email,
        _("Đặt lại mật khẩu – hệ thống theo dõi CCHC"),
        "\n\n".join([*lines, link]) + "\n",
        _html(lines, link, _("Đặt mật khẩu mới")),
        link,
    )


def stand_in(email: str) -> Officer:
    """An officer who does not exist (never added to the session): the reset page writes
    their letter too, and sends nothing, so that an unknown address costs the same time."""
    return Officer(id=0, email=email, full_name="", password_hash="", session_version=1)


def send_letters(letters: Sequence[Letter], settings: MailSettings) -> list[Letter]:
    """Send each letter over one connection; the letters not sent (logged), none if all went."""
    failed: list[Letter] = []
    if not letters:
        return failed
    with transport_for(settings) as channel:
        for position, letter in enumerate(letters):
            try:
                channel.send(
                    build_message(
                        settings,
                        to_name=letter.to_name,
                        to_address=letter.to_address,
                        subject=letter.subject,
                        text=letter.text,
                        html=letter.html,
                    )
                )
            except PermanentFailure as exc:
                log.warning("link email to officer %s refused: %s", letter.officer_id, exc)
                failed.append(letter)
                continue
            except TemporaryFailure as exc:
                log.warning("link email to officer %s not sent: %s", letter.officer_id, exc)
                failed.append(letter)
                if exc.connection_lost:
                    failed.extend(letters[position + 1 :])
                    break
                continue
            if channel.name == OUTBOX:
                log.info("outbox: link for officer %s: %s", letter.officer_id, letter.link)
            else:
                log.info("link email sent to officer %s", letter.officer_id)
    return failed


def send_now(letters: Sequence[Letter]) -> list[Letter]:
    """Send with the app's mail settings; the letters not sent."""
    return send_letters(letters, MailSettings.from_config(current_app.config))


def send_in_background(letters: Sequence[Letter]) -> threading.Thread:
    """Send after the answer went out, so that a page answers in the same time whether it
    had a letter to send or not (the password reset's "if the address exists")."""
    app = current_app._get_current_object()
    settings = MailSettings.from_config(app.config)

    def send() -> None:
        with app.app_context():  # the product's clock dates the message
            send_letters(list(letters), settings)

    thread = threading.Thread(target=send, name="link-mail", daemon=True)
    thread.start()
    return thread
