from tests.conftest import csrf_token
from tests.factories import gen_officer
from tracker.extensions import db


def test_login_and_logout(client, auth):
    officer = gen_officer()
    db.session.commit()
    response = auth.login(officer)
    assert response.status_code == 302
    assert client.get("/auth-probe-not-found").status_code == 404
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_and_form_kept(client, auth):
    officer = gen_officer()
    db.session.commit()
    response = auth.login(officer, "wrong-password")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Email hoặc mật khẩu không đúng" in html
    assert officer.email in html


def test_post_without_csrf_token_is_refused(client):
    officer = gen_officer()
    db.session.commit()
    response = client.post("/login", data={"email": officer.email, "password": "mat-khau-123"})
    assert response.status_code == 400


def test_change_password_signs_out_other_sessions(app, client, auth):
    officer = gen_officer()
    db.session.commit()
    other = app.test_client()
    other_auth = type(auth)(other)
    other_auth.login(officer)
    auth.login(officer)
    token = csrf_token(client, "/password")
    response = client.post(
        "/password",
        data={
            "current_password": "mat-khau-123",
            "new_password": "mat-khau-moi-456",
            "confirm": "mat-khau-moi-456",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert client.get("/password").status_code == 200
    assert other.get("/password").status_code == 302  # the other session is signed out


def test_entering_without_the_form_leaves_the_client_as_the_login_does(client, auth):
    """`auth.enter`, which the permission matrix uses, must stand for a real login: the same
    pages open, and the session is a real one of the server's (a logout ends it)."""
    officer = gen_officer()
    db.session.commit()
    auth.login(officer)
    logged_in = client.get("/my-tasks")
    auth.logout()
    assert client.get("/my-tasks").status_code == 302
    auth.enter(officer)
    entered = client.get("/my-tasks")
    assert entered.status_code == logged_in.status_code == 200
    assert officer.full_name in entered.get_data(as_text=True)
    cookie = client.get_cookie("session")
    auth.logout()
    assert client.get("/my-tasks").status_code == 302
    client.set_cookie("session", cookie.value)  # the cookie captured before the logout
    assert client.get("/my-tasks").status_code == 302
