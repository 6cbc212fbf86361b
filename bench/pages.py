"""Page speed of issue 3: a generated city on PostgreSQL, served by gunicorn, read over HTTP.

    .venv/bin/python bench/pages.py [--units 140] [--requests 60] [--keep-db]
        [--redmine http://127.0.0.1:3000 --redmine-login LOGIN:PASSWORD]

Creates a fresh PostgreSQL database, migrates it (`tracker db upgrade`), generates the city
(`tracker demo generate --units N`: 75 tasks and 20 officers per ward), starts the app under
gunicorn with the production settings, logs in over HTTP as a plain officer of one ward and as
its chairperson, and times each page: warm-up requests, then timed requests, one at a time on a
kept-alive connection, each read to its last byte. It prints, per page, the median and the 90th
percentile against the target of issue 3 and Redmine 5 on the same city, and the number of SQL
queries the page issues (counted in-process with Flask's test client against the same database).

With --redmine, a Redmine 5 serving a city of the same shape (bench/README.md says how to set
one up) is timed in the same rounds, logged in as a member of its first project: its version
page, "my page", the project's roadmap and one issue, the peers of the plan page, "Việc của tôi",
the dashboard and the task page. Without it, the table quotes Redmine's times of issue 3.

The numbers are printed, never asserted by the test suite: timing depends on the machine.
Exit status: 0 when the benchmark ran (1 with --strict if a page missed its target), 2 when it
could not run. The database is dropped at the end unless --keep-db.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
USER_AGENT = "tracker-bench/1 (http.client)"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RAILS_CSRF = re.compile(r'name="authenticity_token" value="([^"]+)"')

# Redmine 5 (Puma, PostgreSQL) serving the same city on this machine, as issue 3 reports it;
# --redmine times a running one in the same run instead.
REDMINE = {
    "plan": ("version page, 28 issues", 97.0),
    "mine": ('"my page"', 77.0),
    "dashboard": ("roadmap", 173.0),
    "task": ("one issue", 121.0),
}
# Issue 10's limits: these four pages within 5 times the floor (/healthz, measured in the same
# run), the review meeting and Phụ lục 1 under a fixed time.
FLOOR_TIMES = {"plan": 5.0, "mine": 5.0, "dashboard": 5.0, "task": 5.0}
TARGETS_MS = {"meeting": 15.0, "appendix": 10.0}


class BenchError(Exception):
    """The benchmark cannot go on; the message says why, in one line or a few."""


# --------------------------------------------------------------------------------------------
# Output


def say(message: str = "") -> None:
    print(message, flush=True)


@contextlib.contextmanager
def step(title: str) -> Iterator[None]:
    say(f"-- {title} …")
    started = time.perf_counter()
    yield
    say(f"   done in {time.perf_counter() - started:.1f} s")


# --------------------------------------------------------------------------------------------
# PostgreSQL


def admin_engine(server_url: str):
    from sqlalchemy import create_engine

    return create_engine(server_url, isolation_level="AUTOCOMMIT")


def create_database(server_url: str, name: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    engine = admin_engine(server_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            version = conn.execute(text("SHOW server_version")).scalar()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise BenchError(f"cannot create database {name} on {server_url}: {reason}") from None
    finally:
        engine.dispose()
    say(f"   PostgreSQL {version}, database {name}")
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def backend_pids(server_url: str, name: str) -> list[int]:
    """PostgreSQL backends connected to the database (the server's pooled connection)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    engine = admin_engine(server_url)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name}
                ).scalars()
            )
    except SQLAlchemyError:
        return []
    finally:
        engine.dispose()


def vacuum_analyze(database_url: str, random_page_cost: float | None) -> None:
    """Statistics and visibility maps, as autovacuum leaves them on a database in use: right
    after a bulk load the planner has none and picks plans no running server would. And the
    planner's cost of a random read as the README's deployment notes set it for SSD storage
    (PostgreSQL's default of 4 dates from spinning disks)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
            if random_page_cost is not None:
                name = make_url(database_url).database
                conn.execute(
                    text(f'ALTER DATABASE "{name}" SET random_page_cost = {random_page_cost:g}')
                )
    finally:
        engine.dispose()


def drop_database(server_url: str, name: str) -> None:
    from sqlalchemy import text

    engine = admin_engine(server_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# The tracker command and the server


def tracker_command(*args: str) -> list[str]:
    # The console script's entry point, run by this interpreter (no PATH lookup).
    return [sys.executable, "-c", "from tracker.cli import main; main()", *args]


def run_tracker(*args: str) -> str:
    result = subprocess.run(
        tracker_command(*args), cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise BenchError(f"`tracker {' '.join(args)}` failed ({result.returncode}):\n{output}")
    return result.stdout


@dataclass
class City:
    """The generated city's database, for the length of one benchmark."""

    name: str
    database_url: str
    workdir: Path  # a throwaway instance folder and uploads
    generation_seconds: float
    apps: list = field(default_factory=list)  # apps whose pooled connections to close first


