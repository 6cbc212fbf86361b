"""A backup taken while officers write, restored into an empty instance, holds everything
committed before it began, consistently; a damaged archive or a non-empty target is refused."""

from __future__ import annotations

import hashlib
import tarfile
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.backup.conftest import Instance
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.backup import archive
from tracker.backup.database import BackupError
from tracker.backup.service import take_backup
from tracker.core.audit import AuditEvent, acting_as
from tracker.core.files import store_file
from tracker.extensions import db
from tracker.people.models import Officer, Role
from tracker.plans.models import Plan
from tracker.tasks.models import Evidence, Task
from tracker.tasks.operations import submit_completion

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date(2024, 3, 13)


def _ward(instance: Instance) -> tuple[int, int]:
    with instance.app.app_context():
        unit = gen_unit(code="phuong-sao-luu")
        gen_officer(unit, Role.CHAIRPERSON)
        lead = gen_officer(unit, full_name="Phạm Chủ Trì")
        plan = gen_plan(unit)
        db.session.commit()
        ids = plan.id, lead.id
        db.session.remove()
        return ids


def _write_one(instance: Instance, plan_id: int, lead_id: int, n: int) -> None:
    """What an officer does: a task reported done with its evidence file (audited)."""
    with instance.app.app_context(), acting_as(lead_id):
        try:
            session = db.session
            lead = session.get(Officer, lead_id)
            task = gen_task(session.get(Plan, plan_id), lead=lead, title=f"Nhiệm vụ {n}")
            content = PDF + f"% evidence {n}\n".encode()
            stored = store_file(instance.uploads, f"minh-chung-{n}.pdf", content)
            submit_completion(
                session,
                task,
                lead,
                document_number=f"{n}/KH-UBND",
                document_date=TODAY,
                summary="",
                today=TODAY,
                file=stored,
            )
            session.commit()
        finally:
            db.session.remove()


def _committed(instance: Instance) -> dict[str, set]:
    with instance.app.app_context():
        try:
            s = db.session
            return {
                "tasks": set(s.scalars(select(Task.id))),
                "evidence": set(
                    s.execute(select(Evidence.id, Evidence.stored_name, Evidence.sha256)).all()
                ),
                "audit": set(s.scalars(select(AuditEvent.id))),
            }
        finally:
            db.session.remove()


def _assert_consistent(instance: Instance) -> None:
    """Every evidence row has its file, as uploaded; every task and evidence its audit record."""
    with instance.app.app_context():
        s = db.session
        for stored_name, sha256 in s.execute(select(Evidence.stored_name, Evidence.sha256)):
            path = instance.uploads / stored_name
            assert path.is_file(), stored_name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
        for model, name in ((Task, "tasks"), (Evidence, "evidence")):
            created = s.scalar(
                select(func.count(func.distinct(AuditEvent.entity_id))).where(
                    AuditEvent.entity_type == name, AuditEvent.action == "create"
                )
            )
            assert created == s.scalar(select(func.count()).select_from(model)), name
        if db.engine.dialect.name == "sqlite":
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.remove()


def test_a_backup_taken_while_officers_write_restores_what_was_committed(make_instance):
    source = make_instance("nguon")
    plan_id, lead_id = _ward(source)
    stop = threading.Event()
    written = [0]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(first: int) -> None:
        n = first
        while not stop.is_set():
            try:
                _write_one(source, plan_id, lead_id, n)
            except BaseException as exc:
                errors.append(exc)
                return
            with lock:
                written[0] += 1
            n += 2

    # Two officers at once on PostgreSQL (real concurrent sessions); one on SQLite, which
    # serialises writers (two would refuse each other "database is locked", backup or not).
    writers = (1,) if source.url.startswith("sqlite") else (1, 2)
    threads = [threading.Thread(target=writer, args=(k,)) for k in writers]
    for thread in threads:
        thread.start()
    try:
        while written[0] < 6 and not errors:
            time.sleep(0.02)
        before = _committed(source)  # what had committed when the backup began
        with source.app.app_context():
            result = take_backup(source.app)
            db.session.remove()
        during = written[0]
        while written[0] < during + 4 and not errors:  # they kept writing afterwards
            time.sleep(0.02)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert result.archive.name.startswith("tracker-backup-nguon-")
    assert archive.sidecar(result.archive).is_file()
    assert result.archive.stat().st_mode & 0o077 == 0  # the service's user only

    target = make_instance("dich", migrate=False)
    archive.restore(result.archive, target.url, target.uploads)
    restored = _committed(target)
    assert before["tasks"] <= restored["tasks"]
    assert before["evidence"] <= restored["evidence"]
    assert before["audit"] <= restored["audit"]
    assert len(before["evidence"]) >= 6
    _assert_consistent(target)
    # The restored instance is the app's: pages read it.
    with target.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task)) >= len(before["tasks"])
        db.session.remove()


