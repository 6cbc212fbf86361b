"""Retention deletes only this instance's old archives; the setting is the administrator's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.backup.archive import archive_name, sidecar
from tracker.backup.models import Retention, retention
from tracker.backup.retention import archives, prune
from tracker.core.audit import AuditEvent
from tracker.extensions import db

NOW = datetime(2024, 3, 20, 2, 30)


def _archive(directory, label, moment):
    path = directory / archive_name(label, moment)
    path.write_bytes(b"x")
    sidecar(path).write_text("0  x\n")
    return path


def test_prune_keeps_the_newest_and_the_recent_and_nothing_else(tmp_path):
    nightly = [_archive(tmp_path, "phuong-1", datetime(2024, 3, d, 2, 30)) for d in range(1, 21)]
    other_label = _archive(tmp_path, "phuong-12", datetime(2024, 1, 1, 2, 30))
    unrelated = tmp_path / "notes.tar.gz"
    unrelated.write_bytes(b"y")

    deleted = prune(tmp_path, "phuong-1", Retention(keep_count=3, keep_days=7), NOW)

    # Kept: 13/03 … 20/03 (younger than 7 days: 13/03 02:30 is exactly 7 days old).
    assert sorted(deleted) == sorted(nightly[:12])
    for path in nightly[:12]:
        assert not path.exists() and not sidecar(path).exists()
    for path in nightly[12:]:
        assert path.exists() and sidecar(path).exists()
    assert other_label.exists() and unrelated.exists()
    assert [p for _, p in archives(tmp_path, "phuong-1")] == list(reversed(nightly[12:]))


def test_prune_keeps_the_newest_count_however_old(tmp_path):
    old = [_archive(tmp_path, "phuong-1", datetime(2023, 1, d, 2, 30)) for d in range(1, 6)]
    deleted = prune(tmp_path, "phuong-1", Retention(keep_count=2, keep_days=0), NOW)
    assert sorted(deleted) == sorted(old[:3])
    assert old[3].exists() and old[4].exists()


def test_the_retention_setting_is_changed_by_command_and_audited(app, runner):
    assert retention(db.session) == Retention(14, 30)
    result = runner.invoke(args=["backup", "retention", "--keep", "7", "--days", "60"])
    assert result.exit_code == 0, result.output
    assert "newest 7" in result.output and "60 days" in result.output
    assert retention(db.session) == Retention(7, 60)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "backup_settings"))
    assert event is not None and event.changes["keep_count"] == [None, 7]
    assert runner.invoke(args=["backup", "retention", "--keep", "0"]).exit_code != 0


def test_the_nightly_job_writes_an_archive_and_deletes_only_old_ones(make_instance, clock):
    from tracker.backup.jobs import nightly_job
    from tracker.backup.models import set_retention

    instance = make_instance("dem")
    with instance.app.app_context():
        set_retention(db.session, keep_count=2, keep_days=3)
        db.session.commit()
        db.session.remove()
    instance.backups.mkdir()
    old = [_archive(instance.backups, "dem", datetime(2024, 3, d, 2, 30)) for d in (1, 2, 3)]
    recent = _archive(instance.backups, "dem", datetime(2024, 3, 18, 2, 30))
    clock(datetime.fromisoformat("2024-03-20T02:30:00+07:00"))

    nightly_job(instance.app)

    written = instance.backups / "tracker-backup-dem-20240320-023000.tar.gz"
    assert written.is_file() and sidecar(written).is_file()
    assert recent.exists()  # younger than 3 days
    assert not any(path.exists() for path in old)  # neither recent nor among the newest 2