@contextlib.contextmanager
def generated_city(
    server: str, label: str, units: int, random_page_cost: float | None, keep_db: bool
) -> Iterator[City]:
    """A fresh database with the city of `units` generated wards, migrated, generated and
    analysed; dropped afterwards (unless `keep_db`), also after an error or Ctrl-C.

    Everything started inside (the tracker command, gunicorn, an in-process app) reads the
    environment set here: the production settings, this database, a throwaway instance folder.
    """
    name = f"tracker_bench{label}_{os.getpid()}_{secrets.token_hex(2)}"
    created = False
    city: City | None = None
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        workdir = Path(tmp)
        try:
            with step("creating the database"):
                database_url = create_database(server, name)
                created = True
            os.environ.update(
                TRACKER_CONFIG="production",
                SECRET_KEY=secrets.token_hex(32),
                DATABASE_URL=database_url,
                TRACKER_INSTANCE_PATH=str(workdir / "instance"),
                TRACKER_UPLOAD_DIR=str(workdir / "uploads"),
                # Production asks leaders for a second step at login; the bench logs in with the
                # password only. The second step costs the login, not the pages measured here.
                TRACKER_2FA_ROLES="",
            )
            with step("migrating (tracker db upgrade)"):
                run_tracker("db", "upgrade")
            say(f"-- generating the city (tracker demo generate --units {units}) …")
            started = time.perf_counter()
            output = run_tracker("demo", "generate", "--units", str(units))
            generation = time.perf_counter() - started
            for line in output.strip().splitlines():
                say(f"   {line.strip()}")
            say(f"   generation: {generation:.1f} s wall time, command included")
            with step("VACUUM (ANALYZE), as autovacuum would soon after such a load"):
                vacuum_analyze(database_url, random_page_cost)
            city = City(name, database_url, workdir, generation)
            yield city
        finally:
            if created:
                _release(city, server, name, keep_db)


@contextlib.contextmanager
def kept_city(server: str, name: str) -> Iterator[City]:
    """The city of an earlier run kept with --keep-db (--database): neither generated again nor
    dropped afterwards; the same environment as `generated_city`."""
    from sqlalchemy.engine import make_url

    database_url = make_url(server).set(database=name).render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        workdir = Path(tmp)
        os.environ.update(
            TRACKER_CONFIG="production",
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=database_url,
            TRACKER_INSTANCE_PATH=str(workdir / "instance"),
            TRACKER_UPLOAD_DIR=str(workdir / "uploads"),
            TRACKER_2FA_ROLES="",
        )
        say(f"-- reusing the kept database {name} (not generated, not dropped)")
        city = City(name, database_url, workdir, 0.0)
        try:
            yield city
        finally:
            from tracker.extensions import db

            for app in city.apps:
                with app.app_context():
                    db.engine.dispose()


def _release(city: City | None, server: str, name: str, keep_db: bool) -> None:
    if keep_db:
        say(f"kept the database: {os.environ.get('DATABASE_URL')}")
        say(f"drop it with: psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE \"{name}\"'")
        return
    try:
        if city is not None:
            from tracker.extensions import db

            for app in city.apps:
                with app.app_context():
                    db.engine.dispose()
        drop_database(server, name)
        say(f"dropped the database {name}")
    except Exception as exc:  # report, and still exit with the run's status
        say(f"bench: could not drop the database {name}: {exc}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    description: str

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(workdir: Path, worker_class: str, threads: int) -> Server:
    try:
        import gunicorn
    except ImportError:
        raise BenchError(
            "gunicorn is not installed in this virtualenv: `.venv/bin/pip install -e .`"
        ) from None
    port = free_port()
    log = workdir / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        worker_class,
        "--keep-alive",
        "30",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    command.append("tracker:create_app()")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    server = Server(
        process,
        port,
        log,
        f"gunicorn {gunicorn.__version__}, 1 worker ({worker_class}"
        + (f", {threads} threads" if worker_class == "gthread" else "")
        + f") on 127.0.0.1:{port}",
    )
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise BenchError(f"gunicorn did not answer /healthz within 30 s:\n{server.log_tail()}")
        time.sleep(0.1)


# --------------------------------------------------------------------------------------------
# A small HTTP client: one kept-alive connection, cookies by name (the session cookie is marked
# Secure by the production settings; this client sends it over plain HTTP to 127.0.0.1).


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class HttpClient:
    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port = port
        self.extra_headers = headers or {}
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"User-Agent": USER_AGENT, "Accept-Language": "vi", **self.extra_headers}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self._conn.request(method, path, body=body, headers=headers)
                raw = self._conn.getresponse()
                data = raw.read()
            except (http.client.HTTPException, ConnectionError):
                self.close()  # the server closed a kept-alive connection: once more, anew
                if attempt == 2:
                    raise
                continue
            if raw.will_close:
                self.close()
            self._keep_cookies(raw.headers)
            return Response(raw.status, raw.headers, data)
        raise AssertionError("unreachable")

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def login(self, email: str, password: str) -> None:
        page = self.request("GET", "/login")
        match = CSRF.search(page.body.decode("utf-8", "replace"))
        if page.status != 200 or match is None:
            raise BenchError(f"GET /login answered {page.status} without a CSRF token")
        answer = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": match[1]}
        )
        if answer.status != 302:
            raise BenchError(f"logging in as {email} failed: POST /login answered {answer.status}")
        check = self.request("GET", "/my-tasks")
        if check.status != 200:
            raise BenchError(f"logged in as {email}, yet GET /my-tasks answered {check.status}")


