"""The reminder engine's loopback SMTP server and ward, and a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reminders.conftest import mail_to, smtp_server, ward  # noqa: F401

# Wednesday 13/03/2024, 10:00 in Vĩnh Hòa: a working day.
NOW = datetime(2024, 3, 13, 3, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """The product's clock (tracker.core.clock) stands at `NOW`; returns a setter."""
    import tracker.core.clock as clock

    moment = {"now": NOW}
    monkeypatch.setattr(clock, "utcnow", lambda: moment["now"])

    def set_now(value: datetime) -> None:
        moment["now"] = value

    return set_now
