"""Emails against a real SMTP server (aiosmtpd on loopback): one a day per officer with all
their reminders, in-app notices for each, the opt-out, escalation and digest contents, an outage
then recovery, a bad address, and a crash between recording and sending."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import gen_evidence, gen_task
from tests.reminders.conftest import morning
from tracker.extensions import db
from tracker.reminders.delivery import LEASE, claim
from tracker.reminders.jobs import deliver, run_pass
from tracker.reminders.models import (
    EmailState,
    ItemEmailState,
    ReminderEmail,
    ReminderItem,
    ReminderKind,
)
from tracker.tasks.models import CadenceUnit, Notification, TaskOccurrence, TaskState

DAY = date(2024, 3, 12)  # a Tuesday
NOW = morning(DAY)


def emails(state: EmailState | None = None) -> list[ReminderEmail]:
    query = select(ReminderEmail).order_by(ReminderEmail.id)
    if state is not None:
        query = query.where(ReminderEmail.state == state)
    return list(db.session.scalars(query))


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def busy_ward(ward):
    """The lead has an overdue task, one due today and one due in 3 working days, and supports
    another; the chairperson leads one overdue for long."""
    w = ward
    tasks = {
        "overdue": gen_task(w["plan"], w["lead"], deadline=date(2024, 3, 11), title="Việc quá hạn"),
        "today": gen_task(w["plan"], w["lead"], deadline=DAY, title="Việc đến hạn"),
        "soon": gen_task(w["plan"], w["lead"], deadline=date(2024, 3, 15), title="Việc sắp đến"),
        "supported": gen_task(
            w["plan"], w["other"], deadline=DAY, supporters=[w["lead"]], title="Việc phối hợp"
        ),
        "long": gen_task(w["plan"], w["chair"], deadline=date(2024, 2, 20), title="Việc kéo dài"),
    }
    db.session.commit()
    return tasks


def test_one_email_a_day_per_officer_with_everything_due_and_a_notice_for_each(app, mail_to, ward):
    tasks = busy_ward(ward)
    report = run_pass(DAY, now=NOW)

    lead_mail = mail_to.to(ward["lead"].email)
    assert len(lead_mail) == 1
    message = lead_mail[0]
    assert message["Subject"] == (
        "[Nhắc việc CCHC] 12/03/2024: 1 quá hạn, 1 đến hạn hôm nay, 1 sắp đến hạn, 1 phối hợp"
    )
    assert message["From"].addresses[0].addr_spec == "cchc@test.example"
    assert message["To"].addresses[0].display_name == "Nguyễn Chủ Trì"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    text, page = plain(message), html(message)
    for key in ("overdue", "today", "soon", "supported"):
        link = f"https://cchc.test.example/tasks/{tasks[key].id}"
        assert link in text and f'href="{link}"' in page
    assert "Kính gửi Nguyễn Chủ Trì" in text
    assert "quá hạn 1 ngày làm việc (hạn 11/03/2024)" in text
    assert "còn 3 ngày làm việc (hạn 15/03/2024)" in text
    assert "NHIỆM VỤ BẠN PHỐI HỢP (1)" in text and "chủ trì: Phạm Cán Bộ" in text
    assert "https://cchc.test.example/reminders" in text

    # The day's reminders are one in-app notice to each recipient, listing them.
    [notice] = db.session.scalars(
        select(Notification).where(Notification.officer_id == ward["lead"].id)
    ).all()
    assert (notice.kind, notice.day) == ("reminders", DAY)
    listed = db.session.scalars(
        select(ReminderItem.task_id).where(
            ReminderItem.recipient_id == ward["lead"].id, ReminderItem.recorded_on == DAY
        )
    ).all()
    assert set(listed) == {tasks[k].id for k in ("overdue", "today", "soon", "supported")}

    # Every officer with reminders got exactly one message.
    per_recipient = [m["To"].addresses[0].addr_spec for m in mail_to.messages]
    assert sorted(per_recipient) == sorted(set(per_recipient))
    assert len(report.delivery.sent) == len(per_recipient)
    assert all(e.state is EmailState.SENT and e.transport == "smtp" for e in emails())

    # Later the same day something new comes due for the lead: it waits for tomorrow's email.
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 13), title="Việc giao thêm")
    db.session.commit()
    run_pass(DAY, now=NOW + timedelta(hours=4))
    assert len(mail_to.to(ward["lead"].email)) == 1
    run_pass(date(2024, 3, 13), now=morning(date(2024, 3, 13)))
    second = mail_to.to(ward["lead"].email)
    assert len(second) == 2 and "Việc giao thêm" in plain(second[1])


def test_an_officer_who_turns_email_off_still_gets_the_notices(app, mail_to, ward):
    ward["lead"].email_reminders = False
    task = gen_task(ward["plan"], ward["lead"], deadline=DAY, supporters=[ward["helper"]])
    db.session.commit()

    run_pass(DAY, now=NOW)

    assert mail_to.to(ward["lead"].email) == []
    assert len(mail_to.to(ward["helper"].email)) == 1
    item = db.session.scalar(
        select(ReminderItem).where(ReminderItem.recipient_id == ward["lead"].id)
    )
    assert item.email_state is ItemEmailState.OFF and item.kind is ReminderKind.DUE
    notice = db.session.scalar(
        select(Notification).where(Notification.officer_id == ward["lead"].id)
    )
    assert (notice.kind, notice.day) == ("reminders", DAY)
    assert item.task_id == task.id  # listed under the day's notice, with its words
    assert item.message == f"Nhắc việc: hôm nay (12/03/2024) là hạn của nhiệm vụ “{task.title}”."

    # Turned off after the email was queued (the server was down): it is cancelled.
    ward["lead"].email_reminders = True
    db.session.commit()
    mail_to.stop()
    run_pass(date(2024, 3, 13), now=morning(date(2024, 3, 13)))
    ward["lead"].email_reminders = False
    db.session.commit()
    mail_to.start()
    deliver(today=date(2024, 3, 13), now=morning(date(2024, 3, 13)) + timedelta(hours=1))
    assert mail_to.to(ward["lead"].email) == []
    assert emails(EmailState.CANCELLED)[0].recipient_id == ward["lead"].id


def test_escalation_and_weekly_digest_go_to_the_chairperson(app, mail_to, ward):
    """Monday 11/03/2024: a task overdue 14 working days escalates; the digest lists the overdue
    tasks (a recurring one by its overdue month) and the pending confirmations."""
    monday = date(2024, 3, 11)
    late = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 2, 20), title="Việc chậm")
    monthly = gen_task(
        ward["plan"], ward["other"], deadline=None, title="Báo cáo tháng", cadence_every=1
    )
    monthly.cadence_unit = CadenceUnit.MONTH
    monthly.occurrences = [
        TaskOccurrence(sequence=1, label="Tháng 1/2024", deadline=date(2024, 1, 31),
                       state=TaskState.DONE, completed_on=date(2024, 1, 30)),
        TaskOccurrence(sequence=2, label="Tháng 2/2024", deadline=date(2024, 2, 29)),
        TaskOccurrence(sequence=3, label="Tháng 3/2024", deadline=date(2024, 3, 29)),
    ]  # fmt: skip
    waiting = gen_task(
        ward["plan"],
        ward["helper"],
        deadline=date(2024, 3, 20),
        title="Việc chờ xác nhận",
        state=TaskState.PENDING_CONFIRMATION,
    )
    gen_evidence(waiting)
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1), completed_on=date(2024, 3, 1))
    db.session.commit()

    run_pass(monday, now=morning(monday))

    [message] = mail_to.to(ward["chair"].email)
    assert "tổng hợp tuần" in message["Subject"]
    assert "2 quá hạn kéo dài" in message["Subject"]
    text = plain(message)
    escalation = text.split("BÁO CÁO LÃNH ĐẠO")[1].split("TỔNG HỢP TUẦN")[0]
    assert "Việc chậm" in escalation and "quá hạn 14 ngày làm việc (hạn 20/02/2024)" in escalation
    assert "chủ trì: Nguyễn Chủ Trì" in escalation
    assert "Báo cáo tháng (Tháng 2/2024)" in escalation  # the overdue month, 7 working days
    digest = text.split("TỔNG HỢP TUẦN · Phường Thử Nhắc Việc")[1]
    overdue, pending = digest.split("Chờ xác nhận hoàn thành")
    assert "Nhiệm vụ quá hạn (2)" in overdue
    assert "Việc chậm" in overdue and "Báo cáo tháng" in overdue
    assert "quá hạn 7 ngày làm việc (hạn 29/02/2024)" in overdue
    assert "(1)" in pending and "Việc chờ xác nhận" in pending
    assert f"/tasks/{waiting.id}" in pending
    assert f"/units/{ward['unit'].code}/dashboard" in digest
    # Listed under the chairperson's notice of the day.
    chair_notices = db.session.scalars(
        select(ReminderItem.message).where(ReminderItem.recipient_id == ward["chair"].id)
    ).all()
    assert "Tổng hợp tuần: 2 nhiệm vụ quá hạn, 1 nhiệm vụ chờ xác nhận hoàn thành." in (
        chair_notices
    )
    assert any(m.startswith(f"Nhiệm vụ “{late.title}” quá hạn 14") for m in chair_notices)

    # Escalation is once per deadline: nothing more on the following days.
    for day in (date(2024, 3, 12), date(2024, 3, 13)):
        run_pass(day, now=morning(day))
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ReminderItem)
            .where(ReminderItem.kind == ReminderKind.ESCALATION)
        )
        == 2
    )


def test_smtp_outage_then_recovery(app, mail_to, ward):
    busy_ward(ward)
    mail_to.stop()

    report = run_pass(DAY, now=NOW)

    assert report.delivery.sent == [] and mail_to.messages == []
    queued = emails()
    assert queued and all(e.state is EmailState.PENDING for e in queued)
    # The first failure is counted; the rest of the batch waits with it.
    assert sorted(e.attempts for e in queued)[-1] == 1
    assert all("Connection refused" in e.last_error for e in queued)
    assert all(e.next_attempt_at == NOW + timedelta(minutes=1) for e in queued)
    assert all(e.sent_at is None for e in queued)

    # Still down a minute later: a second attempt, then a longer wait (2 minutes).
    deliver(today=DAY, now=NOW + timedelta(minutes=1))
    first = db.session.get(ReminderEmail, queued[0].id)
    assert first.state is EmailState.PENDING and first.attempts == 2
    assert first.next_attempt_at == NOW + timedelta(minutes=3)
    # Before the backoff has passed, nothing is tried.
    assert deliver(today=DAY, now=NOW + timedelta(minutes=2)).retrying == []

    mail_to.start()
    recovered = deliver(today=DAY, now=NOW + timedelta(minutes=3))
    assert len(recovered.sent) == len(queued)
    assert len(mail_to.messages) == len(queued)
    assert all(e.state is EmailState.SENT and e.last_error == "" for e in emails())
    assert deliver(today=DAY, now=NOW + timedelta(hours=2)).sent == []
    assert len(mail_to.messages) == len(queued)


def test_a_refused_address_fails_that_email_alone(app, mail_to, ward):
    busy_ward(ward)
    mail_to.collector.refuse[ward["lead"].email] = "550 5.1.1 <mailbox unavailable>"

    report = run_pass(DAY, now=NOW)

    [failed] = emails(EmailState.FAILED)
    assert failed.recipient_id == ward["lead"].id
    assert "550" in failed.last_error and failed.sent_at is None
    assert [email_id for email_id, _ in report.delivery.failed] == [failed.id]
    others = emails(EmailState.SENT)
    assert others and len(mail_to.messages) == len(others)
    # Not retried: a refusal for good stays refused; the reminders stay in the app.
    deliver(today=DAY, now=NOW + timedelta(hours=3))
    assert db.session.get(ReminderEmail, failed.id).state is EmailState.FAILED
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ReminderItem)
            .where(ReminderItem.recipient_id == ward["lead"].id)
        )
        == 4
    )
    assert db.session.scalar(
        select(Notification.kind).where(Notification.officer_id == ward["lead"].id)
    ) == "reminders"


def test_a_temporary_refusal_is_retried(app, mail_to, ward):
    gen_task(ward["plan"], ward["lead"], deadline=DAY)
    db.session.commit()
    mail_to.collector.refuse[ward["lead"].email] = "450 4.2.1 mailbox busy, try later"

    run_pass(DAY, now=NOW)
    [email] = [e for e in emails() if e.recipient_id == ward["lead"].id]
    assert email.state is EmailState.PENDING and "450" in email.last_error

    del mail_to.collector.refuse[ward["lead"].email]
    deliver(today=DAY, now=NOW + timedelta(minutes=5))
    assert db.session.get(ReminderEmail, email.id).state is EmailState.SENT
    assert len(mail_to.to(ward["lead"].email)) == 1


def test_a_crash_between_recording_and_sending_is_caught_up_once(app, mail_to, ward):
    busy_ward(ward)
    # The process stops right after the recording commit: nothing sent.
    report = run_pass(DAY, now=NOW, send=False)
    queued = emails(EmailState.PENDING)
    assert len(queued) == len(report.recorded.emails) > 0 and mail_to.messages == []

    # Another sender claims a batch and dies before sending anything.
    claimed = claim(db.session, NOW, DAY, limit=2)
    db.session.commit()
    assert len(claimed) == 2

    # The retry job sends the rest now; the dead sender's claim waits for its lease to end.
    first = deliver(today=DAY, now=NOW + timedelta(minutes=1))
    assert len(first.sent) == len(queued) - 2
    assert deliver(today=DAY, now=NOW + timedelta(minutes=5)).sent == []
    later = deliver(today=DAY, now=NOW + LEASE + timedelta(minutes=1))
    assert sorted(later.sent) == sorted(claimed)

    assert len(mail_to.messages) == len(queued)
    ids = [m["X-Tracker-Reminder"] for m in mail_to.messages]
    assert len(ids) == len(set(ids))
    assert all(e.state is EmailState.SENT for e in emails())


def test_nothing_goes_out_on_a_day_off_not_even_a_retry(app, mail_to, ward):
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 15))  # Friday
    db.session.commit()
    mail_to.stop()
    run_pass(date(2024, 3, 15), now=morning(date(2024, 3, 15)))
    mail_to.start()
    saturday = date(2024, 3, 16)
    assert deliver(today=saturday, now=morning(saturday)).sent == []
    assert run_pass(saturday, now=morning(saturday)).dues == []
    assert mail_to.messages == []  # not even the chairperson's digest
    monday = date(2024, 3, 18)
    run_pass(monday, now=morning(monday))
    [message] = mail_to.to(ward["lead"].email)
    assert "quá hạn 1 ngày làm việc (hạn 15/03/2024)" in plain(message)  # true on Monday
