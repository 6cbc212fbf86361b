"""The schedule over simulated weeks with Tết 2024 and 30/4–1/5, against a real SMTP server:
what is sent on which day, nothing on days off, catch-up without flooding, and when it stops."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import gen_task
from tests.reminders.conftest import morning
from tracker.extensions import db
from tracker.people.models import UnitCalendarDay
from tracker.reminders.jobs import run_pass
from tracker.reminders.models import EmailState, ReminderEmail, ReminderItem, ReminderKind
from tracker.tasks.models import TaskState
from tracker.tasks.operations import submit_completion

B, D, OD, E, G = (
    ReminderKind.BEFORE,
    ReminderKind.DUE,
    ReminderKind.OVERDUE,
    ReminderKind.ESCALATION,
    ReminderKind.DIGEST,
)


def days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def simulate(start: date, end: date, smtp=None, skip=()) -> dict[date, int]:
    """A pass every morning from `start` to `end` (except `skip`); emails received per day."""
    received = {}
    for day in days(start, end):
        if day in skip:
            continue
        before = len(smtp.messages) if smtp else 0
        run_pass(day, now=morning(day))
        received[day] = (len(smtp.messages) if smtp else 0) - before
    return received


def reminders(officer, *kinds) -> list[tuple[date, ReminderKind, date]]:
    """(day recorded, kind, day scheduled) of the officer's reminders, in order."""
    query = select(ReminderItem).where(ReminderItem.recipient_id == officer.id)
    if kinds:
        query = query.where(ReminderItem.kind.in_(kinds))
    return [
        (i.recorded_on, i.kind, i.due_on)
        for i in db.session.scalars(query.order_by(ReminderItem.id))
    ]


def test_a_month_around_tet_2024(app, mail_to, ward):
    """Deadline Monday 19/02/2024, just after Tết (8–14/2): before 7, 3, 1 working days, on
    the day, then every 3 working days while overdue; the chairperson told once after 5."""
    task = gen_task(
        ward["plan"], ward["lead"], deadline=date(2024, 2, 19), supporters=[ward["helper"]]
    )
    db.session.commit()

    received = simulate(date(2024, 1, 29), date(2024, 3, 8), mail_to)

    expected_lead = [
        (date(2024, 2, 1), B, date(2024, 2, 1)),  # 7 working days before: Tết not counted
        (date(2024, 2, 7), B, date(2024, 2, 7)),  # 3 before: the last day before Tết
        (date(2024, 2, 16), B, date(2024, 2, 16)),  # 1 before
        (date(2024, 2, 19), D, date(2024, 2, 19)),  # on the day
        (date(2024, 2, 20), OD, date(2024, 2, 20)),  # overdue, first working day after
        (date(2024, 2, 23), OD, date(2024, 2, 23)),  # then every 3 working days
        (date(2024, 2, 28), OD, date(2024, 2, 28)),
        (date(2024, 3, 4), OD, date(2024, 3, 4)),
        (date(2024, 3, 7), OD, date(2024, 3, 7)),
    ]
    assert reminders(ward["lead"]) == expected_lead
    assert reminders(ward["helper"]) == expected_lead  # in copy, the same days
    assert reminders(ward["chair"], E) == [(date(2024, 2, 27), E, date(2024, 2, 27))]
    assert reminders(ward["other"]) == []

    # Nothing goes out on a weekend or during Tết; every reminder day brought email.
    off = [d for d in received if d.weekday() >= 5 or date(2024, 2, 8) <= d <= date(2024, 2, 14)]
    assert off and all(received[d] == 0 for d in off)
    for day, _kind, _due in expected_lead:
        assert received[day] >= 2, day  # the lead and the supporting officer
    # One email per officer per reminder day, each with a link to the task.
    lead_mail = mail_to.to(ward["lead"].email)
    assert len(lead_mail) == len(expected_lead)
    text = lead_mail[0].get_body(("plain",)).get_content()
    assert f"https://cchc.test.example/tasks/{task.id}" in text
    assert "còn 7 ngày làm việc (hạn 19/02/2024)" in text


def test_30_april_and_1_may_and_the_digest_on_a_holiday_monday(app, mail_to, ward):
    """Deadline Tuesday 07/05/2024: 29/4 (substituted), 30/4, 1/5 off, Saturday 4/5 worked.
    The Monday digest of 29/4 goes out on the next working day, Thursday 2/5."""
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 5, 7))
    gen_task(ward["plan"], ward["other"], deadline=date(2024, 4, 1))  # overdue: a digest to send
    db.session.commit()

    received = simulate(date(2024, 4, 22), date(2024, 5, 8), mail_to)

    assert reminders(ward["lead"]) == [
        (date(2024, 4, 24), B, date(2024, 4, 24)),
        (date(2024, 5, 3), B, date(2024, 5, 3)),
        (date(2024, 5, 6), B, date(2024, 5, 6)),
        (date(2024, 5, 7), D, date(2024, 5, 7)),
        (date(2024, 5, 8), OD, date(2024, 5, 8)),
    ]
    assert reminders(ward["chair"], G) == [
        (date(2024, 4, 22), G, date(2024, 4, 22)),
        (date(2024, 5, 2), G, date(2024, 4, 29)),  # Monday 29/4 is off: sent Thursday 2/5
        (date(2024, 5, 6), G, date(2024, 5, 6)),
    ]
    for holiday in (date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1)):
        assert received[holiday] == 0
    assert received[date(2024, 5, 4)] == 0  # a working Saturday, but nothing was due
    items_on_days_off = db.session.scalars(
        select(ReminderItem.recorded_on).where(
            ReminderItem.recorded_on.in_([date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1)])
        )
    ).all()
    assert items_on_days_off == []