# --------------------------------------------------------------------------------------------
# What is measured


@dataclass
class Page:
    key: str  # "plan", "mine", "dashboard", "task", or "" for pages without a target
    label: str
    user: str  # "officer", "chairperson" or "" (anonymous)
    path: str
    note: str = ""
    timings: list[float] = field(default_factory=list)
    queries: int | None = None
    floor: float | None = None  # the median of /healthz in the same run, once timed
    peer_measured: tuple[str, float] | None = None  # --redmine: its peer's path and median

    @property
    def target(self) -> float | None:
        if self.key in FLOOR_TIMES:
            return None if self.floor is None else FLOOR_TIMES[self.key] * self.floor
        return TARGETS_MS.get(self.key)

    @property
    def floor_ratio(self) -> float | None:
        if self.floor is None or not self.timings:
            return None
        return self.median / self.floor

    @property
    def peer(self) -> tuple[str, float] | None:
        if self.key in REDMINE and self.peer_measured is not None:
            return self.peer_measured
        return REDMINE.get(self.key)

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p90(self) -> float:
        ordered = sorted(self.timings)
        return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]  # nearest rank

    @property
    def passed(self) -> bool | None:
        if self.target is None or not self.timings:
            return None
        return self.median < self.target


@dataclass
class Subjects:
    ward_code: str
    ward_name: str
    officer_email: str
    officer_name: str
    officer_tasks: int
    chair_email: str
    plan_id: int
    plan_tasks: int
    task_id: int
    task_title: str
    has_dashboard: bool
    password: str
    city: dict[str, int]
    meeting_id: int | None = None  # the ward's March 2024 review meeting, opened by the bench
    period_id: int | None = None  # its Q1 2024 reporting period (Phụ lục 1)


def add_meeting_and_period(app, s: Subjects) -> None:
    """Open the ward's March 2024 meeting and its Q1 2024 reporting period, as the focal
    officer would, so that their pages are timed too (for information)."""
    from datetime import date, time

    from sqlalchemy import select

    from tracker.appendix.models import PeriodKind, ReportingPeriod
    from tracker.appendix.operations import create_period
    from tracker.extensions import db
    from tracker.meetings.models import Meeting
    from tracker.meetings.operations import MeetingInput, open_meeting
    from tracker.people.models import Officer, Unit

    with app.app_context():
        ward = db.session.scalar(select(Unit).where(Unit.code == s.ward_code))
        chair = db.session.scalar(select(Officer).where(Officer.email == s.chair_email))
        # A kept city (--database) has them from its first run.
        meeting_id = db.session.scalar(
            select(Meeting.id).where(
                Meeting.unit_id == ward.id, Meeting.year == 2024, Meeting.month == 3
            )
        )
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(
                ReportingPeriod.unit_id == ward.id,
                ReportingPeriod.start == date(2023, 12, 14),
                ReportingPeriod.end == date(2024, 3, 12),
            )
        )
        if meeting_id is not None and period_id is not None:
            s.meeting_id, s.period_id = meeting_id, period_id
            return
        data = MeetingInput(2024, 3, date(2024, 3, 15), time(8), "Hội trường", "", chair.id)
        s.meeting_id = open_meeting(db.session, ward, data, chair).id
        period = create_period(
            db.session, ward, PeriodKind.QUARTER, "Quý I năm 2024", date(2023, 12, 14),
            date(2024, 3, 12),
        )
        s.period_id = period.id
        db.session.commit()


def make_app(database_url: str):
    from tracker import create_app

    return create_app("production", SQLALCHEMY_DATABASE_URI=database_url)


