"""Phụ lục 1 of issue 6: the table of one ward, its .xlsx and .docx, the quarterly report's
.docx, and the tables of every ward of the generated city, on PostgreSQL.

    .venv/bin/python bench/appendix.py [--units 140] [--runs 15] [--keep-db]

Creates a fresh PostgreSQL database, migrates it, generates the city (`tracker demo generate
--units N`), runs VACUUM (ANALYZE) (the database helpers of bench/pages.py), gives every ward
the Q1 2024 period (14/12/2023 to 12/03/2024) with the seed report's dossier figures typed,
then, in this process with the production settings, times (a cold run, then --runs timed runs,
each in a fresh session as a request would be):

1. the table of one ward (`period_table`: computed rows from the tasks, typed rows, sums and
   rates), target 50 ms;
2. that table and its .xlsx (`appendix_xlsx`), target 300 ms;
3. that table and its .docx (`appendix_docx`), target 300 ms;
4. that table and the whole quarterly report as .docx (`compose_report`: its sections from the
   tasks, evidence, meetings and the table, then `report_docx`: the text and the appendix),
   target 1 s;
5. that report as PDF (the .docx above through LibreOffice, `convert_to_pdf`; 3 timed runs),
   target 5 s;
6. the tables of all the wards at once (`unit_tables`: a few grouped queries), target 2 s;
7. the city's summary of its wards' frozen tables (issue 16: `province_summary`, counts summed
   and rates from the summed parts; the period opened for all wards by `open_for_communes`
   and every ward but the last ten frozen), target 500 ms;
8. that summary and its .xlsx with the list of wards (`summary_xlsx`), target 1 s;

and prints the medians with the SQL statement counts. Numbers are printed, never asserted by
the test suite. Exit status: 0 when it ran (1 with --strict if a target was missed), 2 when it
could not run. The database is dropped at the end unless --keep-db.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402  (the same database and command helpers as pages.py)
    DEFAULT_SERVER,
    BenchError,
    generated_city,
    make_app,
    say,
    step,
)

START, END = date(2023, 12, 14), date(2024, 3, 12)
TARGETS_MS = {"table": 50.0, "xlsx": 300.0, "docx": 300.0, "report": 1000.0, "pdf": 5000.0,
              "city": 2000.0, "summary": 500.0, "summary_xlsx": 1000.0}
MISSING = 10  # wards left without a frozen table in the summary
PDF_RUNS = 3  # LibreOffice takes seconds a run
FIGURES = {  # the seed report's figures, as the focal officer types them
    "3.2.1.a": 186, "3.2.1.b": 181, "3.2.1.c": 181, "4.1.a": 23, "4.1.b": 20, "4.1.c": 3,
    "4.1.d": 0, "4.1.e1": 24, "4.1.e2": 0, "6.1.a": 12175, "6.1.b": 7972, "7.6.3.a": 146,
    "7.6.3.b": 91, "7.6.4.d": 32, "7.6.4.e": 216000,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=140, help="wards to generate (140)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs after a cold one (15)")
    parser.add_argument(
        "--random-page-cost", type=float, default=1.1, help="as bench/pages.py (1.1)"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_DATABASE_SERVER", DEFAULT_SERVER),
        help="PostgreSQL server (a URL with a database to connect to for CREATE DATABASE)",
    )
    args, _unknown = parser.parse_known_args(argv)  # `make bench` passes every script's args
    return args


def add_periods(app) -> tuple[int, int, list[int]]:
    """A Q1 2024 period with typed figures for every ward: (city id, ward 1's period, wards)."""
    from sqlalchemy import insert, select

    from tracker.appendix.models import EnteredFigure, PeriodKind, ReportingPeriod
    from tracker.extensions import db
    from tracker.people.models import Unit, UnitKind

    with app.app_context():
        # The generated wards' parent: a city of old, a province since the 2025 reform.
        city = db.session.scalar(
            select(Unit).where(Unit.kind.in_((UnitKind.CITY, UnitKind.PROVINCE))).limit(1)
        )
        wards = list(db.session.scalars(
            select(Unit.id).where(Unit.parent_id == city.id).order_by(Unit.id)
        ))
        periods = db.session.scalars(
            insert(ReportingPeriod).returning(ReportingPeriod.id, sort_by_parameter_order=True),
            [{"unit_id": w, "kind": PeriodKind.QUARTER, "label": "Quý I năm 2024",
              "start": START, "end": END, "acknowledged": [], "reopen_reason": ""}
             for w in wards],
        ).all()
        db.session.execute(insert(EnteredFigure), [
            {"period_id": p, "unit_id": w, "key": key, "value": value, "note": ""}
            for p, w in zip(periods, wards, strict=True) for key, value in FIGURES.items()
        ])
        db.session.commit()
        return city.id, periods[0], wards


def freeze_for_province(app, city_id: int) -> int:
    """The period opened for all the city's wards at once (they had it: linked, not
    duplicated), then every ward's table frozen as it stands, but the last MISSING: the
    province period's id."""
    from sqlalchemy import select

    from tracker.appendix.models import PeriodKind, PeriodState, ReportingPeriod
    from tracker.appendix.province import open_for_communes
    from tracker.appendix.service import unit_tables
    from tracker.appendix.table import table_figures, table_snapshot
    from tracker.core.clock import utcnow
    from tracker.extensions import db
    from tracker.people.models import Officer, Unit

    with app.app_context():
        city = db.session.get(Unit, city_id)
        officer = db.session.scalar(select(Officer).order_by(Officer.id).limit(1))
        opened = open_for_communes(db.session, city, officer, PeriodKind.QUARTER,
                                   "Quý I năm 2024", START, END, date(2024, 3, 20))
        tables = unit_tables(db.session, select(Unit.id).where(Unit.parent_id == city_id),
                             START, END)
        periods = db.session.scalars(select(ReportingPeriod).where(
            ReportingPeriod.province_period_id == opened.period.id
        ).order_by(ReportingPeriod.unit_id)).all()
        for period in periods[:-MISSING]:
            # As appendix.operations freezes a table: the snapshot and, apart, its figures
            # (what the summary reads; without them it takes the old tables' slow path).
            period.snapshot = table_snapshot(tables[period.unit_id])
            period.figures = table_figures(tables[period.unit_id])
            period.state = PeriodState.SUBMITTED
            period.submitted_at = utcnow()
        db.session.commit()
        return opened.period.id


def timed(app, work: Callable[[], object], runs: int) -> tuple[float, list[float], int, object]:
    """(cold ms, timed ms, SQL statements of one run, last result), a fresh session each run."""
    from sqlalchemy import event

    from tracker.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        started = time.perf_counter()
        result = work()
        cold = (time.perf_counter() - started) * 1000
        db.session.remove()
        timings = []
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for _ in range(runs):
                statements.clear()
                started = time.perf_counter()
                result = work()
                timings.append((time.perf_counter() - started) * 1000)
                queries = len(statements)
                db.session.remove()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return cold, timings, queries, result


def print_results(results: list[tuple], targets: dict[str, float]) -> bool:
    """The medians as a Markdown table against their targets; whether one was missed."""
    say()
    say("| measure | median | min | max | cold | SQL statements | target | |")
    say("| --- | --- | --- | --- | --- | --- | --- | --- |")
    missed = False
    for key, label, median, low, high, cold, queries in results:
        ok = median <= targets[key]
        missed |= not ok
        say(f"| {label} | {median:.1f} ms | {low:.1f} | {high:.1f} | {cold:.0f} | "
            f"{queries} | {targets[key]:.0f} ms | {'pass' if ok else 'FAIL'} |")
    return missed


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        say(f"tracker appendix benchmark: {args.units} wards, Q1 2024; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
        with generated_city(
            args.server, "_appendix", args.units, args.random_page_cost, args.keep_db
        ) as city:
            app = make_app(city.database_url)
            city.apps.append(app)
            with step("a Q1 2024 period with typed figures for every ward"):
                city_id, period_id, wards = add_periods(app)
            with step(f"opened for all wards by the city, all frozen but {MISSING}"):
                province_period_id = freeze_for_province(app, city_id)

            from sqlalchemy import select

            from tracker.appendix.exporting import (
                CommuneLine,
                Context,
                appendix_docx,
                appendix_xlsx,
                report_docx,
                summary_xlsx,
            )
            from tracker.appendix.models import ProvincePeriod, ReportingPeriod
            from tracker.appendix.report import compose_report
            from tracker.appendix.service import period_table, unit_tables
            from tracker.appendix.summary import province_summary
            from tracker.core.office import convert_to_pdf, libreoffice
            from tracker.extensions import db
            from tracker.people.models import Unit

            ctx = Context("Phường 1", "Thành phố", "Quý I năm 2024", START, END)

            def one_table():
                return period_table(db.session, db.session.get(ReportingPeriod, period_id))

            def one_xlsx():
                return appendix_xlsx(one_table(), ctx)

            def one_docx():
                return appendix_docx(one_table(), ctx)

            def one_report():
                period = db.session.get(ReportingPeriod, period_id)
                report = compose_report(db.session, period, period_table(db.session, period))
                return report_docx(report.table, ctx, report.sections, report.details)

            def one_pdf():
                return convert_to_pdf(one_report(), ".docx")

            def city_tables():
                ids = select(Unit.id).where(Unit.parent_id == city_id)
                return unit_tables(db.session, ids, START, END)

            def summary():
                period = db.session.get(ProvincePeriod, province_period_id)
                return province_summary(db.session, period)

            def summary_file():
                found = summary()
                lines = [CommuneLine(r.unit.name, True, "", r.on_time(date(2024, 3, 20)))
                         for r in found.frozen]
                lines += [CommuneLine(r.unit.name, False) for r in found.missing]
                return summary_xlsx(found.table, ctx, lines)

            results = []
            for key, label, work in (
                ("table", "the table of one ward", one_table),
                ("xlsx", "one ward's table and its .xlsx", one_xlsx),
                ("docx", "one ward's table and its .docx", one_docx),
                ("report", "one ward's report .docx (sections and appendix)", one_report),
                ("pdf", "that report as PDF (LibreOffice)", one_pdf),
                ("city", f"the tables of all {len(wards)} wards", city_tables),
                ("summary", f"the summary of {len(wards)} wards' frozen tables", summary),
                ("summary_xlsx", "that summary and its .xlsx", summary_file),
            ):
                if key == "pdf" and libreoffice() is None:
                    say("   no LibreOffice: the PDF is not timed")
                    continue
                runs = PDF_RUNS if key == "pdf" else args.runs
                with step(f"timing {label} ({runs} runs after a cold one)"):
                    cold, timings, queries, result = timed(app, work, runs)
                median = statistics.median(timings)
                results.append((key, label, median, min(timings), max(timings), cold, queries))
                if key == "table":
                    assigned = [int(result[k].value) for k in ("1.6.a", "1.6.b", "1.6.c", "1.6.d")]
                    say(f"   ward 1: 1.2 = {result['1.2.b'].value}/{result['1.2.a'].value}, "
                        f"1.6 = {assigned}")
                if key == "summary":
                    say(f"   {len(result.frozen)} frozen, {len(result.missing)} missing; "
                        f"3.2.1.a = {result.table['3.2.1.a'].value}, "
                        f"3.2.1 = {result.table['3.2.1'].value} %")
                if key in ("xlsx", "docx", "report", "pdf", "summary_xlsx"):
                    say(f"   {len(result):,} bytes")
                if key == "city":
                    rows = sum(len(t.rows) for t in result.values())
                    say(f"   {len(result)} tables, {rows:,} rows")
            missed = print_results(results, TARGETS_MS)
            return 1 if (missed and args.strict) else 0
    except BenchError as exc:
        say(f"bench: error: {exc}")
        return 2
    except KeyboardInterrupt:
        say("bench: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
