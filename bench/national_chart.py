"""Issue 16: the national page's chart (tracker.province.national_chart), timed on PostgreSQL.

    .venv/bin/python bench/national_chart.py --nation-database NAME [--runs 9] [--as-of 2024-03-12]

Reads an already generated nation (`tracker demo generate --units 3321 --nation` in database
NAME on the bench server; bench/province.py --nation-database keeps one) and times, in this
process with the production settings, `national_progress_by_kind` for the national unit: every
commune's tasks per plan kind over the year, counted in the database. Beside it, for scale, the
national page's own table of page 1 (`build_overview`, by name). Prints the median and the
slowest run and the statement count; nothing is asserted (the national page's target is
100 ms in all). Exit status: 0 when it ran or was skipped (no --nation-database), 2 when it
could not run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import DEFAULT_SERVER, BenchError, make_app, say  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nation-database", default="", help="a generated nation's database")
    parser.add_argument("--runs", type=int, default=9, help="timed runs (9)")
    parser.add_argument("--as-of", default="2024-03-12", help="the figures' date (ISO)")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_DATABASE_SERVER", DEFAULT_SERVER),
        help="PostgreSQL server (a URL)",
    )
    args, _unknown = parser.parse_known_args(argv)  # make bench passes every script's args
    return args


def _timed(runs: int, work) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.nation_database:
        say("national_chart: skipped (give --nation-database NAME, a generated nation)")
        return 0
    from sqlalchemy.engine import make_url

    url = make_url(args.server).set(database=args.nation_database)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        # The production settings, as the other scripts run them, in a throwaway instance.
        os.environ.update(
            TRACKER_CONFIG="production",
            SECRET_KEY=secrets.token_hex(32),
            TRACKER_INSTANCE_PATH=str(Path(tmp) / "instance"),
            TRACKER_UPLOAD_DIR=str(Path(tmp) / "uploads"),
        )
        app = make_app(url.render_as_string(hide_password=False))
        return _measure(app, args)


def _measure(app, args: argparse.Namespace) -> int:
    from sqlalchemy import event, select

    from tracker.extensions import db
    from tracker.people.models import Unit, UnitKind
    from tracker.province.national_chart import national_progress_by_kind
    from tracker.province.queries import OverviewQuery, build_overview

    as_of = date.fromisoformat(args.as_of)
    try:
        with app.app_context():
            nation = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.NATIONAL))
            if nation is None:
                raise BenchError(f"{args.nation_database} holds no national unit")
            statements = []
            engine = db.engine
            listener = lambda *a: statements.append(a[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            series = national_progress_by_kind(db.session, nation, as_of)
            event.remove(engine, "before_cursor_execute", listener)
            tasks = sum(s.total for s in series.values())
            chart = _timed(args.runs, lambda: national_progress_by_kind(db.session, nation, as_of))
            table = _timed(
                args.runs, lambda: build_overview(db.session, nation, OverviewQuery(as_of=as_of))
            )
    except BenchError as exc:
        say(f"national_chart: {exc}")
        return 2
    load = os.getloadavg()[0]
    say(f"national chart, {tasks:,} tasks in {len(series)} plan kinds, {len(statements)} "
        f"statements: median {chart[0]:.0f} ms, slowest {chart[1]:.0f} ms")
    say(f"national page's table, page 1 by name (for scale): median {table[0]:.0f} ms, "
        f"slowest {table[1]:.0f} ms")
    say(f"load average {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
