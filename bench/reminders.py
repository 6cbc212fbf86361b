"""Reminders of issue 4: selection over a generated city on PostgreSQL, and the sending rate.

    .venv/bin/python bench/reminders.py [--units 140] [--runs 9] [--date 2024-03-12] [--keep-db]
    .venv/bin/python bench/reminders.py --nation [--units 3321] [--keep-db]
    .venv/bin/python bench/reminders.py --database NAME      # a kept database: selection only

Creates a fresh PostgreSQL database, migrates it (`tracker db upgrade`), generates the city
(`tracker demo generate --units N`: 76 tasks and 20 officers per ward), runs VACUUM (ANALYZE),
then, in this process with the production settings:

1. times the selection of one pass (`tracker.reminders.selection.select_due`: what is due on the
   day and not recorded yet, for every ward) — one cold run, then --runs timed runs — and prints
   the median against the target of issue 4 (250 ms) with its SQL statement count;
2. records that pass (reminders, in-app notices, the queued emails; timed, for information);
3. starts an SMTP sink (`python -m aiosmtpd -n -c aiosmtpd.handlers.Sink`) on a free loopback
   port, and sends every queued email through the product's sender (claim, write, send, mark
   sent and commit each) over one reused SMTP connection; then records the next working day's
   pass and sends it over two connections at once (the default on PostgreSQL,
   TRACKER_MAIL_WORKERS), printing emails per second against the target (200/s).

With --nation the communes are generated as the nation (`tracker demo generate --units 3321
--nation`, 250,000 tasks); the selection's target is then issue 16's, 3 s. With --database NAME
the benchmark reads a database already generated and kept (by `--keep-db`, or bench/province.py):
it analyses it, times the selection only (recording and sending would write into it) with the
planner settings of the README on its own connections, and leaves it as it was; the target is the
nation's when the database holds the generated nation.

The numbers are printed, never asserted by the test suite. Exit status: 0 when it ran (1 with
--strict if a target was missed), 2 when it could not run. The database is dropped at the end
unless --keep-db. Arguments of the other bench scripts (`make bench BENCH_ARGS=…`) are ignored.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

import bench.pages as bench_pages  # noqa: E402  (its generation command, for --nation)
from bench.pages import (  # noqa: E402  (the same database and command helpers as pages.py)
    DEFAULT_SERVER,
    BenchError,
    City,
    free_port,
    generated_city,
    say,
    step,
    vacuum_analyze,
)

SELECTION_TARGET_MS = 250.0
NATION_SELECTION_TARGET_MS = 3000.0  # issue 16: the daily pass over the nation's communes
SENDING_TARGET = 200.0  # emails per second
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--units", type=int, default=None, help="wards to generate (140; 3321 with --nation)"
    )
    parser.add_argument(
        "--nation", action="store_true", help="generate them as the nation (34 provinces)"
    )
    parser.add_argument(
        "--database",
        default="",
        help="an existing database with generated communes, on --server: kept, and only the "
        "selection is timed",
    )
    parser.add_argument("--runs", type=int, default=9, help="timed selection runs (9)")
    parser.add_argument(
        "--date",
        default="2024-03-12",
        help="the pass's day, YYYY-MM-DD (2024-03-12: the report's day, deadlines on both "
        "sides of it)",
    )
    parser.add_argument(
        "--random-page-cost", type=float, default=1.1, help="as bench/pages.py (1.1)"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_DATABASE_SERVER", DEFAULT_SERVER),
        help="PostgreSQL server (a URL with a database to connect to for CREATE DATABASE)",
    )
    parser.add_argument(
        "--per-connection",
        type=int,
        default=0,
        help="messages per SMTP connection (0: one connection for everything; the product's "
        "default is 100)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        say(f"(ignoring arguments meant for other bench scripts: {' '.join(ignored)})")
    if args.units is None:
        args.units = 3321 if args.nation else 140
    if not 1 <= args.units <= 5000:
        parser.error("--units must be between 1 and 5000")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        args.day = date.fromisoformat(args.date)
    except ValueError:
        parser.error(f"--date {args.date!r} is not YYYY-MM-DD")
    return args


def start_sink(port: int) -> subprocess.Popen:
    """aiosmtpd's Sink handler (accepts and discards) in its own process."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the SMTP sink did not start: {process.stderr.read().strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise BenchError("the SMTP sink did not answer within 10 s")


