"""The reminder engine's loopback SMTP server and ward (for the meeting reminder)."""

from tests.reminders.conftest import mail_to, smtp_server, ward  # noqa: F401
