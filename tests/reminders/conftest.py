"""A real SMTP server on loopback (aiosmtpd), a ward to remind, and helpers to run passes."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from tests.factories import gen_officer, gen_plan, gen_unit
from tracker.people.models import Role

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """aiosmtpd handler: keeps every accepted message; refuses the addresses it is told to."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # address -> SMTP reply, e.g. "550 5.1.1 no such user"
        self.lock = threading.Lock()
        # Cleared: each message waits here before it is accepted (a slow server), until set.
        self.open = threading.Event()
        self.open.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if not self.open.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self.open.wait, 30)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    collector: Collector = field(default_factory=Collector)
    controller: Controller | None = None

    def start(self) -> None:
        if self.controller is None:
            self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.collector.lock:
            return list(self.collector.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


@pytest.fixture
def smtp_server():
    server = SmtpServer(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_to(app, smtp_server, monkeypatch):
    """The app sends over SMTP to the test server."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", False)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Theo dõi CCHC <cchc@test.example>")
    monkeypatch.setitem(app.config, "TRACKER_MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "TRACKER_BASE_URL", "https://cchc.test.example")
    return smtp_server


def morning(day: date, at: time = time(7, 30)) -> datetime:
    """The pass's moment: `at` local time on `day`, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=ZONE)


@pytest.fixture
def ward():
    """A ward with a chairperson, a lead, two supporting officers and a plan."""
    unit = gen_unit(name="Phường Thử Nhắc Việc")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Trần Chủ Tịch")
    lead = gen_officer(unit, full_name="Nguyễn Chủ Trì")
    helper = gen_officer(unit, full_name="Lê Phối Hợp")
    other = gen_officer(unit, full_name="Phạm Cán Bộ")
    plan = gen_plan(unit, start_year=2024, end_year=2024)
    return {
        "unit": unit,
        "chair": chair,
        "lead": lead,
        "helper": helper,
        "other": other,
        "plan": plan,
    }