def time_selection(
    app, day: date, runs: int
) -> tuple[float, list[float], list[float], int, int]:
    """(cold ms, timed ms, this process's CPU ms, SQL statements per run, reminders due)."""
    from sqlalchemy import event

    from tracker.extensions import db
    from tracker.reminders.selection import select_due

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        started = time.perf_counter()
        selection = select_due(db.session, day)
        cold = (time.perf_counter() - started) * 1000
        db.session.rollback()
        timings = []
        cpu = []  # the Python side alone, which a busy machine's queue does not inflate
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for _ in range(runs):
                statements.clear()
                started, cpu_started = time.perf_counter(), time.process_time()
                selection = select_due(db.session, day)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                db.session.rollback()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        queries = len([s for s in statements if not s.lstrip().upper().startswith("ROLLBACK")])
        return cold, timings, cpu, queries, len(selection.dues)


def record_pass(app, day: date, now: datetime):
    from tracker.extensions import db
    from tracker.reminders.delivery import record
    from tracker.reminders.selection import select_due

    with app.app_context():
        started = time.perf_counter()
        selection = select_due(db.session, day)
        recorded = record(db.session, selection, now)
        db.session.commit()
        seconds = time.perf_counter() - started
        kinds: dict[str, int] = {}
        for _, due in recorded.items:
            kinds[due.kind.value] = kinds.get(due.kind.value, 0) + 1
        return seconds, len(recorded.items), recorded.notifications, len(recorded.emails), kinds


def send_all(app, day: date, now: datetime, workers: int):
    from tracker.extensions import db
    from tracker.reminders.jobs import send_queued

    with app.app_context():
        started = time.perf_counter()
        report = send_queued(today=day, now=now, app=app, workers=workers)
        seconds = time.perf_counter() - started
        db.session.remove()
    return report, seconds


def next_working_day(day: date) -> date:
    from tracker.core.workdays import WorkCalendar

    return WorkCalendar().add_working_days(day, 1)


def holds_nation(app) -> bool:
    """Whether the database holds the generated nation (its national unit)."""
    from sqlalchemy import select

    from tracker.demo.generate import NATION_CODE
    from tracker.extensions import db
    from tracker.people.models import Unit

    with app.app_context():
        found = db.session.scalar(select(Unit.id).where(Unit.code == NATION_CODE))
        db.session.remove()
    return found is not None