def pick_subjects(app, ward_index: int) -> Subjects:
    """The ward, its plain officer with the most tasks, its chairperson, plan and task."""
    from sqlalchemy import func, or_, select

    from tracker.demo.dataset import load_dataset
    from tracker.demo.generate import ward_code
    from tracker.extensions import db
    from tracker.people.models import Officer, OfficerRole, Role, Unit, UnitKind
    from tracker.plans.models import Plan, PlanKind
    from tracker.tasks.models import Evidence, Task, task_supporters

    code = ward_code(ward_index)
    with app.app_context():
        session = db.session
        ward = session.scalar(select(Unit).where(Unit.code == code))
        if ward is None:
            raise BenchError(f"the generated city has no ward {code}")
        chair = session.scalar(
            select(Officer)
            .join(OfficerRole)
            .where(Officer.unit_id == ward.id, OfficerRole.role == Role.CHAIRPERSON)
        )
        plain = [
            o
            for o in session.scalars(select(Officer).where(Officer.unit_id == ward.id))
            if o.roles == {Role.OFFICER}
        ]
        led = dict(
            session.execute(
                select(Task.lead_officer_id, func.count())
                .where(Task.lead_officer_id.in_([o.id for o in plain]))
                .group_by(Task.lead_officer_id)
            ).all()
        )
        if chair is None or not led:
            raise BenchError(f"ward {code} has no chairperson or no plain officer leading a task")
        officer = max(plain, key=lambda o: (led.get(o.id, 0), -o.id))
        supported = select(task_supporters.c.task_id).where(
            task_supporters.c.officer_id == officer.id
        )
        officer_tasks = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(or_(Task.lead_officer_id == officer.id, Task.id.in_(supported)))
        )
        plan = session.scalar(
            select(Plan).where(Plan.unit_id == ward.id, Plan.kind == PlanKind.ANNUAL_REFORM)
        )
        if plan is None:
            raise BenchError(f"ward {code} has no annual reform plan")
        plan_tasks = session.scalar(
            select(func.count()).select_from(Task).where(Task.plan_id == plan.id)
        )
        # The officer's richest task: done with evidence, with supporters; else any of theirs.
        evidence_count = select(func.count()).where(Evidence.task_id == Task.id).scalar_subquery()
        supporter_count = (
            select(func.count()).where(task_supporters.c.task_id == Task.id).scalar_subquery()
        )
        task = session.scalars(
            select(Task)
            .where(Task.lead_officer_id == officer.id)
            .order_by(
                (Task.plan_id == plan.id).desc(),
                evidence_count.desc(),
                supporter_count.desc(),
                Task.id,
            )
            .limit(1)
        ).first()
        if task is None:
            raise BenchError(f"{officer.email} leads no task")
        city = {
            "wards": session.scalar(
                select(func.count()).select_from(Unit).where(Unit.kind == UnitKind.WARD)
            ),
            "officers": session.scalar(select(func.count()).select_from(Officer)),
            "plans": session.scalar(select(func.count()).select_from(Plan)),
            "tasks": session.scalar(select(func.count()).select_from(Task)),
        }
        has_dashboard = any(
            rule.rule == "/units/<unit_code>/dashboard" for rule in app.url_map.iter_rules()
        )
        return Subjects(
            ward_code=code,
            ward_name=ward.name,
            officer_email=officer.email,
            officer_name=officer.full_name,
            officer_tasks=officer_tasks,
            chair_email=chair.email,
            plan_id=plan.id,
            plan_tasks=plan_tasks,
            task_id=task.id,
            task_title=task.title,
            has_dashboard=has_dashboard,
            password=load_dataset().password,
            city=city,
        )


def pages_for(s: Subjects) -> list[Page]:
    pages = [
        Page("", "/healthz (floor)", "", "/healthz"),
        Page("plan", "plan page", "officer", f"/plans/{s.plan_id}"),
        Page("plan", "plan page", "chairperson", f"/plans/{s.plan_id}"),
        Page("mine", "Việc của tôi", "officer", "/my-tasks"),
    ]
    if s.has_dashboard:
        pages.append(Page("dashboard", "dashboard (/)", "chairperson", "/"))
    else:
        pages.append(Page("dashboard", "dashboard (/)", "chairperson", "", "not in the app yet"))
    pages += [
        Page("task", "task page", "officer", f"/tasks/{s.task_id}"),
        Page("", "plan list", "chairperson", f"/units/{s.ward_code}/plans"),
        Page("", "officers", "chairperson", f"/units/{s.ward_code}/officers"),
    ]
    if s.meeting_id is not None:
        pages.append(
            Page("meeting", "review meeting", "chairperson", f"/meetings/{s.meeting_id}")
        )
    if s.period_id is not None:
        pages.append(Page("appendix", "Phụ lục 1", "chairperson", f"/appendix/{s.period_id}"))
    return pages


