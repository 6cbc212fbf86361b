"""`tracker demo …`: the demo ward and the generated benchmark city."""

from __future__ import annotations

import time

import click
from sqlalchemy.exc import SQLAlchemyError

from tracker.core.clock import demo_date
from tracker.demo.dataset import DatasetError, load_dataset
from tracker.demo.generate import DEFAULT_SEED, GenerateError, generate_city
from tracker.demo.loader import DemoLogin, load_demo
from tracker.extensions import db


@click.group("demo")
def demo_group() -> None:
    """Demo data: the Vĩnh Hòa ward of 2024 and a generated city for benchmarks."""


def _database_error(exc: SQLAlchemyError) -> click.ClickException:
    db.session.rollback()
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return click.ClickException(
        f"database error ({reason}); is the schema up to date (`tracker db upgrade`)?"
    )


def _echo_logins(logins: list[DemoLogin]) -> None:
    email_width = max(len(login.email) for login in logins)
    role_width = max(len(login.role) for login in logins)
    click.echo("Demo logins:")
    click.echo(f"  {'email':<{email_width}}  {'role':<{role_width}}  password  name – position")
    for login in logins:
        click.echo(
            f"  {login.email:<{email_width}}  {login.role:<{role_width}}  {login.password}"
            f"  {login.full_name} – {login.position}"
        )


@demo_group.command("load")
def load_command() -> None:
    """Load Phường Vĩnh Hòa (2024): units, 20 officers, 4 plans, 76 tasks. Safe to re-run."""
    try:
        result = load_demo(db.session)
        db.session.commit()
    except DatasetError as exc:
        db.session.rollback()
        raise click.ClickException(f"demo data is invalid: {exc}") from None
    except SQLAlchemyError as exc:
        raise _database_error(exc) from None
    ward = result.ward
    if result.already_loaded:
        click.echo(f"The demo ward {ward.code} ({ward.name}) is already loaded; nothing changed.")
    else:
        click.echo(
            f"Loaded the demo ward {ward.code} ({ward.name}): {len(result.units_created)} units, "
            f"{len(result.officers_created)} officers, {len(result.plans_created)} plans, "
            f"{result.tasks_created} tasks, {result.evidence_created} evidence documents, "
            f"{_count(result.periods_created, 'reporting period')}, "
            f"{_count(result.meetings_created, 'review meeting')}."
        )
    _echo_logins(result.logins)
    _echo_demo_date()


def _echo_demo_date() -> None:
    """The demo's figures are those of its report date; say whether the app lives on it."""
    report_date = load_dataset().report_date
    if demo_date() == report_date:
        click.echo(f"The app's date is the demo's: {report_date:%d/%m/%Y} (TRACKER_DEMO_TODAY).")
        return
    click.echo(
        f"The demo's data are as of {report_date:%d/%m/%Y}: run the app and the scheduler with "
        f"TRACKER_DEMO_TODAY={report_date.isoformat()} (`make run` does), or they count "
        "from today's date and most tasks are long overdue."
    )


@demo_group.command("generate")
@click.option("--units", "units", type=int, required=True, help="Number of communes, e.g. 140.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.option(
    "--nation", is_flag=True,
    help="Spread the communes over 34 provinces under a national unit (--units 3321: the nation).",
)
def generate_command(units: int, seed: int, nation: bool) -> None:
    """Generate a province of communes like the demo ward (75 tasks, 20 officers each) for
    benchmarks; with --nation, 34 provinces under the national unit.

    Communes that already exist are skipped, so re-running adds only the missing ones.
    """
    started = time.perf_counter()
    try:
        result = generate_city(db.session, units, seed, nation=nation)
        db.session.commit()
    except (GenerateError, DatasetError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _database_error(exc) from None
    total = time.perf_counter() - started
    where = f"Nation {result.unit_code} ({result.provinces} provinces added)" if nation else (
        f"Province {result.unit_code}"
    )
    click.echo(
        f"{where}: {result.wards_created} communes generated, "
        f"{result.wards_skipped} already there (seed {seed})."
    )
    click.echo(
        f"  {result.officers} officers, {result.plans} plans, {result.groups} groups, "
        f"{result.tasks} tasks ({result.done_tasks} done), {result.supporters} supporter links, "
        f"{result.evidence} evidence documents; {result.inspectors} inspectors and "
        "administrators added."
    )
    click.echo(f"  generated in {result.seconds:.1f} s, committed in {total:.1f} s in all.")
    phases = {**result.seconds_by_phase, "commit": total - result.seconds}
    click.echo("  time by phase: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
