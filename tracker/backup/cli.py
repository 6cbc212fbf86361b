"""`tracker backup` (take one now; `retention` to change how many are kept, `list`) and
`tracker restore ARCHIVE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.backup import archive
from tracker.backup.database import BackupError
from tracker.backup.models import retention, set_retention
from tracker.backup.retention import archives
from tracker.backup.service import label_of, take_backup
from tracker.extensions import db


@click.group("backup", invoke_without_command=True)
@click.option("--no-prune", is_flag=True, help="Keep every old archive this time.")
@click.pass_context
@with_appcontext
def backup_group(ctx: click.Context, no_prune: bool) -> None:
    """Write a backup archive of the database and the evidence files now."""
    if ctx.invoked_subcommand is not None:
        return
    app = current_app._get_current_object()
    try:
        result = take_backup(app, prune_old=not no_prune)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{result.archive} ({result.archive.stat().st_size} bytes, {result.seconds:.1f} s)")
    for path in result.deleted:
        click.echo(f"deleted (retention): {path.name}")


@backup_group.command("list")
@with_appcontext
def list_command() -> None:
    """This instance's archives, newest first."""
    app = current_app._get_current_object()
    for _moment, path in archives(app.config["TRACKER_BACKUP_DIR"], label_of(app)):
        click.echo(f"{path}  {path.stat().st_size} bytes")


@backup_group.command("retention")
@click.option("--keep", "keep_count", type=click.IntRange(min=1), help="Newest archives kept.")
@click.option("--days", "keep_days", type=click.IntRange(min=0), help="Archives younger kept.")
@with_appcontext
def retention_command(keep_count: int | None, keep_days: int | None) -> None:
    """Show or change which archives are kept: the newest N, and any younger than D days."""
    current = retention(db.session)
    if keep_count is not None or keep_days is not None:
        current = set_retention(
            db.session,
            keep_count if keep_count is not None else current.keep_count,
            keep_days if keep_days is not None else current.keep_days,
        )
        db.session.commit()
    click.echo(
        f"keep the newest {current.keep_count}, and any younger than {current.keep_days} days"
    )


@click.command("restore")
@click.argument("archive_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that holds data.")
@with_appcontext
def restore_command(archive_path: Path, force: bool) -> None:
    """Restore ARCHIVE into this instance (empty, unless --force). Stop the web server and
    the scheduler first; run `tracker db upgrade` after, if the code is newer."""
    app = current_app._get_current_object()
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the database while it is replaced
    try:
        manifest = archive.restore(
            archive_path,
            app.config["SQLALCHEMY_DATABASE_URI"],
            app.config["TRACKER_UPLOAD_DIR"],
            force=force,
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"restored {archive_path.name}: database ({manifest.dialect}, revision "
        f"{manifest.revision}), {len(manifest.uploads)} evidence file(s)"
    )
