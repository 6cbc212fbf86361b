"""The `tracker` command: Flask's commands (run, db …) plus the product's own groups."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from config import ConfigError


def _create_app() -> Flask:
    from tracker import create_app

    return create_app()


def register_commands(app: Flask) -> None:
    from tracker.appendix.cli import appendix_command
    from tracker.backup.cli import backup_group, restore_command
    from tracker.demo.cli import demo_group
    from tracker.people.cli import token_group, unit_group, user_group
    from tracker.plans.cli import merge_command, plan_group
    from tracker.reminders.cli import reminders_group, scheduler_command
    from tracker.tasks.cli import files_group

    # Merging units moves plans too: the command lives with plans, under `tracker unit`.
    unit_group.add_command(merge_command)
    for group in (demo_group, user_group, unit_group, token_group, plan_group, reminders_group):
        app.cli.add_command(group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(appendix_command)
    for command in (backup_group, restore_command, files_group):
        app.cli.add_command(command)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """tracker: theo dõi nhiệm vụ cải cách hành chính (administrative-reform tracker)."""


def main() -> None:
    """Console entry point: any bad input ends in one line on stderr and a non-zero exit."""
    try:
        result = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Error: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ConfigError as exc:  # the app refused its settings (create_app)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
