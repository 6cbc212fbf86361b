"""The review meeting and Phụ lục 1 pages in-process, warm (kept) and cold (after a change).

    .venv/bin/python bench/kept_pages.py --database NAME [--requests 60] [--ward 1]

(without --database, as `make bench` runs it, it says so and does nothing)

On a city a run of bench/pages.py kept (`--keep-db`, or `--database` reused: its March 2024
meeting and Q1 2024 period are opened there), with the production settings and Flask's test
client logged in as the ward's chairperson: the CPU time (time.process_time) of each request
and its SQL statements, warm (what the page keeps is served: core.versions, core.fragments)
and cold (the ward's data version renewed and committed before each request, as any change
does). Medians are printed, never asserted; the CPU time leaves out the database's own work.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    CSRF,
    DEFAULT_SERVER,
    add_meeting_and_period,
    make_app,
    pick_subjects,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a city kept by bench/pages.py (--keep-db)")
    parser.add_argument("--server", default=os.environ.get("BENCH_DATABASE_SERVER",
                                                           DEFAULT_SERVER))
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--ward", type=int, default=1)
    args, _others = parser.parse_known_args()  # `make bench` passes every script its BENCH_ARGS
    if not args.database:
        print("kept_pages: needs --database NAME, a city kept by bench/pages.py; skipped")
        return 0
    url = args.server.rsplit("/", 1)[0] + "/" + args.database
    tmp = tempfile.mkdtemp(prefix="tracker-bench-")
    os.environ.update(
        TRACKER_CONFIG="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=url,
        TRACKER_INSTANCE_PATH=f"{tmp}/instance", TRACKER_UPLOAD_DIR=f"{tmp}/uploads",
        TRACKER_2FA_ROLES="",
    )
    from sqlalchemy import event

    from tracker.core import versions
    from tracker.extensions import db

    app = make_app(url)
    subjects = pick_subjects(app, args.ward)
    add_meeting_and_period(app, subjects)
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True))[1]
    answer = client.post("/login", data={"email": subjects.chair_email,
                                         "password": subjects.password, "csrf_token": token})
    if answer.status_code != 302:
        print(f"logging in as {subjects.chair_email} answered {answer.status_code}")
        return 2
    with app.app_context():
        engine, ward_id = db.engine, _ward_id(subjects.ward_code)
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)

    def timed(path: str, before=None) -> tuple[float, int]:
        if before is not None:
            before()
        statements[0] = 0
        started = time.process_time()
        response = client.get(path)
        spent = time.process_time() - started
        assert response.status_code == 200, (path, response.status_code)
        return spent * 1000, statements[0]

    def renew() -> None:
        with app.app_context():
            versions.renew(db.session, [ward_id])
            db.session.commit()

    print(f"{args.requests} requests a page, in-process CPU ms (the database's time left out); "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, path in (("review meeting", f"/meetings/{subjects.meeting_id}"),
                       ("Phụ lục 1", f"/appendix/{subjects.period_id}")):
        for _ in range(5):
            timed(path)
        warm = [timed(path) for _ in range(args.requests)]
        cold = [timed(path, renew) for _ in range(max(10, args.requests // 3))]
        print(f"{name:15} warm {statistics.median(t for t, _ in warm):6.1f} ms "
              f"({warm[-1][1]} SQL)   cold {statistics.median(t for t, _ in cold):6.1f} ms "
              f"({cold[-1][1]} SQL)   {path}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


def _ward_id(code: str) -> int:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.people.models import Unit

    return db.session.scalar(select(Unit.id).where(Unit.code == code))


if __name__ == "__main__":
    sys.exit(main())
