"""`tracker files check`: missing or changed evidence files reported; older files get their
checksum recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.factories import gen_task
from tracker.core.files import store_file
from tracker.extensions import db
from tracker.tasks.models import Evidence

PDF = b"%PDF-1.4\n%%EOF\n"


def _evidence(app, content: bytes, *, keep_checksum: bool = True) -> Evidence:
    stored = store_file(app.config["TRACKER_UPLOAD_DIR"], "a.pdf", content)
    evidence = Evidence(
        task=gen_task(),
        document_number="1/KH-UBND",
        stored_name=stored.stored_name,
        file_name=stored.file_name,
        sha256=stored.sha256 if keep_checksum else None,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def test_files_check_reports_changed_and_missing_files_and_records_old_ones(app, runner):
    good = _evidence(app, PDF + b"good")
    old = _evidence(app, PDF + b"old", keep_checksum=False)
    changed = _evidence(app, PDF + b"changed")
    missing = _evidence(app, PDF + b"missing")
    upload_dir = Path(app.config["TRACKER_UPLOAD_DIR"])
    (upload_dir / changed.stored_name).write_bytes(PDF + b"tampered")
    (upload_dir / missing.stored_name).unlink()

    result = runner.invoke(args=["files", "check"])

    assert result.exit_code == 1
    assert f"CHANGED  evidence {changed.id}" in result.output
    assert f"MISSING  evidence {missing.id}" in result.output
    assert f"evidence {good.id}" not in result.output
    db.session.refresh(old)
    assert old.sha256 == hashlib.sha256(PDF + b"old").hexdigest()
    assert "1 checksum(s) recorded" in result.output
