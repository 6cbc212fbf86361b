"""The reminder engine's loopback SMTP server and ward, and a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reminders.conftest import mail_to, smtp_server, ward  # noqa: F401

# Wednesday 13/03/2024, 10:00 in Vĩnh Hòa: a working day.
NOW = datetime(2024, 3, 13, 3, 0, tzinfo=UTC)


@pytest.fixture
def frozen(clock):
    """The product's clock stands at `NOW`; returns the setter."""
    clock(NOW)
    return clock
