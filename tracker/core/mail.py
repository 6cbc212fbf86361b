"""Sending email: SMTP over one reused connection, or the development outbox.

Settings are Flask's usual names (`MAIL_SERVER`, `MAIL_PORT`, `MAIL_USE_TLS`, `MAIL_USE_SSL`,
`MAIL_USERNAME`, `MAIL_PASSWORD`, `MAIL_DEFAULT_SENDER`). A refusal is sorted into one of two
kinds: `PermanentFailure` (the server refused this message or this address for good: a 5xx to
RCPT or DATA, an address it cannot carry) fails that email alone; `TemporaryFailure` (a 4xx, the
server unreachable or gone) leaves it queued for a retry, and says whether the connection is
lost, in which case the rest of the batch waits for the next attempt too.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from tracker.core.clock import utcnow

OUTBOX = "outbox"
SMTP = "smtp"


class TemporaryFailure(Exception):
    """Not sent; try again later."""

    def __init__(self, reason: str, *, connection_lost: bool):
        super().__init__(reason)
        self.connection_lost = connection_lost


class PermanentFailure(Exception):
    """Refused for good: retrying would be refused again."""


@dataclass(frozen=True)
class MailSettings:
    server: str = "127.0.0.1"
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "tracker@localhost"
    timeout: float = 30.0
    # Servers often cap the messages of one session; a fresh connection after this many
    # (0: keep one connection for the whole delivery).
    max_per_connection: int = 100
    transport: str = SMTP
    # The right-hand side of stable Message-IDs ("" = the sender's domain).
    message_id_domain: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        """From the app's configuration (config.py reads the environment, with the defaults)."""
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            username=config["MAIL_USERNAME"] or None,
            password=config["MAIL_PASSWORD"] or None,
            sender=config["MAIL_DEFAULT_SENDER"],
            timeout=float(config["MAIL_TIMEOUT"]),
            max_per_connection=int(config["MAIL_MAX_PER_CONNECTION"]),
            transport=str(config["TRACKER_MAIL_TRANSPORT"]).strip().lower(),
            message_id_domain=str(config.get("TRACKER_MESSAGE_ID_DOMAIN") or "").strip(),
        )

    @property
    def envelope_sender(self) -> str:
        return parseaddr(self.sender)[1] or self.sender

    @property
    def id_domain(self) -> str:
        return self.message_id_domain or self.envelope_sender.rpartition("@")[2] or "localhost"


def stable_message_id(key: str, domain: str) -> str:
    """The Message-ID of the email whose delivery key is `key`: the same on every send, so a
    message resent after a crash (accepted by the server, not yet marked sent) is the same
    message to every client and server that drops duplicates. make_msgid's shape, with a hash
    of the key (which says nothing of who or what) in place of time and randomness."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}.tracker@{domain}>"


@dataclass(frozen=True)
class Outbound:
    """A message ready for the wire."""

    message_id: str
    to_address: str
    data: bytes


def _one_line(value: str) -> str:
    # No header injection: a name or subject never carries a line break.
    return " ".join((value or "").split())


def _address(name: str, address: str) -> str:
    return formataddr((_one_line(name), address), charset="utf-8")


def _part(content_type: str, body: str) -> bytes:
    encoded = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode("ascii") + encoded


def build_message(
    settings: MailSettings,
    *,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str,
    headers: Mapping[str, str] | None = None,
    key: str | None = None,
) -> Outbound:
    """A multipart/alternative message (plain text, then HTML), UTF-8, base64 bodies.

    Written out directly (the headers encoded by the email package): a fixed shape, and an
    order of magnitude faster than building a message object, which matters at hundreds of
    messages a second. `key`: the delivery's key, for a stable Message-ID (else a new one)."""
    address = (to_address or "").strip()
    local, _, domain = address.rpartition("@")
    if (
        not local
        or not domain
        or any(c in address for c in ' \t\r\n<>,;"()')
        or not address.isascii()  # would need SMTPUTF8, which servers rarely offer
    ):
        raise PermanentFailure(f"invalid address {to_address!r}")
    sender_name, sender_address = parseaddr(settings.sender)
    if key is not None:
        message_id = stable_message_id(key, settings.id_domain)
    else:
        message_id = make_msgid(domain=settings.id_domain)
    boundary = f"=_tracker_{secrets.token_hex(12)}"
    lines = [
        f"From: {_address(sender_name, sender_address or settings.sender)}",
        f"To: {_address(to_name, address)}",
        f"Subject: {Header(_one_line(subject), 'utf-8', maxlinelen=76).encode()}",
        f"Date: {format_datetime(utcnow())}",
        f"Message-ID: {message_id}",
        # RFC 3834: an automatic message; vacation responders should not answer it.
        "Auto-Submitted: auto-generated",
        *(f"{name}: {_one_line(value)}" for name, value in (headers or {}).items()),
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    # Long encoded headers fold onto continuation lines: CRLF on the wire, like every line.
    head = "\r\n".join(lines).replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")
    separator = f"\r\n--{boundary}\r\n".encode("ascii")
    data = b"".join(
        (
            head,
            b"\r\n",
            separator,
            _part("text/plain", text),
            separator,
            _part("text/html", html),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        )
    )
    return Outbound(message_id, address, data)


class OutboxTransport:
    """Development only: accepts every message without sending it; the stored email rows are
    the outbox (`/reminders/outbox`)."""

    name = OUTBOX

    def __enter__(self) -> OutboxTransport:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def send(self, message: Outbound) -> None:
        pass

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection, opened on the first message and kept for the next ones."""

    name = SMTP

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_connection = 0

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.use_ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.server, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.use_tls and not s.use_ssl:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.username:
                    smtp.login(s.username, s.password or "")
            except BaseException:
                smtp.close()
                raise
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(
                f"cannot connect to {s.server}:{s.port}: {_describe(exc)}", connection_lost=True
            ) from None
        self._sent_on_connection = 0
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def send(self, message: Outbound) -> None:
        """Send one message to one address; returns only once the server accepted it."""
        to_address = message.to_address
        limit = self.settings.max_per_connection
        if self._smtp is not None and limit and self._sent_on_connection >= limit:
            self.close()
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        try:
            refused = smtp.sendmail(self.settings.envelope_sender, [to_address], message.data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()), (550, b""))
            text = f"{to_address} refused: {code} {_text(reason)}"
            if code >= 500:
                raise PermanentFailure(text) from None
            raise TemporaryFailure(text, connection_lost=False) from None
        except smtplib.SMTPSenderRefused as exc:
            # The sender is the same for every message: retry the whole batch later.
            self.close()
            raise TemporaryFailure(
                f"sender refused: {exc.smtp_code} {_text(exc.smtp_error)}", connection_lost=True
            ) from None
        except smtplib.SMTPDataError as exc:
            text = f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}"
            if exc.smtp_code >= 500:
                raise PermanentFailure(text) from None
            raise TemporaryFailure(text, connection_lost=False) from None
        except (smtplib.SMTPNotSupportedError, UnicodeError) as exc:
            # An address the server cannot carry (non-ASCII without SMTPUTF8).
            self._reset()
            raise PermanentFailure(f"cannot send to {to_address!r}: {_describe(exc)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TemporaryFailure(_describe(exc), connection_lost=True) from None
        if refused:
            raise PermanentFailure(f"{to_address} refused: {refused}")
        self._sent_on_connection += 1

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


def transport_for(settings: MailSettings) -> SmtpTransport | OutboxTransport:
    if settings.transport == OUTBOX:
        return OutboxTransport()
    return SmtpTransport(settings)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]
