"""Communes that have not frozen their table are reminded as the province's due date nears,
by the reminder engine (its schedule of working days, once per day and officer), over SMTP."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.factories import gen_officer, gen_unit
from tests.reminders.conftest import mail_to, morning, smtp_server  # noqa: F401 (fixtures)
from tracker.appendix.indicators import tree_for_year
from tracker.appendix.models import ReportingPeriod
from tracker.appendix.operations import submit_period
from tracker.appendix.province import open_for_communes, regime_dates
from tracker.appendix.reminders import report_reminders
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.reminders.jobs import run_pass
from tracker.reminders.models import ReminderKind
from tracker.reminders.selection import select_due

# Quý I năm 2025 is due on Thursday 20/03/2025; 3 working days before it: Monday 17/03.
DUE = date(2025, 3, 20)


@pytest.fixture
def province(app):
    top = gen_unit(code="tinh-nhac", name="Tỉnh Nhắc", kind=UnitKind.PROVINCE)
    late = gen_unit(code="xa-cham", name="Xã Chậm", kind=UnitKind.COMMUNE, parent=top)
    done = gen_unit(code="xa-xong", name="Xã Xong", kind=UnitKind.COMMUNE, parent=top)
    no_focal = gen_unit(code="xa-chu-tich", name="Xã Chủ Tịch", kind=UnitKind.COMMUNE,
                        parent=top)
    world = {
        "admin": gen_officer(top, Role.UNIT_ADMIN),
        "late": gen_officer(late, Role.FOCAL_OFFICER, full_name="Lê Đầu Mối",
                            email="daumoi@xacham.example"),
        "done": gen_officer(done, Role.FOCAL_OFFICER, email="daumoi@xaxong.example"),
        "chair": gen_officer(no_focal, Role.CHAIRPERSON, email="chutich@xachutich.example"),
    }
    dates = regime_dates("q1", 2025)
    opened = open_for_communes(db.session, top, world["admin"], dates.kind, dates.label,
                               dates.start, dates.end, dates.due_on)
    periods = {p.unit_id: p for p in db.session.query(ReportingPeriod).filter_by(
        province_period_id=opened.period.id)}
    submit_period(db.session, periods[done.id], world["done"], set(),
                  datetime(2025, 3, 14, 3, tzinfo=UTC),
                  confirmed_blank={r.key for r in tree_for_year(2025).entered})
    db.session.commit()
    world["period"] = periods[late.id]
    return world


def _reports(day):
    return [d for d in select_due(db.session, day, [report_reminders]).dues
            if d.kind is ReminderKind.REPORT]


def test_reminded_on_the_schedule_only_while_not_frozen(province):
    assert _reports(date(2025, 3, 5)) == []  # more than 7 working days before
    seven = _reports(date(2025, 3, 11))  # Tuesday: 7 working days before Thursday 20/03
    assert {d.recipient_id for d in seven} == {province["late"].id, province["chair"].id}
    assert {d.due_on for d in seven} == {date(2025, 3, 11)}
    assert seven[0].title == "Quý I năm 2025" and seven[0].deadline == DUE
    # the day after: nothing new is reached, the pass catches up with the 7-day one only
    assert {d.due_on for d in _reports(date(2025, 3, 12))} == {date(2025, 3, 11)}
    assert {d.due_on for d in _reports(DUE)} == {DUE}
    assert _reports(date(2025, 3, 21)) == []  # past the due date: the province's page says it


def test_the_reminder_goes_out_by_email(province, mail_to, clock):  # noqa: F811
    day = date(2025, 3, 17)
    clock(morning(day))
    report = run_pass(day, now=morning(day))
    assert any(d.kind is ReminderKind.REPORT for d in report.dues)
    mail = mail_to.to("daumoi@xacham.example")
    assert len(mail) == 1
    assert "báo cáo định kỳ chưa chốt" in mail[0]["Subject"]
    text = mail[0].get_body(("plain",)).get_content()
    assert "Báo cáo CCHC Quý I năm 2025" in text and "20/03/2025" in text
    assert mail_to.to("daumoi@xaxong.example") == []  # frozen: not reminded
    assert len(mail_to.to("chutich@xachutich.example")) == 1
    # a second pass that day sends nothing again
    run_pass(day, now=morning(day))
    assert len(mail_to.to("daumoi@xacham.example")) == 1
