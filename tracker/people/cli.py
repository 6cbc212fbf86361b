"""`tracker user …`, `tracker unit …` and `tracker token …`."""

from __future__ import annotations

import sys

import click

from tracker.core.audit import acting_as
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Role
from tracker.people.operations import (
    create_api_token,
    create_officer,
    get_officer_by_email,
    get_unit_by_code,
)


@click.group("user")
def user_group() -> None:
    """Manage officers (users)."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name, e.g. 'Nguyễn Văn An'.")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--unit", "unit_code", required=True, help="Unit code, e.g. vinh-hoa.")
@click.option("--position", default="", help="Position, e.g. 'Chủ tịch UBND'.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, full_name, roles, unit_code, position, password_stdin) -> None:
    """Create an officer who can log in."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    unit = get_unit_by_code(db.session, unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    try:
        with acting_as(None):
            officer = create_officer(
                db.session,
                unit=unit,
                email=email,
                full_name=full_name,
                roles=[Role(r) for r in roles],
                position=position,
                password=password,
            )
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"created officer {officer.id} {officer.email}")


@click.group("unit")
def unit_group() -> None:
    """Settings of a unit."""


@unit_group.command("late-extensions")
@click.argument("unit_code")
@click.argument("setting", type=click.Choice(["count", "do-not-count", "inherit"]))
def late_extensions(unit_code: str, setting: str) -> None:
    """Whether a deadline moved after it had passed makes a late completion on time, for the
    unit and the units below it that inherit ("inherit": take the setting of the unit above;
    off at the top). See tracker/tasks/deadlines.py."""
    unit = get_unit_by_code(db.session, unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    with acting_as(None):
        unit.late_extension_counts = {"count": True, "do-not-count": False}.get(setting)
        db.session.commit()
    click.echo(f"{unit.code}: late extensions {setting}")


@click.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.option("--email", required=True)
def create_token(email: str) -> None:
    """Print a new API token for the officer (shown once, stored hashed)."""
    officer = get_officer_by_email(db.session, email)
    if officer is None:
        raise click.ClickException(f"no officer with email {email!r}")
    token = create_api_token(db.session, officer)
    db.session.commit()
    click.echo(token)
