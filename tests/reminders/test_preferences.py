"""Cài đặt thông báo: an officer's hour and optional reminders, honoured by the engine against a
real SMTP server; the day's reminders as one notice; the badge counts only what needs action."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_task
from tests.reminders.conftest import morning
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.reminders.jobs import deliver, run_pass
from tracker.reminders.models import (
    RecipientRole,
    ReminderItem,
    ReminderKind,
    ReminderPreference,
    ReminderSettings,
)
from tracker.reminders.preferences import save_preferences, wanted
from tracker.tasks.models import Notification

DAY = date(2024, 3, 12)  # a Tuesday
NOW = morning(DAY)


def _kinds(officer) -> set[ReminderKind]:
    return set(
        db.session.scalars(
            select(ReminderItem.kind).where(ReminderItem.recipient_id == officer.id)
        )
    )


def test_an_overdue_reminder_cannot_be_turned_off():
    everything = frozenset({"before", "due", "copy", "meeting", "digest", "escalation"})
    assert wanted(ReminderKind.OVERDUE, RecipientRole.LEAD, everything, frozenset())
    assert wanted(ReminderKind.OVERDUE, RecipientRole.SUPPORTER, everything, frozenset())
    assert not wanted(ReminderKind.BEFORE, RecipientRole.LEAD, everything, frozenset())
    assert wanted(ReminderKind.BEFORE, RecipientRole.LEAD, everything, frozenset({"before"}))
    assert not wanted(ReminderKind.DUE, RecipientRole.SUPPORTER, frozenset({"copy"}), frozenset())


def test_an_officer_who_turned_off_a_reminder_gets_none_of_it(app, mail_to, ward):
    lead = ward["lead"]
    save_preferences(db.session, lead, email_hour=None, muted={"before"}, required=frozenset())
    gen_task(ward["plan"], lead, deadline=date(2024, 3, 15), title="Việc sắp đến")
    gen_task(ward["plan"], lead, deadline=date(2024, 3, 11), title="Việc quá hạn")
    db.session.commit()

    run_pass(DAY, now=NOW)

    assert _kinds(lead) == {ReminderKind.OVERDUE}  # the overdue one cannot be turned off
    [message] = mail_to.to(lead.email)
    text = message.get_body(("plain",)).get_content()
    assert "Việc quá hạn" in text and "Việc sắp đến" not in text


def test_a_reminder_the_unit_requires_reaches_an_officer_who_turned_it_off(app, mail_to, ward):
    lead = ward["lead"]
    db.session.add(ReminderSettings(unit_id=ward["unit"].id, required="before,due"))
    gen_task(ward["plan"], lead, deadline=date(2024, 3, 15), title="Việc sắp đến")
    db.session.flush()
    save_preferences(
        db.session, lead, email_hour=None, muted={"before"}, required=frozenset()
    )  # turned off before the unit required it
    db.session.commit()

    run_pass(DAY, now=NOW)

    assert _kinds(lead) == {ReminderKind.BEFORE}
    assert len(mail_to.to(lead.email)) == 1


def test_an_officer_with_hour_17_is_mailed_at_17_not_at_the_pass(app, mail_to, ward):
    lead, helper = ward["lead"], ward["helper"]
    save_preferences(db.session, lead, email_hour=17, muted=set(), required=frozenset())
    gen_task(ward["plan"], lead, deadline=DAY, title="Việc của người nhận lúc 17 giờ")
    gen_task(ward["plan"], helper, deadline=DAY, title="Việc của người nhận giờ chung")
    db.session.commit()

    run_pass(DAY, now=NOW)  # 07:30

    assert len(mail_to.to(helper.email)) == 1  # the unit's default hour: the pass
    assert mail_to.to(lead.email) == []
    deliver(today=DAY, now=NOW.replace(hour=16, minute=59))
    assert mail_to.to(lead.email) == []
    report = deliver(today=DAY, now=NOW.replace(hour=17, minute=0))
    [message] = mail_to.to(lead.email)
    assert "Việc của người nhận lúc 17 giờ" in message.get_body(("plain",)).get_content()
    assert len(report.sent) == 1
    # The in-app notice is there from the morning.
    assert db.session.scalar(
        select(Notification.kind).where(Notification.officer_id == lead.id)
    ) == "reminders"


def test_the_days_reminders_are_one_notice_that_lists_them(app, client, auth, mail_to, ward):
    lead = ward["lead"]
    titles = ["Việc quá hạn", "Việc đến hạn", "Việc sắp đến"]
    for title, deadline in zip(titles, (date(2024, 3, 11), DAY, date(2024, 3, 15)), strict=True):
        gen_task(ward["plan"], lead, deadline=deadline, title=title)
    db.session.commit()
    run_pass(DAY, now=NOW)
    run_pass(DAY, now=NOW + timedelta(hours=2))  # a second pass the same day adds no notice
    notices = db.session.scalars(
        select(Notification).where(Notification.officer_id == lead.id)
    ).all()
    assert [(n.kind, n.day) for n in notices] == [("reminders", DAY)]

    auth.login(lead)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'data-testid="unread-count"' not in page  # reminders are for information
    info = page[page.index('data-testid="notices-info"') :]
    assert "Nhắc việc ngày 12/03/2024" in info and "3 nhắc việc" in info
    for title in titles:
        assert title in info


def test_the_preferences_page_saves_audited_and_keeps_bad_input(app, client, auth, ward):
    lead = ward["lead"]
    db.session.add(ReminderSettings(unit_id=ward["unit"].id, required="meeting"))
    db.session.commit()
    auth.login(lead)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Cài đặt thông báo" in page and "Đơn vị yêu cầu" in page
    assert 'id="receive-meeting"' in page and "Luôn nhận" in page

    token = csrf_token(client, "/account/notifications")
    bad = client.post(
        "/account/notifications",
        data={"csrf_token": token, "email_reminders": "y", "email_hour": "25", "receive": ["due"]},
    )
    assert bad.status_code == 200
    assert db.session.scalar(select(ReminderPreference)) is None

    saved = client.post(
        "/account/notifications",
        data={"csrf_token": token, "email_reminders": "y", "email_hour": "17", "receive": ["due"]},
    )
    assert saved.status_code == 302
    row = db.session.scalar(select(ReminderPreference))
    assert row.email_hour == 17
    # what was not ticked is turned off; the unit's required "meeting" cannot be
    assert row.muted == "before,copy,digest,escalation"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "reminder_preferences")
    )
    assert event.actor_id == lead.id and event.changes["email_hour"][1] == 17
