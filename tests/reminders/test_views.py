"""Pages: each officer sees the reminders they were sent, a leader all of the unit's; the
email opt-out, the unit's settings, one email, and the development outbox."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_task, gen_unit
from tests.reminders.conftest import morning
from tracker.core.mail import OUTBOX
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.reminders.jobs import run_pass
from tracker.reminders.models import (
    DEFAULT_POLICY,
    EmailState,
    ReminderEmail,
    ReminderPolicy,
    ReminderSettings,
)
from tracker.reminders.operations import SettingsInput, save_settings

DAY = date(2024, 3, 12)


@pytest.fixture
def reminded(app, ward, monkeypatch):
    """A pass of 12/03/2024 delivered to the development outbox (no SMTP needed)."""
    monkeypatch.setitem(app.config, "TRACKER_MAIL_TRANSPORT", OUTBOX)
    lead_task = gen_task(ward["plan"], ward["lead"], deadline=DAY, title="Việc của người chủ trì")
    other_task = gen_task(ward["plan"], ward["other"], deadline=DAY, title="Việc của người khác")
    db.session.commit()
    run_pass(DAY, now=morning(DAY))
    return {**ward, "lead_task": lead_task, "other_task": other_task}


def email_of(officer) -> ReminderEmail:
    return db.session.scalar(select(ReminderEmail).where(ReminderEmail.recipient_id == officer.id))


def test_an_officer_sees_the_reminders_they_were_sent_and_no_others(client, auth, reminded):
    auth.login(reminded["lead"])
    html = client.get("/reminders").get_data(as_text=True)
    assert "Việc của người chủ trì" in html
    assert "Việc của người khác" not in html
    assert "Đã gửi thư" in html  # the outbox accepted it
    assert f"/tasks/{reminded['lead_task'].id}" in html


def test_turning_email_off_and_on(client, auth, reminded):
    lead = reminded["lead"]
    auth.login(lead)
    token = csrf_token(client, "/reminders")
    response = client.post("/reminders/email", data={"csrf_token": token, "enabled": "0"})
    assert response.status_code == 302
    db.session.refresh(lead)
    assert lead.email_reminders is False
    assert "Bật nhắc việc qua email" in client.get("/reminders").get_data(as_text=True)
    client.post("/reminders/email", data={"csrf_token": token, "enabled": "1"})
    db.session.refresh(lead)
    assert lead.email_reminders is True
    assert client.post("/reminders/email", data={"enabled": "0"}).status_code == 400  # no CSRF


def test_a_leader_sees_every_reminder_of_the_unit(client, auth, reminded):
    auth.login(reminded["chair"])
    html = client.get(f"/units/{reminded['unit'].code}/reminders").get_data(as_text=True)
    assert "Việc của người chủ trì" in html and "Việc của người khác" in html
    assert reminded["lead"].full_name in html and reminded["other"].full_name in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("chair", 200),
        ("vice", 200),
        ("focal", 200),
        ("inspector_above", 200),
        ("lead", 403),
        ("neighbour_chair", 403),
    ],
)
def test_unit_reminders_page_permissions(client, auth, reminded, who, status):
    unit = reminded["unit"]
    city = gen_unit(kind=UnitKind.CITY)
    unit.parent = city
    officers = {
        "chair": reminded["chair"],
        "vice": gen_officer(unit, Role.VICE_CHAIRPERSON),
        "focal": gen_officer(unit, Role.FOCAL_OFFICER),
        "inspector_above": gen_officer(city, Role.INSPECTOR),
        "lead": reminded["lead"],
        "neighbour_chair": gen_officer(gen_unit(), Role.CHAIRPERSON),
    }
    db.session.commit()
    auth.login(officers[who])
    assert client.get(f"/units/{unit.code}/reminders").status_code == status


def test_one_email_is_shown_to_its_recipient_and_the_units_leaders(client, auth, reminded):
    email = email_of(reminded["lead"])
    assert email.state is EmailState.SENT and email.transport == OUTBOX
    auth.login(reminded["lead"])
    response = client.get(f"/reminders/emails/{email.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert email.subject in html
    assert 'sandbox srcdoc="&lt;!doctype html&gt;' in html  # the HTML body, escaped, sandboxed
    auth.logout()
    auth.login(reminded["other"])
    assert client.get(f"/reminders/emails/{email.id}").status_code == 403
    auth.logout()
    auth.login(reminded["chair"])
    assert client.get(f"/reminders/emails/{email.id}").status_code == 200
    assert client.get("/reminders/emails/999999").status_code == 404


def test_outbox_only_in_development(app, client, auth, reminded, monkeypatch):
    auth.login(reminded["chair"])
    assert client.get("/reminders/outbox").status_code == 404  # testing: not debug
    monkeypatch.setitem(app.config, "TRACKER_MAIL_OUTBOX", True)
    html = client.get("/reminders/outbox").get_data(as_text=True)
    assert "[Nhắc việc CCHC] 12/03/2024" in html
    assert reminded["lead"].email in html
    auth.logout()
    auth.login(reminded["lead"])
    assert client.get("/reminders/outbox").status_code == 403


def test_settings_page_saves_and_refuses_bad_values(client, auth, ward):
    unit = ward["unit"]
    url = f"/units/{unit.code}/reminders/settings"
    auth.login(ward["lead"])
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(ward["chair"])
    page = client.get(url).get_data(as_text=True)
    assert 'value="7,3,1"' in page
    form = {
        "csrf_token": csrf_token(client, url),
        "days_before": "10, 5,1",
        "on_deadline": "y",
        "overdue_every": "2",
        "escalate_after": "4",
        "digest_weekday": "4",
        "meeting_days_before": "3",
        "required": ["meeting", "before"],  # what the unit's officers cannot turn off
    }
    assert client.post(url, data=form).status_code == 302
    row = db.session.scalar(select(ReminderSettings).where(ReminderSettings.unit_id == unit.id))
    assert (row.days_before, row.overdue_every, row.escalate_after) == ("10,5,1", 2, 4)
    assert row.required == "before,meeting"
    assert (row.digest_weekday, row.copy_supporters, row.on_deadline) == (4, False, True)

    refused = client.post(url, data={**form, "days_before": "abc", "overdue_every": "99"})
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "tối đa 5 số từ 1 đến 60" in html
    assert 'value="abc"' in html  # what was typed is kept
    db.session.refresh(row)
    assert row.days_before == "10,5,1"



def test_settings_page_says_what_is_wrong_in_vietnamese(client, auth, ward):
    # WTForms' own "Not a valid integer value." and "Number must be between 0 and 60." used
    # to reach the page (core.forms.Form now gives them in the reader's language).
    from tests.support.english import english_words

    url = f"/units/{ward['unit'].code}/reminders/settings"
    auth.login(ward["chair"])
    form = {
        "csrf_token": csrf_token(client, url),
        "days_before": "7,3,1",
        "overdue_every": "mười",
        "escalate_after": "999",
        "digest_weekday": "4",
        "meeting_days_before": "-1",
    }
    html = client.post(url, data=form).get_data(as_text=True)
    assert "Cần nhập một số nguyên." in html
    assert "Số phải trong khoảng 0 đến 120." in html
    assert "Số phải trong khoảng 0 đến 20." in html
    main = html[html.index("<main"):html.index("</main>")]
    assert not english_words(re.sub(r"<[^>]*>", " ", main))  # the words, not the markup
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.post(url, data={**form, "csrf_token": csrf_token(client, url)}).get_data(
        as_text=True
    )
    assert "Not a valid integer value." in html and "Number must be between 0 and 120." in html


def test_unit_page_queries_do_not_grow_with_its_reminders(
    app, client, auth, ward, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "TRACKER_MAIL_TRANSPORT", OUTBOX)
    gen_task(ward["plan"], ward["lead"], deadline=DAY, supporters=[ward["helper"]])
    db.session.commit()
    run_pass(DAY, now=morning(DAY))
    auth.login(ward["chair"])
    url = f"/units/{ward['unit'].code}/reminders"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(20):
        gen_task(ward["plan"], ward["other"], deadline=date(2024, 3, 13), title=f"Thêm {n}")
    db.session.commit()
    run_pass(DAY, now=morning(DAY))
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_the_defaults_are_written_once(app):
    """The form's first values, saved, are the rules of a unit without settings."""
    saved = save_settings(db.session, gen_unit(), SettingsInput.from_policy(DEFAULT_POLICY))
    assert saved == DEFAULT_POLICY == ReminderPolicy()
    row = ReminderSettings(unit_id=gen_unit().id)  # a bare row: no weekly digest (None)
    db.session.add(row)
    db.session.flush()
    bare = ReminderPolicy.from_settings(row)
    assert bare == ReminderPolicy(digest_weekday=None)



def test_make_run_opens_the_outbox_page_it_promises():
    # `make run` keeps mail in the outbox; its web server runs under `flask run`, which sets
    # app.debug from FLASK_DEBUG, so the page is opened by TRACKER_MAIL_OUTBOX explicitly.
    root = Path(__file__).resolve().parents[2]
    dry_run = subprocess.run(
        ["make", "-n", "-s", "run"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    web = next(line for line in dry_run.splitlines() if " run --host " in line)
    assert "TRACKER_MAIL_OUTBOX=1" in web
    smtp = subprocess.run(
        ["make", "-n", "-s", "run", "TRACKER_MAIL_TRANSPORT=smtp"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    assert "TRACKER_MAIL_OUTBOX" not in smtp