def test_a_units_own_day_off_moves_its_reminders(app, mail_to, ward):
    db.session.add(
        UnitCalendarDay(unit_id=ward["unit"].id, day=date(2024, 2, 16), is_working_day=False)
    )
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 2, 19))
    db.session.commit()

    received = simulate(date(2024, 2, 15), date(2024, 2, 19), mail_to)

    # Friday 16/2 is off in this ward: "1 working day before 19/2" is Thursday 15/2.
    assert reminders(ward["lead"]) == [
        (date(2024, 2, 15), B, date(2024, 2, 15)),
        (date(2024, 2, 19), D, date(2024, 2, 19)),
    ]
    assert received[date(2024, 2, 16)] == 0


def test_catch_up_after_missed_days_sends_one_reminder_per_task(app, mail_to, ward):
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 2, 19))
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 2, 20))
    db.session.commit()

    # The server was off from 29/1 to 15/2: the first pass is on 16/2.
    run_pass(date(2024, 2, 16), now=morning(date(2024, 2, 16)))
    # One reminder per task, the latest the schedule reached, not the missed ones.
    assert sorted(k for _, k, _ in reminders(ward["lead"])) == [B, B]
    assert sorted(due for _, _, due in reminders(ward["lead"])) == [
        date(2024, 2, 15),  # 3 before 20/2
        date(2024, 2, 16),  # 1 before 19/2
    ]
    assert len(mail_to.to(ward["lead"].email)) == 1

    # Off again until Thursday 29/2: one overdue reminder per task, one escalation each.
    run_pass(date(2024, 2, 29), now=morning(date(2024, 2, 29)))
    latest = [r for r in reminders(ward["lead"]) if r[0] == date(2024, 2, 29)]
    assert sorted(due for _, kind, due in latest if kind is OD) == [
        date(2024, 2, 28),  # 19/2 + 7 working days
        date(2024, 2, 29),  # 20/2 + 7 working days
    ]
    assert len(reminders(ward["chair"], E)) == 2
    assert len(mail_to.to(ward["lead"].email)) == 2

    # A pass run again the same day finds nothing new.
    again = run_pass(date(2024, 2, 29), now=morning(date(2024, 2, 29)))
    assert again.dues == [] and again.already_recorded > 0
    assert len(mail_to.messages) == len({m["Message-ID"] for m in mail_to.messages})


def test_submitted_completion_stops_reminders_and_a_queued_email_drops_them(app, mail_to, ward):
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 15))
    other = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 15))
    db.session.commit()

    mail_to.stop()  # the mail server is down: the email of 14/3 stays queued
    run_pass(date(2024, 3, 14), now=morning(date(2024, 3, 14)))
    email = db.session.scalar(select(ReminderEmail))
    assert email.state is EmailState.PENDING

    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number="12/KH-UBND",
        document_date=date(2024, 3, 14),
        summary="",
        today=date(2024, 3, 14),
    )
    db.session.commit()
    assert task.state is TaskState.PENDING_CONFIRMATION

    mail_to.start()
    run_pass(date(2024, 3, 15), now=morning(date(2024, 3, 15)) + timedelta(hours=3))
    # No new reminder about the submitted task; the queued one is dropped from the email.
    assert {
        i.task_id
        for i in db.session.scalars(
            select(ReminderItem).where(
                ReminderItem.recorded_on == date(2024, 3, 15),
                ReminderItem.recipient_id == ward["lead"].id,
            )
        )
    } == {other.id}
    messages = mail_to.to(ward["lead"].email)
    assert len(messages) == 1  # the pending email went out, carrying what is still true
    text = messages[0].get_body(("plain",)).get_content()
    assert f"/tasks/{other.id}" in text and f"/tasks/{task.id}" not in text


def test_a_reassigned_task_reminds_its_new_lead(app, mail_to, ward):
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 19))
    db.session.commit()
    run_pass(date(2024, 3, 18), now=morning(date(2024, 3, 18)))
    assert len(reminders(ward["lead"])) == 1

    task.lead_officer = ward["other"]
    db.session.commit()
    run_pass(date(2024, 3, 18), now=morning(date(2024, 3, 18)) + timedelta(hours=2))
    run_pass(date(2024, 3, 19), now=morning(date(2024, 3, 19)))

    assert reminders(ward["other"]) == [
        (date(2024, 3, 18), B, date(2024, 3, 18)),  # the reminder the old lead had today
        (date(2024, 3, 19), D, date(2024, 3, 19)),
    ]
    assert reminders(ward["lead"]) == [(date(2024, 3, 18), B, date(2024, 3, 18))]
