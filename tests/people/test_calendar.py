from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_unit
from tracker.extensions import db
from tracker.people.models import Role, UnitCalendarDay
from tracker.people.queries import unit_calendar


def test_leader_adds_and_withdraws_a_unit_day_off(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    db.session.commit()
    auth.login(chair)
    path = f"/units/{unit.code}/calendar"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "day": "15/03/2024",
            "kind": "off",
            "note": "Đại hội",
        },
    )
    assert response.status_code == 302
    assert not unit_calendar(db.session, unit.id).is_working_day(date(2024, 3, 15))
    assert "15/03/2024" in client.get(path).get_data(as_text=True)
    row = db.session.scalar(select(UnitCalendarDay))
    response = client.post(
        f"{path}/withdraw", data={"csrf_token": csrf_token(client, path), "row_id": str(row.id)}
    )
    assert response.status_code == 302
    assert unit_calendar(db.session, unit.id).is_working_day(date(2024, 3, 15))
    assert db.session.scalar(select(UnitCalendarDay)).archived_at is not None  # kept, not deleted


def test_officer_sees_but_cannot_change_the_calendar(client, auth):
    unit = gen_unit()
    officer = gen_officer(unit)
    db.session.commit()
    auth.login(officer)
    path = f"/units/{unit.code}/calendar"
    assert client.get(path).status_code == 200
    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "day": "15/03/2024", "kind": "off"}
    )
    assert response.status_code == 403


def test_bad_day_is_said(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    db.session.commit()
    auth.login(chair)
    path = f"/units/{unit.code}/calendar"
    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "day": "32/13/2024", "kind": "off"}
    )
    assert response.status_code == 200
    assert "không hợp lệ" in response.get_data(as_text=True)


def test_the_national_holidays_are_named_in_the_readers_language(client, auth, clock):
    unit = gen_unit()
    officer = gen_officer(unit)
    db.session.commit()
    clock(date(2026, 3, 2))
    auth.login(officer)
    path = f"/units/{unit.code}/calendar"
    html = client.get(path).get_data(as_text=True)
    assert "17/02/2026 · Tết Nguyên Đán" in html
    assert "27/04/2026 · Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" in html
    assert "Ngày nghỉ (thay cho ngày 22/08/2026)" in html
    assert "Lunar" not in html and "Hung Kings" not in html
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(path).get_data(as_text=True)
    assert "Lunar New Year" in html
    assert "Day off (substituted from 22/08/2026)" in html  # dd/mm/yyyy in English too
