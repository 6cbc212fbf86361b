"""`tracker user …`, `tracker unit …` and `tracker token …`."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.core.audit import acting_as
from tracker.core.clock import to_local, utcnow
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import ApiToken, Officer, Role, TokenScope
from tracker.people.operations import (
    create_officer,
    get_officer_by_email,
    get_unit_by_code,
)
from tracker.people.tokens import (
    DEFAULT_DAYS,
    MAX_DAYS,
    is_expired,
    issue_token,
    revoke_token,
    token_by_id,
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
@click.option("--name", default="CLI", show_default=True, help="What the token is for.")
@click.option(
    "--expires",
    "days",
    type=int,
    default=DEFAULT_DAYS,
    show_default=True,
    help=f"Days until the token expires (1 to {MAX_DAYS}).",
)
@click.option(
    "--scope",
    type=click.Choice([s.value for s in TokenScope]),
    default=TokenScope.READ.value,
    show_default=True,
    help="read, or write (read and write).",
)
def create_token(email: str, name: str, days: int, scope: str) -> None:
    """Print a new API token for the officer (shown once, stored hashed)."""
    officer = get_officer_by_email(db.session, email)
    if officer is None:
        raise click.ClickException(f"no officer with email {email!r}")
    try:
        with acting_as(None):
            issued = issue_token(db.session, officer, name=name, days=days, scope=TokenScope(scope))
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(issued.secret)


def _when(moment) -> str:
    return f"{to_local(moment):%d/%m/%Y %H:%M}" if moment is not None else "-"


@token_group.command("list")
@click.option("--email", default=None, help="Only this officer's tokens.")
@click.option("--unit", "unit_code", default=None, help="Only the tokens of this unit's officers.")
def list_tokens(email: str | None, unit_code: str | None) -> None:
    """List tokens (never their secrets): id, state, scope, expiry, last use, officer, name."""
    query = select(ApiToken).options(joinedload(ApiToken.officer)).order_by(ApiToken.id)
    if email is not None:
        officer = get_officer_by_email(db.session, email)
        if officer is None:
            raise click.ClickException(f"no officer with email {email!r}")
        query = query.where(ApiToken.officer_id == officer.id)
    if unit_code is not None:
        unit = get_unit_by_code(db.session, unit_code)
        if unit is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
        query = query.join(Officer, Officer.id == ApiToken.officer_id).where(
            Officer.unit_id == unit.id
        )
    now = utcnow()
    for token in db.session.scalars(query):
        state = (
            "revoked"
            if token.revoked_at is not None
            else "expired"
            if is_expired(token, now)
            else "active"
        )
        click.echo(
            "\t".join(
                [
                    str(token.id),
                    state,
                    token.scope.value,
                    f"expires {_when(token.expires_at)}",
                    f"used {_when(token.last_used_at)}",
                    token.officer.email,
                    token.name,
                ]
            )
        )


@token_group.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its id (see `tracker token list`)."""
    token = token_by_id(db.session, token_id) if 0 < token_id < 2**31 else None
    if token is None:
        raise click.ClickException(f"no token with id {token_id}")
    try:
        with acting_as(None):
            revoke_token(db.session, token, None)
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked token {token.id} ({token.name}) of {token.officer.email}")