def count_queries(app, s: Subjects, pages: list[Page]) -> None:
    """SQL statements per page, counted in-process on the same database."""
    from sqlalchemy import event

    from tracker.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def counter(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    clients = {}
    for user, email in (("officer", s.officer_email), ("chairperson", s.chair_email)):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        match = CSRF.search(page)
        if match is None:
            raise BenchError("in-process: /login has no CSRF token")
        answer = client.post(
            "/login", data={"email": email, "password": s.password, "csrf_token": match[1]}
        )
        if answer.status_code != 302:
            raise BenchError(f"in-process: logging in as {email} answered {answer.status_code}")
        clients[user] = client
    clients[""] = app.test_client()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        for page in pages:
            if not page.path:
                continue
            client = clients[page.user]
            response = client.get(page.path)  # the same warm state as the timed requests
            if page.key == "dashboard" and response.status_code in (301, 302, 303):
                # "/" does not show the dashboard to this leader: read it at its own address.
                page.path = f"/units/{s.ward_code}/dashboard"
                page.note = "/ redirects"
                response = client.get(page.path)
            statements.clear()
            response = client.get(page.path)
            if response.status_code != 200:
                raise BenchError(
                    f"in-process: GET {page.path} as {page.user or 'anonymous'} "
                    f"answered {response.status_code}"
                )
            page.queries = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    with app.app_context():
        db.engine.dispose()


def time_pages(
    port: int,
    s: Subjects,
    pages: list[Page],
    warmup: int,
    requests: int,
    interleave: bool,
    others: dict[str, HttpClient] | None = None,
) -> None:
    """Page after page: its warm-up requests, then its timed ones. Interleaved: round after
    round, each page once per round, so that a burst of load elsewhere on the machine falls on
    every page alike (each request then also follows another page's, as on a busy server).
    `others`: logged-in clients of another server (Redmine), for the pages whose user names
    them."""
    clients = {"": HttpClient(port), **(others or {})}
    for user, email in (("officer", s.officer_email), ("chairperson", s.chair_email)):
        client = HttpClient(port)
        client.login(email, s.password)
        clients[user] = client
    active = [page for page in pages if page.path]
    rounds = range(warmup + requests)
    if interleave:
        order = [(n, page) for n in rounds for page in active]
    else:
        order = [(n, page) for page in active for n in rounds]
    try:
        for n, page in order:
            client = clients[page.user]
            started = time.perf_counter()
            response = client.request("GET", page.path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                where = response.headers.get("Location", "")
                raise BenchError(
                    f"GET {page.path} as {page.user or 'anonymous'} answered "
                    f"{response.status} {where}".rstrip()
                )
            if n >= warmup:
                page.timings.append(elapsed)
    finally:
        for client in clients.values():
            client.close()


# --------------------------------------------------------------------------------------------
# Redmine 5 beside it (--redmine): the peer pages of the same city, timed in the same rounds


@dataclass
class Redmine:
    url: str
    login: str
    password: str
    project: str

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        if parts.hostname not in ("127.0.0.1", "localhost") or parts.port is None:
            raise BenchError(f"--redmine must be http://127.0.0.1:PORT, not {self.url}")
        return parts.port

    def api(self, path: str) -> dict:
        token = base64.b64encode(f"{self.login}:{self.password}".encode()).decode()
        client = HttpClient(self.port, {"Authorization": f"Basic {token}"})
        try:
            response = client.request("GET", path)
        except OSError as exc:
            raise BenchError(f"Redmine at {self.url} does not answer: {exc}") from None
        finally:
            client.close()
        if response.status != 200:
            raise BenchError(
                f"Redmine answered {response.status} to GET {path} as {self.login} "
                "(is its REST API enabled?)"
            )
        try:
            return json.loads(response.body)
        except ValueError:
            raise BenchError(f"Redmine's GET {path} did not answer JSON") from None

    def logged_in(self) -> HttpClient:
        """A client with Redmine's session cookie, logged in through its form as a person is."""
        client = HttpClient(self.port)
        page = client.request("GET", "/login")
        match = RAILS_CSRF.search(page.body.decode("utf-8", "replace"))
        if page.status != 200 or match is None:
            raise BenchError(f"Redmine's GET /login answered {page.status} without a token")
        answer = client.request(
            "POST",
            "/login",
            {"username": self.login, "password": self.password, "authenticity_token": match[1]},
        )
        if answer.status != 302 or "/login" in answer.headers.get("Location", ""):
            raise BenchError(f"logging in to Redmine as {self.login} failed ({answer.status})")
        return client

    def pages(self) -> list[Page]:
        """The peers of the plan page, "Việc của tôi", the dashboard and the task page."""
        versions = self.api(f"/projects/{self.project}/versions.json")["versions"]
        if not versions:
            raise BenchError(f"Redmine's project {self.project} has no version")
        issues = self.api(
            f"/issues.json?project_id={self.project}&assigned_to_id=me&status_id=*&limit=1"
        )["issues"]
        if not issues:
            raise BenchError(f"no issue of {self.project} is assigned to {self.login}")
        note = "Redmine 5, same rounds"
        return [
            Page("plan", "Redmine version", "redmine", f"/versions/{versions[0]['id']}", note),
            Page("mine", "Redmine my page", "redmine", "/my/page", note),
            Page("dashboard", "Redmine roadmap", "redmine", f"/projects/{self.project}/roadmap",
                 note),
            Page("task", "Redmine issue", "redmine", f"/issues/{issues[0]['id']}", note),
        ]


def compare_with_redmine(pages: list[Page], peers: list[Page]) -> None:
    """Each tracker page with a Redmine peer takes that peer's median of this run."""
    medians = {peer.key: (f"Redmine {peer.path}", peer.median) for peer in peers if peer.timings}
    for page in pages:
        if page.key in medians:
            page.peer_measured = medians[page.key]


def cold_pages(pages: list[Page]) -> list[Page]:
    """The pages that keep what they computed (core.versions), each read again "cold": the
    ward's data version renewed before every request, as by a change just made."""
    return [
        Page("", f"{page.label} cold", page.user, page.path, note="version renewed before each")
        for page in pages
        if page.key in ("dashboard", "task", "meeting", "appendix") and page.path
    ]


def renew_ward(app, s: Subjects) -> None:
    """A new data version for the ward, as any change of its data gives it (the next request
    of its pages computes afresh)."""
    from sqlalchemy import select

    from tracker.core.versions import renew
    from tracker.extensions import db
    from tracker.people.models import Unit

    with app.app_context():
        renew(db.session, [db.session.scalar(select(Unit.id).where(Unit.code == s.ward_code))])
        db.session.commit()


def count_cold_queries(app, s: Subjects, pages: list[Page]) -> None:
    """The statements of each cold page (in-process, the version renewed just before)."""
    from sqlalchemy import event

    from tracker.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def counter(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    for page in pages:
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"  # production's cookies are Secure
        email = s.officer_email if page.user == "officer" else s.chair_email
        form = client.get("/login").get_data(as_text=True)
        match = CSRF.search(form)
        if match is None:
            raise BenchError("in-process: /login has no CSRF token")
        client.post("/login", data={"email": email, "password": s.password,
                                    "csrf_token": match[1]})
        client.get(page.path)
        renew_ward(app, s)
        event.listen(engine, "before_cursor_execute", counter)
        try:
            statements.clear()
            response = client.get(page.path)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        if response.status_code != 200:
            raise BenchError(f"in-process: cold GET {page.path} answered {response.status_code}")
        page.queries = len(statements)
    with app.app_context():
        db.engine.dispose()


def time_cold(app, port: int, s: Subjects, pages: list[Page], requests: int) -> None:
    """Each cold page `requests` times, the ward's version renewed before each request (the
    renewal is not timed)."""
    clients = {}
    for user, email in (("officer", s.officer_email), ("chairperson", s.chair_email)):
        client = HttpClient(port)
        client.login(email, s.password)
        clients[user] = client
    try:
        for page in pages:
            for _ in range(requests):
                renew_ward(app, s)
                started = time.perf_counter()
                response = clients[page.user].request("GET", page.path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    raise BenchError(f"cold GET {page.path} answered {response.status}")
                page.timings.append(elapsed)
    finally:
        for client in clients.values():
            client.close()
    from tracker.extensions import db

    with app.app_context():
        db.engine.dispose()


# --------------------------------------------------------------------------------------------
# How busy the machine was meanwhile (Linux /proc; elsewhere nothing is said)


def _busy_ticks() -> int | None:
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle  # without guest time, already counted in user


def _process_ticks(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _tree_ticks(pid: int) -> int | None:
    """CPU ticks of a process and its children (gunicorn's master and its worker)."""
    total = _process_ticks(pid)
    if total is None:
        return None
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(_process_ticks(int(child)) or 0 for child in children)


@dataclass
class CpuMeter:
    """CPU used by the machine, by this client and by the server during a span of time."""

    server_pid: int
    backend_pids: list[int] = field(default_factory=list)  # PostgreSQL serving the server
    start: tuple | None = None
    others: float | None = None  # in CPUs
    ours: float | None = None

    def __enter__(self) -> CpuMeter:
        self.start = (
            time.monotonic(),
            _busy_ticks(),
            _process_ticks(os.getpid()),
            _tree_ticks(self.server_pid),
            sum(_process_ticks(pid) or 0 for pid in self.backend_pids),
        )
        return self

    def __exit__(self, *exc) -> None:
        end = (
            time.monotonic(),
            _busy_ticks(),
            _process_ticks(os.getpid()),
            _tree_ticks(self.server_pid),
            sum(_process_ticks(pid) or 0 for pid in self.backend_pids),
        )
        if self.start is None or None in self.start or None in end:
            return
        seconds = end[0] - self.start[0]
        hz = os.sysconf("SC_CLK_TCK")
        busy = (end[1] - self.start[1]) / hz
        ours = sum(e - b for e, b in zip(end[2:], self.start[2:], strict=True)) / hz
        if seconds > 0:
            self.ours = ours / seconds
            self.others = max(0.0, busy - ours) / seconds


# --------------------------------------------------------------------------------------------
# The table


def print_table(pages: list[Page], s: Subjects) -> None:
    floors = [p for p in pages if p.path == "/healthz" and p.timings]
    for page in pages:
        page.floor = floors[0].median if floors else None
    header = (
        f"{'page':<16} {'as':<11} {'median':>7} {'p90':>7} {'min':>6} {'target':>6} "
        f"{'x floor':>7} {'Redmine':>7} {'x faster':>8}  {'result':<6} {'SQL':>3}  "
        "path (Redmine 5 peer)"
    )
    say(header)
    say("-" * len(header))
    for page in pages:
        target = f"{page.target:.1f}" if page.target else "—"
        peer = page.peer
        peer_ms = f"{peer[1]:.0f}" if peer else "—"
        if not page.timings:
            say(
                f"{page.label:<16} {page.user:<11} {'—':>7} {'—':>7} {'—':>6} {target:>6} "
                f"{'—':>7} {peer_ms:>7} {'—':>8}  {'n/a':<6} {'—':>3}  {page.note}"
            )
            continue
        ratio = f"{peer[1] / page.median:.1f}" if peer else "—"
        if page.passed is None:
            result = "floor" if page.path == "/healthz" else "info"
        else:
            result = "pass" if page.passed else "FAIL"
        queries = "—" if page.queries is None else str(page.queries)
        where = page.path + (f"  ({peer[0]})" if peer else "")
        floor_ratio = f"{page.floor_ratio:.1f}" if page.floor_ratio is not None else "—"
        say(
            f"{page.label:<16} {page.user:<11} {page.median:>7.2f} {page.p90:>7.2f} "
            f"{min(page.timings):>6.2f} {target:>6} {floor_ratio:>7} {peer_ms:>7} {ratio:>8}  "
            f"{result:<6} {queries:>3}  {where}"
        )
    say("-" * len(header))
    say(
        "ms per request through gunicorn over HTTP, read to the last byte; result = median "
        "against target (plan, my tasks, dashboard, task: 5 x the floor; meeting 15 ms; "
        "Phụ lục 1 10 ms); x floor = median / median of /healthz; x faster = Redmine 5 / "
        "median; SQL = statements the page issues."
    )


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=140, help="wards to generate (140)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (60)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per page (10)")
    parser.add_argument("--ward", type=int, default=1, help="which generated ward to read (1)")
    parser.add_argument(
        "--random-page-cost",
        type=float,
        default=1.1,
        help="the database's random_page_cost, as deployed on SSD (1.1; 4 is PostgreSQL's "
        "default for spinning disks)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database",
        metavar="NAME",
        help="time the city of an earlier run kept with --keep-db (on --server): not generated "
        "again, not dropped",
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_DATABASE_SERVER", DEFAULT_SERVER),
        help="PostgreSQL server (a URL with a database to connect to for CREATE DATABASE)",
    )
    parser.add_argument(
        "--worker-class", choices=("gthread", "sync"), default="gthread", help="gunicorn worker"
    )
    parser.add_argument("--threads", type=int, default=2, help="gthread threads (2)")
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="request the pages in rounds instead of page after page",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a page misses its target"
    )
    parser.add_argument(
        "--redmine",
        metavar="URL",
        help="a Redmine 5 serving a city of the same shape (http://127.0.0.1:PORT), timed in "
        "the same rounds; without it the table quotes issue 3's Redmine times",
    )
    parser.add_argument(
        "--redmine-login",
        metavar="LOGIN:PASSWORD",
        default=os.environ.get("BENCH_REDMINE_LOGIN", "u1-2:bench-redmine-2024"),
        help="a member of the Redmine project with issues assigned (BENCH_REDMINE_LOGIN)",
    )
    parser.add_argument(
        "--redmine-project", default="phuong-1", help="the Redmine project read (phuong-1)"
    )
    args, _unknown = parser.parse_known_args(argv)  # `make bench` passes every script's args
    if not 1 <= args.units <= 5000:
        parser.error("--units must be between 1 and 5000")
    if not 1 <= args.ward <= args.units:
        parser.error("--ward must be between 1 and --units")
    if args.requests < 1 or args.warmup < 0 or args.threads < 1:
        parser.error("--requests and --threads must be at least 1, --warmup at least 0")
    return args


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    server: Server | None = None
    try:
        say(
            f"tracker page benchmark: {args.units} wards, {args.warmup} warm-up + "
            f"{args.requests} timed requests per page; Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs"
        )
        city_context = (
            kept_city(args.server, args.database)
            if args.database
            else generated_city(args.server, "", args.units, args.random_page_cost, args.keep_db)
        )
        with city_context as city:
            try:
                app = make_app(city.database_url)
                city.apps.append(app)
                s = pick_subjects(app, args.ward)
                add_meeting_and_period(app, s)
                say(
                    f"   in the database: {s.city['wards']} wards, {s.city['officers']} "
                    f"officers, {s.city['plans']} plans, {s.city['tasks']} tasks"
                )
                say(
                    f"   reading {s.ward_name} ({s.ward_code}): plan {s.plan_id} "
                    f"({s.plan_tasks} tasks); officer {s.officer_email} ({s.officer_name}, "
                    f"{s.officer_tasks} tasks led or supported); chairperson {s.chair_email}; "
                    f"task {s.task_id}"
                )
                pages = pages_for(s)
                with step("counting SQL queries per page (in-process, Flask test client)"):
                    count_queries(app, s, pages)
                    cold = cold_pages(pages)
                    count_cold_queries(app, s, cold)
                with step("starting the server"):
                    server = start_server(city.workdir, args.worker_class, args.threads)
                    say(f"   {server.description}, TRACKER_CONFIG=production")
                redmine_pages: list[Page] = []
                others: dict[str, HttpClient] = {}
                if args.redmine:
                    login, _, password = args.redmine_login.partition(":")
                    redmine = Redmine(args.redmine, login, password, args.redmine_project)
                    redmine_pages = redmine.pages()
                    others["redmine"] = redmine.logged_in()
                    say(f"   and Redmine at {args.redmine}, as {login}, project {redmine.project}")
                backends = backend_pids(args.server, city.name)
                with step("timing the pages"), CpuMeter(server.process.pid, backends) as cpu:
                    time_pages(
                        server.port,
                        s,
                        pages + redmine_pages,
                        args.warmup,
                        args.requests,
                        args.interleave,
                        others,
                    )
                compare_with_redmine(pages, redmine_pages)
                with step("timing the kept pages cold (their ward's version renewed before each)"):
                    time_cold(app, server.port, s, cold, args.requests)
                pages += cold
                if server.process.poll() is not None:
                    raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
            finally:
                if server is not None:
                    server.stop()
            if cpu.others is not None:
                say(
                    f"   CPU meanwhile: client, server and its PostgreSQL backends "
                    f"{cpu.ours:.2f}, everything else {cpu.others:.2f} of {os.cpu_count()} CPUs"
                )
                if args.redmine:
                    say("   (everything else includes Redmine, timed in the same rounds)")
                elif cpu.others > 0.3:
                    say(
                        "   warning: other processes kept the machine busy; the times below "
                        "are inflated, run again on a quiet machine"
                    )
            say()
            print_table(pages, s)
            if redmine_pages:
                say()
                say("Redmine 5, timed in the same rounds (ms):")
                for peer in redmine_pages:
                    say(
                        f"  {peer.label:<16} median {peer.median:7.2f}  p90 {peer.p90:7.2f}  "
                        f"min {min(peer.timings):7.2f}  {peer.path}"
                    )
            if not s.has_dashboard:
                say("The dashboard is not in the app yet (no /units/<code>/dashboard route).")
            missed = [p for p in pages if p.passed is False]
            say(
                f"{sum(p.passed is True for p in pages)} of "
                f"{sum(p.target is not None and bool(p.timings) for p in pages)} pages within "
                f"target"
                + (f"; generation of {args.units} wards took {city.generation_seconds:.1f} s."
                   if not args.database else " (a kept city).")
            )
        return 1 if (missed and args.strict) else 0
    except BenchError as exc:
        say(f"bench: error: {exc}")
        if server is not None and server.process.poll() is not None:
            say(server.log_tail())
        return 2
    except KeyboardInterrupt:
        say("bench: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