@contextlib.contextmanager
def benchmark_database(args: argparse.Namespace) -> Iterator[City]:
    """The database to measure: a kept one named by --database (analysed, never dropped), or a
    fresh one with the communes generated (as the nation with --nation), dropped afterwards."""
    if args.database:
        url = make_url(args.server).set(database=args.database)
        database_url = url.render_as_string(hide_password=False)
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
            os.environ.update(
                TRACKER_CONFIG="production",
                SECRET_KEY=secrets.token_hex(32),
                DATABASE_URL=database_url,
                TRACKER_INSTANCE_PATH=str(Path(tmp) / "instance"),
            )
            with step(f"VACUUM (ANALYZE) of the kept database {args.database}"):
                try:
                    vacuum_analyze(database_url, None)
                except Exception as exc:  # unreachable, or no such database
                    raise BenchError(f"cannot use the database {args.database}: {exc}") from None
            city = City(args.database, database_url, Path(tmp), 0.0)
            try:
                yield city
            finally:
                from tracker.extensions import db

                for app in city.apps:
                    with app.app_context():
                        db.engine.dispose()
                say(f"kept the database {args.database}, as it was")
        return
    if not args.nation:
        with generated_city(
            args.server, "_reminders", args.units, args.random_page_cost, args.keep_db
        ) as city:
            yield city
        return
    original = bench_pages.run_tracker

    def run_with_nation(*command: str) -> str:  # generated_city's generation, as the nation
        if command[:2] == ("demo", "generate"):
            command = (*command, "--nation")
        return original(*command)

    bench_pages.run_tracker = run_with_nation
    try:
        with generated_city(
            args.server, "_reminders", args.units, args.random_page_cost, args.keep_db
        ) as city:
            bench_pages.run_tracker = original
            yield city
    finally:
        bench_pages.run_tracker = original


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    sink: subprocess.Popen | None = None
    missed = False
    try:
        what = (
            f"the kept database {args.database}"
            if args.database
            else f"{args.units} wards{' as the nation' if args.nation else ''}"
        )
        say(
            f"tracker reminders benchmark: {what}, pass of {args.day:%d/%m/%Y}; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; load average "
            + " ".join(f"{n:.1f}" for n in os.getloadavg())
        )
        with benchmark_database(args) as city:
            try:
                port = free_port()
                from tracker import create_app

                # A kept database keeps its own settings: the README's planner cost for SSD
                # storage is set on this benchmark's connections only.
                planner = (
                    {"connect_args": {"options": f"-c random_page_cost={args.random_page_cost:g}"}}
                    if args.database
                    else {}
                )
                app = create_app(
                    "production",
                    SQLALCHEMY_DATABASE_URI=city.database_url,
                    SQLALCHEMY_ENGINE_OPTIONS=planner,
                    MAIL_SERVER="127.0.0.1",
                    MAIL_PORT=port,
                    MAIL_USE_TLS=False,
                    MAIL_USE_SSL=False,
                    MAIL_DEFAULT_SENDER="Theo dõi CCHC <cchc@bench.example>",
                    MAIL_MAX_PER_CONNECTION=args.per_connection,
                    TRACKER_MAIL_TRANSPORT="smtp",
                )
                city.apps.append(app)
                nation = args.nation or (args.database != "" and holds_nation(app))
                target_ms = NATION_SELECTION_TARGET_MS if nation else SELECTION_TARGET_MS
                with step(f"timing the selection ({args.runs} runs after a cold one)"):
                    cold, timings, cpu, queries, due = time_selection(app, args.day, args.runs)
                median = statistics.median(timings)
                ok = median <= target_ms
                missed |= not ok
                say(
                    f"   selection: median {median:.1f} ms, min {min(timings):.1f}, "
                    f"max {max(timings):.1f} (cold first run {cold:.0f} ms, building the holiday "
                    f"tables); this process's CPU {statistics.median(cpu):.0f} ms (median); "
                    f"{queries} SQL statements; {due} reminders due "
                    f"-> target {target_ms:.0f} ms{' (the nation)' if nation else ''}: "
                    f"{'pass' if ok else 'FAIL'}"
                )
                say(f"   load average now: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
                if args.database:
                    say()
                    say("| measure | result | target |")
                    say("| --- | --- | --- |")
                    say(
                        f"| selection of one pass, {args.database} (median of {args.runs}) | "
                        f"{median:.1f} ms, {queries} queries | {target_ms:.0f} ms |"
                    )
                    return 1 if (missed and args.strict) else 0

                with step(f"starting the SMTP sink (aiosmtpd) on 127.0.0.1:{port}"):
                    sink = start_sink(port)
                per = (
                    "kept open throughout"
                    if not args.per_connection
                    else f"renewed every {args.per_connection} messages"
                )
                rates = []
                # The day's pass over one SMTP connection, then the next working day's over the
                # product's default of two connections at once (TRACKER_MAIL_WORKERS).
                for day, workers in ((args.day, 1), (next_working_day(args.day), 2)):
                    now = datetime.combine(day, clock_time(7, 30), tzinfo=ZONE)
                    with step(f"recording the pass of {day:%d/%m/%Y}"):
                        seconds, items, notices, emails, kinds = record_pass(app, day, now)
                    detail = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
                    say(
                        f"   {items} reminders ({detail}), {notices} in-app notices, {emails} "
                        f"emails queued in {seconds:.2f} s"
                    )
                    label = "one SMTP connection" if workers == 1 else f"{workers} connections"
                    with step(f"sending every queued email over {label} ({per})"):
                        report, seconds = send_all(app, day, now, workers)
                    sent = len(report.sent)
                    rate = sent / seconds if seconds else 0.0
                    ok = rate >= SENDING_TARGET and not report.failed and not report.retrying
                    missed |= not ok
                    rates.append((label, sent, rate))
                    say(
                        f"   sending: {sent} emails in {seconds:.2f} s = {rate:.0f} emails/s "
                        f"({len(report.failed)} refused, {len(report.retrying)} to retry) "
                        f"-> target {SENDING_TARGET:.0f}/s: {'pass' if ok else 'FAIL'}"
                    )
                say()
                say("| measure | result | target |")
                say("| --- | --- | --- |")
                say(
                    f"| selection of one pass, {args.units} wards (median of {args.runs}) | "
                    f"{median:.1f} ms, {queries} queries | {target_ms:.0f} ms |"
                )
                target = f"{SENDING_TARGET:.0f}/s"
                for label, sent, rate in rates:
                    say(f"| sending {sent} emails, {label} | {rate:.0f} emails/s | {target} |")
            finally:
                if sink is not None and sink.poll() is None:
                    sink.terminate()
                    try:
                        sink.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        sink.kill()
        return 1 if (missed and args.strict) else 0
    except BenchError as exc:
        say(f"bench: error: {exc}")
        return 2
    except KeyboardInterrupt:
        say("bench: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