def _backup(instance: Instance) -> Path:
    with instance.app.app_context():
        try:
            return take_backup(instance.app).archive
        finally:
            db.session.remove()


def test_restore_refuses_a_damaged_archive(make_instance):
    source = make_instance("nguon")
    plan_id, lead_id = _ward(source)
    _write_one(source, plan_id, lead_id, 1)
    path = _backup(source)
    target = make_instance("dich", migrate=False)

    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(BackupError, match="checksum does not match"):
        archive.restore(path, target.url, target.uploads)
    archive.sidecar(path).unlink()  # without the checksum beside it: the archive's own
    with pytest.raises(BackupError, match=r"damaged|checksum"):
        archive.restore(path, target.url, target.uploads)
    assert not target.uploads.exists() or not any(target.uploads.iterdir())


def test_restore_refuses_a_member_that_differs_from_the_manifest(make_instance, tmp_path):
    source = make_instance("nguon")
    plan_id, lead_id = _ward(source)
    _write_one(source, plan_id, lead_id, 1)
    path = _backup(source)
    forged = tmp_path / path.name
    with tarfile.open(path, "r:gz") as original, tarfile.open(forged, "w:gz") as copy:
        for info in original:
            content = original.extractfile(info).read()
            if info.name.startswith("uploads/"):
                content = content.replace(b"evidence", b"EVIDENCE")
            info.size = len(content)
            copy.addfile(info, __import__("io").BytesIO(content))
    target = make_instance("dich", migrate=False)
    with pytest.raises(BackupError, match="checksum mismatch in uploads/"):
        archive.restore(forged, target.url, target.uploads)
    with target.app.app_context():
        assert archive.database.is_empty(target.url)


def test_restore_refuses_a_database_that_holds_data_unless_forced(make_instance):
    source = make_instance("nguon")
    plan_id, lead_id = _ward(source)
    _write_one(source, plan_id, lead_id, 1)
    path = _backup(source)
    _write_one(source, plan_id, lead_id, 2)  # after the backup
    with source.app.app_context():
        db.session.remove()
        db.engine.dispose()
    with pytest.raises(BackupError, match="not empty"):
        archive.restore(path, source.url, source.uploads)
    assert len(_committed(source)["tasks"]) == 2  # untouched

    migrated = make_instance("moi")  # migrated, no rows: empty
    archive.restore(path, migrated.url, migrated.uploads)
    assert len(_committed(migrated)["tasks"]) == 1

    with source.app.app_context():
        db.engine.dispose()
    archive.restore(path, source.url, source.uploads, force=True)
    assert len(_committed(source)["tasks"]) == 1
    _assert_consistent(source)


def test_the_cli_backs_up_and_restores(make_instance):
    source = make_instance("nguon")
    plan_id, lead_id = _ward(source)
    _write_one(source, plan_id, lead_id, 1)
    result = source.app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.split(" (")[0])
    assert path.is_file()

    target = make_instance("dich")
    runner = target.app.test_cli_runner()
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 evidence file(s)" in result.output
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0 and "not empty" in result.output
    _assert_consistent(target)
