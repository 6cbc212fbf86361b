"""Reminders sent by hand (the prompting part builds on this): recorded like the others, carried
by an email of their own that goes out now, apart from the daily email."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import gen_task
from tests.reminders.conftest import morning
from tracker.extensions import db
from tracker.reminders.delivery import queue_manual
from tracker.reminders.jobs import deliver, run_pass
from tracker.reminders.models import (
    EmailState,
    ItemEmailState,
    RecipientRole,
    ReminderEmail,
    ReminderItem,
    ReminderKind,
)

DAY = date(2024, 3, 12)


def test_a_prompt_goes_out_now_in_its_own_email(app, mail_to, ward):
    task = gen_task(ward["plan"], ward["lead"], deadline=DAY, supporters=[ward["helper"]])
    ward["helper"].email_reminders = False
    db.session.commit()
    mail_to.stop()
    run_pass(DAY, now=morning(DAY))  # the daily email is queued (the server is down)
    mail_to.start()

    emails = queue_manual(
        db.session,
        kind=ReminderKind.PROMPT,
        subject="prompt:1",
        task=task,
        recipients=[(ward["lead"], RecipientRole.LEAD), (ward["helper"], RecipientRole.SUPPORTER)],
        sender=ward["chair"],
        message="Đôn đốc từ Trần Chủ Tịch: …",
        note="Đề nghị hoàn thành trong hôm nay.",
        day=DAY,
        now=morning(DAY),
    )
    db.session.commit()
    assert len(emails) == 1  # the supporting officer turned email off

    report = deliver(today=DAY, now=morning(DAY), ids=emails)
    assert report.sent == emails
    [message] = mail_to.to(ward["lead"].email)
    assert "đôn đốc của lãnh đạo" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "ĐÔN ĐỐC CỦA LÃNH ĐẠO (1)" in text
    assert "Trần Chủ Tịch: Đề nghị hoàn thành trong hôm nay." in text
    assert "ĐẾN HẠN HÔM NAY" not in text  # the daily reminders wait for their own email

    items = db.session.scalars(select(ReminderItem).where(ReminderItem.subject == "prompt:1"))
    states = {i.recipient_id: i.email_state for i in items}
    assert states == {
        ward["lead"].id: ItemEmailState.ATTACHED,
        ward["helper"].id: ItemEmailState.OFF,
    }

    # The daily email still goes out on its own, without the prompt.
    deliver(today=DAY, now=morning(DAY).replace(hour=9))
    daily = [m for m in mail_to.to(ward["lead"].email) if m is not message]
    assert len(daily) == 1
    assert "ĐÔN ĐỐC" not in daily[0].get_body(("plain",)).get_content()
    assert {e.batch for e in db.session.scalars(select(ReminderEmail))} >= {"daily", "prompt:1"}
    assert all(e.state is EmailState.SENT for e in db.session.scalars(select(ReminderEmail)))
