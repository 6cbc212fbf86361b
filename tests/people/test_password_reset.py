"""“Quên mật khẩu”: the same answer whether or not the address exists, a single-use link."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from tests.conftest import csrf_token
from tests.factories import PASSWORD, gen_officer
from tests.people.conftest import link_path, wait_for_mail
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.people.operations import authenticate
from tracker.people.throttle import RESET_LETTERS_PER_ACCOUNT, RESET_REQUESTS_PER_ADDRESS


def _ask(client, email: str):
    data = {"email": email, "csrf_token": csrf_token(client, "/password/forgot")}
    return client.post("/password/forgot", data=data, follow_redirects=True)


def _answer(response, email: str) -> str:
    main = response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'value="[^"]*"', "", main).replace(email, "EMAIL")


def test_the_login_page_offers_it(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_same_answer_known_or_unknown_address_and_a_link_only_to_the_known(
    client, ward, mail_to
):
    unit, _chair = ward
    officer = gen_officer(unit, email="an@phuong.example")
    gone = gen_officer(unit, email="nghi@phuong.example")
    gone.active = False
    db.session.commit()
    known = _ask(client, "An@Phuong.example ")
    unknown = _ask(client, "khong-co@phuong.example")
    inactive = _ask(client, "nghi@phuong.example")
    assert known.status_code == unknown.status_code == inactive.status_code == 200
    assert _answer(known, "An@Phuong.example") == _answer(unknown, "khong-co@phuong.example")
    assert _answer(known, "An@Phuong.example") == _answer(inactive, "nghi@phuong.example")
    [message] = wait_for_mail(mail_to, "an@phuong.example")
    time.sleep(0.2)  # a letter to the others would have come by now
    assert mail_to.to("khong-co@phuong.example") == mail_to.to("nghi@phuong.example") == []

    path = link_path(message)
    assert path.startswith("/password/reset/")
    page = client.get(path)
    assert page.status_code == 200
    data = {
        "new_password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1",
        "csrf_token": csrf_token(client, path),
    }
    assert client.post(path, data=data).status_code == 302
    assert authenticate(db.session, officer.email, "mat-khau-moi-1") == officer
    assert authenticate(db.session, officer.email, PASSWORD) is None
    assert client.get(path).status_code == 400  # used


def test_the_answer_never_waits_for_the_mail_server(client, ward, mail_to):
    """The letter goes out on a thread of its own: a known address is answered while the mail
    server still holds its letter, as fast as an unknown one (no timing: the server is held)."""
    unit, _chair = ward
    gen_officer(unit, email="an@phuong.example")
    db.session.commit()
    mail_to.collector.open.clear()  # the server takes each letter only when let go
    try:
        for _ in range(5):
            assert _ask(client, "an@phuong.example").status_code == 200
        # every answer came back; had one waited for its letter, the server would hold it still
        assert mail_to.to("an@phuong.example") == []
    finally:
        mail_to.collector.open.set()
    # Five asked, the account's pace lets three letters go in the hour (same answer each time).
    assert len(wait_for_mail(mail_to, "an@phuong.example", RESET_LETTERS_PER_ACCOUNT)) == 3
    time.sleep(0.2)
    assert len(mail_to.to("an@phuong.example")) == 3


def test_an_account_gets_a_few_letters_an_hour_and_the_answer_never_tells(
    client, ward, mail_to, clock
):
    unit, _chair = ward
    gen_officer(unit, email="an@phuong.example")
    db.session.commit()
    answers = [_answer(_ask(client, "an@phuong.example"), "an@phuong.example") for _ in range(4)]
    assert len(set(answers)) == 1
    assert len(wait_for_mail(mail_to, "an@phuong.example", 3)) == 3
    time.sleep(0.2)
    assert len(mail_to.to("an@phuong.example")) == 3
    clock(utcnow() + timedelta(hours=1, minutes=1))
    _ask(client, "an@phuong.example")
    assert len(wait_for_mail(mail_to, "an@phuong.example", 4)) == 4


def test_one_machine_asking_for_many_accounts_is_told_to_wait(client, ward, mail_to):
    for n in range(RESET_REQUESTS_PER_ADDRESS):
        assert _ask(client, f"thu-{n}@phuong.example").status_code == 200
    refused = _ask(client, "thu-cuoi@phuong.example")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "quá nhiều yêu cầu đặt lại mật khẩu" in page
    assert 'value="thu-cuoi@phuong.example"' in page  # the form kept as typed


def test_a_reset_link_expires_after_two_hours(client, ward, mail_to, clock):
    unit, _chair = ward
    gen_officer(unit, email="an@phuong.example")
    db.session.commit()
    _ask(client, "an@phuong.example")
    [message] = wait_for_mail(mail_to, "an@phuong.example")
    clock(utcnow() + timedelta(hours=2, seconds=1))
    expired = client.get(link_path(message))
    assert expired.status_code == 400
    assert "hết hạn" in expired.get_data(as_text=True)


def test_bad_input_is_answered_not_crashed(client, ward):
    for email in ("", "x" * 3000, "a\x00b@c.d", "🙂@🙂"):
        data = {"email": email, "csrf_token": csrf_token(client, "/password/forgot")}
        # NUL: refused before any view (core.security), with a message
        assert client.post("/password/forgot", data=data).status_code in (200, 302, 400)
