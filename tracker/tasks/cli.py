"""`tracker files check`: every evidence file against the checksum kept at its upload."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.tasks.filecheck import check_files


@click.group("files")
def files_group() -> None:
    """Evidence files."""


@files_group.command("check")
@click.option("--no-record", is_flag=True, help="Do not record checksums of older files.")
@with_appcontext
def check_command(no_record: bool) -> None:
    """Report missing or changed evidence files (exit 1 if any); files stored before checksums
    were kept are given the one they have now."""
    report = check_files(db.session, current_app.config["TRACKER_UPLOAD_DIR"], record=not no_record)
    db.session.commit()
    for evidence_id, name in report.missing:
        click.echo(f"MISSING  evidence {evidence_id}: {name}")
    for evidence_id, name in report.changed:
        click.echo(f"CHANGED  evidence {evidence_id}: {name} (does not match its checksum)")
    click.echo(
        f"{report.checked} file(s) checked, {len(report.recorded)} checksum(s) recorded, "
        f"{len(report.missing)} missing, {len(report.changed)} changed"
    )
    if not report.ok:
        raise SystemExit(1)
