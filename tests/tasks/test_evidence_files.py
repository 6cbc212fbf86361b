"""Evidence files: a refused upload leaves nothing on disk, a stored file is never overwritten,
and a file whose content changed since its upload is reported, not served."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.clock import today
from tracker.extensions import db
from tracker.people.models import Role
from tracker.tasks.models import Evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ward():
    unit = gen_unit(code="phuong-tep")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Chủ Tịch")
    lead = gen_officer(unit, full_name="Phạm Chủ Trì")
    plan = gen_plan(unit, title="Kế hoạch CCHC")
    task = gen_task(plan, lead=lead, confirmer=chair)
    db.session.commit()
    return {"unit": unit, "chair": chair, "lead": lead, "task": task}


def _files(app) -> set[str]:
    return {p.name for p in Path(app.config["TRACKER_UPLOAD_DIR"]).glob("*") if p.is_file()}


def _complete(client, task, **fields):
    path = f"/tasks/{task.id}/complete"
    data = {
        "csrf_token": csrf_token(client, path),
        "document_number": "333/KH-UBND",
        "document_date": today().strftime("%d/%m/%Y"),
        "file": (io.BytesIO(PDF), "ket-qua.pdf"),
        **fields,
    }
    return client.post(path, data=data, content_type="multipart/form-data")


def test_refused_completions_leave_no_file(app, client, auth, ward):
    auth.login(ward["lead"])
    before = _files(app)
    for _ in range(3):
        # The form is well formed; the operation refuses the document number.
        response = _complete(client, ward["task"], document_number="khong hop le")
        assert response.status_code == 422
        assert "Số văn bản chưa đúng dạng" in response.get_data(as_text=True)
    assert _files(app) == before


def test_a_stored_file_keeps_its_checksum_and_is_served(app, client, auth, ward):
    auth.login(ward["lead"])
    assert _complete(client, ward["task"]).status_code == 302
    evidence = db.session.scalar(select(Evidence).where(Evidence.task_id == ward["task"].id))
    import hashlib

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert client.get(f"/evidence/{evidence.id}/file").data == PDF


def test_a_changed_file_is_reported_not_served(app, client, auth, ward, caplog):
    auth.login(ward["lead"])
    assert _complete(client, ward["task"]).status_code == 302
    evidence = db.session.scalar(select(Evidence).where(Evidence.task_id == ward["task"].id))
    path = Path(app.config["TRACKER_UPLOAD_DIR"]) / evidence.stored_name
    path.write_bytes(PDF + b"tampered")
    response = client.get(f"/evidence/{evidence.id}/file")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "không còn khớp" in html
    assert PDF not in response.data
    assert any("checksum" in r.getMessage() for r in caplog.records)


def test_a_stored_file_is_never_overwritten(tmp_path, monkeypatch):
    from tracker.core import files

    names = iter(["a" * 32, "a" * 32, "b" * 32])
    monkeypatch.setattr(files.secrets, "token_hex", lambda n: next(names))
    first = files.store_file(tmp_path, "x.pdf", PDF)
    second = files.store_file(tmp_path, "y.pdf", PDF + b"second")
    assert first.stored_name != second.stored_name
    assert (tmp_path / first.stored_name).read_bytes() == PDF
    assert (tmp_path / second.stored_name).read_bytes() == PDF + b"second"


def test_document_date_checks_before_any_file(app, client, auth, ward):
    auth.login(ward["lead"])
    before = _files(app)
    tomorrow = (today() + timedelta(days=1)).strftime("%d/%m/%Y")
    _complete(client, ward["task"], document_date=tomorrow)
    assert _files(app) == before
