"""The reminder before a monthly review meeting (issue 4's meeting source): to every active
officer of the unit, on the working day `meeting_days_before` before the meeting, caught up
once if missed, recorded once; the email (a real SMTP server) and the in-app notice list the
officer's own tasks due, done and overdue in the month."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tests.reminders.conftest import morning
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingStatus
from tracker.people.models import Role
from tracker.reminders.jobs import run_pass
from tracker.reminders.models import RecipientRole, ReminderItem, ReminderKind, ReminderSettings
from tracker.reminders.selection import select_due
from tracker.tasks.models import Notification

HELD_ON = date(2024, 3, 15)  # a Friday
SCHEDULED = date(2024, 3, 13)  # two working days before


def _meeting(unit, held_on=HELD_ON, **fields) -> Meeting:
    meeting = Meeting(
        unit_id=unit.id, year=held_on.year, month=held_on.month, held_on=held_on, **fields
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _meeting_dues(day):
    return [d for d in select_due(db.session, day).dues if d.kind is ReminderKind.MEETING]


def _month(ward):
    w = ward
    return {
        "done": gen_task(
            w["plan"],
            w["lead"],
            deadline=date(2024, 3, 5),
            completed_on=date(2024, 3, 4),
            title="Việc đã xong",
        ),
        "open": gen_task(w["plan"], w["lead"], deadline=date(2024, 3, 28), title="Việc trong hạn"),
        "late": gen_task(w["plan"], w["lead"], deadline=date(2024, 2, 20), title="Việc quá hạn"),
        "theirs": gen_task(
            w["plan"], w["other"], deadline=date(2024, 3, 8), title="Việc người khác"
        ),
        "april": gen_task(w["plan"], w["lead"], deadline=date(2024, 4, 10), title="Việc tháng tư"),
    }


def test_due_two_working_days_before_to_every_active_officer(app, ward):
    _month(ward)
    gone = gen_officer(ward["unit"], full_name="Đã nghỉ")
    gone.active = False
    meeting = _meeting(ward["unit"])
    db.session.commit()
    assert _meeting_dues(date(2024, 3, 12)) == []
    dues = _meeting_dues(SCHEDULED)
    people = {ward[k].id for k in ("chair", "lead", "helper", "other")}
    assert {d.recipient_id for d in dues} == people
    assert all(
        d.subject == f"meeting:{meeting.id}"
        and d.role is RecipientRole.MEMBER
        and d.due_on == SCHEDULED
        and d.deadline == HELD_ON
        and d.days == 2
        for d in dues
    )
    counts = {d.recipient_id: d.counts for d in dues}
    # The lead: 2 due in March (1 done), 1 overdue from February; April is not this month's.
    assert counts[ward["lead"].id] == (2, 1, 1)
    assert counts[ward["other"].id] == (1, 0, 1)
    assert counts[ward["chair"].id] == (0, 0, 0)


def test_recorded_once_and_caught_up_once_if_missed(app, ward):
    _meeting(ward["unit"])
    db.session.commit()
    # The pass of 13/03 did not run: the 14/03 pass catches up, with the scheduled day.
    run_pass(date(2024, 3, 14), now=morning(date(2024, 3, 14)), send=False)
    items = db.session.scalars(
        select(ReminderItem).where(ReminderItem.kind == ReminderKind.MEETING)
    ).all()
    assert len(items) == 4 and {i.due_on for i in items} == {SCHEDULED}
    for day in (date(2024, 3, 14), HELD_ON, date(2024, 3, 18)):
        run_pass(day, now=morning(day), send=False)
    count = select(func.count()).where(ReminderItem.kind == ReminderKind.MEETING)
    assert db.session.scalar(count) == 4


def test_no_reminder_for_a_closed_meeting_or_when_the_unit_says_0_days(app, ward):
    _meeting(ward["unit"], status=MeetingStatus.CLOSED)
    other = gen_unit()
    gen_officer(other, Role.CHAIRPERSON)
    _meeting(other)
    db.session.add(ReminderSettings(unit_id=other.id, meeting_days_before=0))
    db.session.commit()
    assert _meeting_dues(SCHEDULED) == []
    assert [d.due_on for d in _meeting_dues(HELD_ON)] == [HELD_ON]  # on the day itself


def test_email_and_notice_list_the_officers_own_month(app, mail_to, ward):
    tasks = _month(ward)
    _meeting(ward["unit"])
    db.session.commit()
    run_pass(SCHEDULED, now=morning(SCHEDULED))
    [message] = mail_to.to(ward["lead"].email)
    assert "họp giao ban" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "HỌP GIAO BAN CCHC: VIỆC CỦA BẠN TRONG THÁNG" in text
    assert "họp ngày 15/03/2024, còn 2 ngày làm việc" in text
    assert "Việc đã xong" in text and "đã hoàn thành đúng hạn (hạn 05/03/2024)" in text
    assert "Việc quá hạn" in text and "quá hạn, chưa hoàn thành (hạn 20/02/2024)" in text
    assert "Việc trong hạn" in text
    assert "Việc người khác" not in text and "Việc tháng tư" not in text
    assert f"https://cchc.test.example/tasks/{tasks['late'].id}" in text
    notice = db.session.scalar(
        select(Notification).where(
            Notification.officer_id == ward["lead"].id, Notification.kind == "reminder_meeting"
        )
    )
    assert notice.message == (
        "Họp giao ban CCHC: họp ngày 15/03/2024, còn 2 ngày làm việc. Việc của bạn trong "
        "tháng: 2 đến hạn, 1 đã hoàn thành, 1 quá hạn."
    )


def test_selection_queries_do_not_grow_with_meetings_officers_or_tasks(app, count_queries):
    def unit_with(officers: int, tasks: int):
        unit = gen_unit()
        people = [gen_officer(unit, Role.CHAIRPERSON)] + [
            gen_officer(unit) for _ in range(officers)
        ]
        plan = gen_plan(unit)
        for i in range(tasks):
            gen_task(
                plan, people[i % len(people)], deadline=date(2024, 3, 1) + timedelta(days=i % 30)
            )
        _meeting(unit)

    unit_with(2, 3)
    db.session.commit()
    with count_queries() as small:
        few = _meeting_dues(SCHEDULED)
    for _ in range(3):
        unit_with(6, 40)
    db.session.commit()
    with count_queries() as large:
        many = _meeting_dues(SCHEDULED)
    assert len(many) > 5 * len(few) > 0
    assert large.count == small.count


def test_the_meeting_source_is_in_the_apps_list_not_joined_by_an_import(app, ward):
    """The app lists every source where it is built (tracker.configure_reminders); importing
    tracker.meetings adds none, and a pass selects from the sources it is given."""
    from tracker.appendix.reminders import report_reminders
    from tracker.meetings.reminders import email_lines, meeting_reminders
    from tracker.reminders.selection import (
        app_email_lines,
        app_sources,
        deadline_reminders,
        weekly_digests,
    )

    assert app_sources(app) == (deadline_reminders, weekly_digests, meeting_reminders,
                                report_reminders)
    assert app_email_lines(app) == {ReminderKind.MEETING: email_lines}
    _meeting(ward["unit"])
    db.session.commit()
    assert len(_meeting_dues(SCHEDULED)) == 4
    kinds = {d.kind for d in select_due(db.session, SCHEDULED, [deadline_reminders]).dues}
    assert ReminderKind.MEETING not in kinds


def test_the_officers_month_in_the_email_comes_from_the_listed_source(
    app, mail_to, ward, monkeypatch
):
    """The engine writes under a meeting reminder only what the meetings source, as the app
    lists it, gives it: listed without its email lines, the email has the reminder alone."""
    from tracker.meetings.reminders import meeting_reminders
    from tracker.reminders.selection import SOURCES_KEY, ReminderSource

    monkeypatch.setitem(app.extensions, SOURCES_KEY, (ReminderSource(meeting_reminders),))
    _month(ward)
    _meeting(ward["unit"])
    db.session.commit()
    run_pass(SCHEDULED, now=morning(SCHEDULED))
    [message] = mail_to.to(ward["lead"].email)
    text = message.get_body(("plain",)).get_content()
    assert "họp ngày 15/03/2024, còn 2 ngày làm việc" in text
    assert "Việc đã xong" not in text and "Việc quá hạn" not in text
