"""Fixtures: one migrated database per run, a rolled-back transaction per test.

Tests that request `demo_database` run, still in a rolled-back transaction, on a second
database where the demo ward was loaded and committed once per run (a load costs a second or
more: it was done again by each of the tests that build on the demo).

A module whose tests all start from the same world builds it once (`module_database`): the world
is written in a transaction held open for the whole module, and each test runs in a savepoint of
it, rolled back afterwards, so that each still sees the world as built.
"""

from __future__ import annotations

import contextlib
import secrets

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event

from config import TestingConfig
from tests.factories import PASSWORD
from tests.support.databases import copy_of_database, fresh_database
from tracker import create_app
from tracker.extensions import db


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    """The URL of a database the migrations built, once per run; copied, never used itself."""
    directory = tmp_path_factory.mktemp("template")
    with fresh_database(directory, label="template") as url:
        app = create_app(
            TestingConfig, SQLALCHEMY_DATABASE_URI=url, TRACKER_UPLOAD_DIR=str(directory / "up")
        )
        with app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()  # PostgreSQL copies a template nobody is connected to
        yield url


@pytest.fixture(scope="session")
def migrated_database(_migrated_template):
    """`with migrated_database(directory, label) as url:` a new database at the migrations'
    head (a copy of one migrated once per run), dropped afterwards. tests/test_migrations.py
    runs the migrations themselves."""

    def make(directory, label: str = "test"):
        return copy_of_database(_migrated_template, directory, label)

    return make


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, migrated_database):
    with migrated_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        TRACKER_UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
    )
    with app.app_context():
        db.session.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _demo_engine(tmp_path_factory, migrated_database):
    """The engine of a database with the demo ward loaded and committed, made once per run by
    an app of its own (so its engine has the same settings and listeners)."""
    from tracker.demo.loader import load_demo

    directory = tmp_path_factory.mktemp("demo")
    with migrated_database(directory, label="demo") as url:
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url,
            TRACKER_UPLOAD_DIR=str(directory / "uploads"),
        )
        with app.app_context():
            load_demo(db.session)
            db.session.commit()
            db.session.remove()
            engine = db.engine
        try:
            yield engine
        finally:
            engine.dispose()


@contextlib.contextmanager
def _bound(app, connection):
    """Every session of `app` on `connection` until the block ends (in the app's context)."""
    engines = db._app_engines[app]
    engine = engines[None]
    engines[None] = connection
    try:
        yield
    finally:
        db.session.remove()
        engines[None] = engine


@pytest.fixture
def app(_app, request):
    """The app with its database bound to one transaction, rolled back after the test: the
    empty migrated database, or the demo ward's one when the test asks for `demo_database`,
    or a savepoint of its module's world when the test asks for `module_database`."""
    with _app.app_context():
        if "module_database" in request.fixturenames:
            assert "demo_database" not in request.fixturenames, "one world or the other"
            connection = request.getfixturevalue("module_database").connection
            transaction, own = connection.begin_nested(), False
        elif "demo_database" in request.fixturenames:
            connection = request.getfixturevalue("_demo_engine").connect()
            transaction, own = connection.begin(), True
        else:
            connection = db.engine.connect()
            transaction, own = connection.begin(), True
        try:
            with _bound(_app, connection):
                yield _app
        finally:
            transaction.rollback()
            if own:
                connection.close()


class ModuleDatabase:
    """One connection, in one transaction, for a module's tests (see `module_database`)."""

    def __init__(self, app, connection):
        self.app = app
        self.connection = connection

    @contextlib.contextmanager
    def building(self):
        """`with module_database.building():` what the block commits is the world each test of
        the module starts from (in the transaction, never committed to the database)."""
        with self.app.app_context(), _bound(self.app, self.connection):
            yield


@pytest.fixture(scope="module")
def module_database(_app):
    """The module's world, built once: a module-scoped fixture builds it in
    `with module_database.building():` and keeps the ids, never the objects (each test has a
    session of its own); `app` then runs each test in a savepoint of this transaction and rolls
    it back, so that no test sees what another wrote. For the modules whose every test builds
    the same world before a few requests (tests/test_permissions_matrix.py)."""
    with _app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    try:
        yield ModuleDatabase(_app, connection)
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture
def demo_database(app):
    """Ask for it (directly or through a fixture) and `app` runs on the demo ward's database:
    `load_demo` there finds everything loaded and creates nothing."""
    return app


class Client(FlaskClient):
    def open(self, *args, **kwargs):
        # Requests reuse the test's app context: its `g` (logged-in officer, CSRF token) must
        # not leak from one client's request into another's.
        for key in list(g):
            g.pop(key)
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def clock():
    """`clock(moment)` stands the product's clock (tracker.core.clock) at an aware datetime, or at
    10:00 local time on a date, for the rest of the test; the one way tests set the time."""
    from tracker.core import clock as product_clock

    yield product_clock.set_now
    product_clock.set_now(None)


@pytest.fixture(autouse=True)
def _kept_values_forgotten():
    """Each test's world reuses ids (and, rolled back, never commits a version): what pages
    keep in process (tracker.core.versions) starts empty."""
    from tracker.core.versions import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture
def client(app):
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def token_in(html: str, where: str = "the page") -> str:
    """The (first) CSRF token a page's HTML embeds in its forms."""
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {where}"
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, as a page would embed it."""
    return token_in(client.get(path, follow_redirects=True).get_data(as_text=True), path)


def session_csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session, signed as Flask-WTF's generate_csrf signs it for
    a page, without asking for a page: a logged-in officer's GET /login is sent on to the home
    page, the dashboard, whose rendering cost more than the rest of a log-out."""
    from itsdangerous import URLSafeTimedSerializer

    app = client.application
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, officer_or_email, password: str = PASSWORD):
        email = getattr(officer_or_email, "email", officer_or_email)
        return self._client.post(
            "/login",
            # the session's token, not the login page's: one request, not two, for each login
            data={
                "email": email, "password": password,
                "csrf_token": session_csrf_token(self._client),
            },
        )

    def enter(self, officer):
        """Logged in as `login` leaves the client (a session started on the server, Flask-Login's
        cookie with its "strong" protection mark), without the form: for the permission matrix,
        whose thousands of tests are about what comes after the login, not the login itself
        (throttle, log, second step: a third of each test's time)."""
        from flask import session as flask_session
        from flask_login import login_user

        from tracker.people.sessions import start_session

        app = self._client.application
        # the client's own address and User-Agent: the "strong" mark is made of them
        with app.test_request_context(environ_base=self._client.environ_base) as context:
            environ = context.request.environ
            start_session(
                db.session, officer,
                address=environ["REMOTE_ADDR"], user_agent=environ.get("HTTP_USER_AGENT", ""),
            )
            db.session.commit()
            login_user(officer)
            values = dict(flask_session)
        with self._client.session_transaction() as client_session:
            client_session.update(values)

    def logout(self):
        """Log out and land where a browser lands (the login page, which shows the flash "Đã
        đăng xuất." once): the next login does not ask for a page, so the flash would follow."""
        response = self._client.post(
            "/logout", data={"csrf_token": session_csrf_token(self._client)}
        )
        if response.location:
            self._client.get(response.location)
        return response


@pytest.fixture
def auth(client):
    return AuthActions(client)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Use as `with count_queries() as q: ...; q.count`."""
    import contextlib

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        engine = db._app_engines[app][None].engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
