"""A reminder email keeps one Message-ID: resent after a crash (the server had accepted it, the
sender died before marking it sent) it is the same message to whoever drops duplicates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import gen_task
from tests.reminders.conftest import morning
from tracker.core.mail import MailSettings, build_message, stable_message_id
from tracker.extensions import db
from tracker.people.models import Officer
from tracker.reminders import jobs
from tracker.reminders.delivery import LEASE
from tracker.reminders.jobs import deliver, run_pass
from tracker.reminders.models import EmailState, ReminderEmail

DAY = date(2024, 3, 12)
NOW = morning(DAY)


class Killed(BaseException):
    """The process dies (SIGKILL, power) between the server's 250 and the commit."""


def test_an_email_resent_after_a_crash_keeps_its_message_id(app, mail_to, ward, monkeypatch):
    gen_task(ward["plan"], ward["lead"], deadline=DAY, title="Việc đến hạn")
    db.session.commit()
    run_pass(DAY, now=NOW, send=False)

    def die(*args, **kwargs):
        raise Killed

    mark_sent = jobs.mark_sent
    monkeypatch.setattr(jobs, "mark_sent", die)
    with pytest.raises(Killed):
        deliver(today=DAY, now=NOW)
    db.session.rollback()
    first = mail_to.messages
    assert len(first) == 1  # accepted by the server, not marked sent
    address = first[0]["To"].addresses[0].addr_spec
    crashed = db.session.scalars(
        select(ReminderEmail)
        .join(Officer, Officer.id == ReminderEmail.recipient_id)
        .where(Officer.email == address)
    ).one()
    assert crashed.state is EmailState.SENDING  # with the rest of its batch, never tried
    monkeypatch.setattr(jobs, "mark_sent", mark_sent)

    # Within the lease nobody takes its batch again; after it, the retry sends it again.
    assert deliver(today=DAY, now=NOW + LEASE - timedelta(seconds=1)).sent == []
    again = deliver(today=DAY, now=NOW + LEASE + timedelta(seconds=1))
    assert crashed.id in again.sent
    received = mail_to.to(address)
    assert len(received) == 2
    db.session.refresh(crashed)
    email = crashed
    assert email.state is EmailState.SENT
    assert received[0]["Message-ID"] == received[1]["Message-ID"] == email.message_id
    assert email.message_id.endswith("@test.example>")  # the sender's domain


def test_message_ids_differ_between_deliveries_and_take_the_configured_domain():
    settings = MailSettings(sender="cchc@phuong.example", message_id_domain="cchc.phuong.example")
    one = stable_message_id("reminder-email:1:5:2024-03-12:daily", settings.id_domain)
    two = stable_message_id("reminder-email:2:6:2024-03-12:daily", settings.id_domain)
    assert one != two and one.endswith("@cchc.phuong.example>") and one.startswith("<")
    message = build_message(
        settings,
        to_name="A",
        to_address="a@phuong.example",
        subject="s",
        text="t",
        html="h",
        key="reminder-email:1:5:2024-03-12:daily",
    )
    assert message.message_id == one
    assert f"Message-ID: {one}\r\n".encode() in message.data
    # Without a key (a message that is no delivery): a fresh one each time.
    loose = [
        build_message(settings, to_name="A", to_address="a@x.example", subject="", text="", html="")
        for _ in range(2)
    ]
    assert loose[0].message_id != loose[1].message_id


def test_a_batch_that_outlasts_its_send_window_goes_back_to_the_queue(
    app, mail_to, ward, monkeypatch
):
    """The lease holds only while messages may still be on their way: past the send window, the
    rest of a batch is released and claimed again, never sent on an expired claim."""
    from tracker.reminders import delivery

    for n in range(3):
        gen_task(ward["plan"], ward["lead"], deadline=DAY, title=f"Việc {n}")
    gen_task(ward["plan"], ward["helper"], deadline=DAY, title="Việc khác")
    db.session.commit()
    run_pass(DAY, now=NOW, send=False)
    queued = list(db.session.scalars(select(ReminderEmail.id)))
    assert len(queued) >= 2
    claims = []
    original = jobs.claim
    monkeypatch.setattr(jobs, "claim", lambda *a, **k: claims.append(1) or original(*a, **k))
    monkeypatch.setattr(delivery, "SEND_WINDOW", timedelta(0))

    report = deliver(today=DAY, now=NOW)

    assert sorted(report.sent) == sorted(queued)
    assert len(mail_to.messages) == len(queued)  # each once
    assert len(claims) == len(queued) + 1  # one message a claim, then nothing left
