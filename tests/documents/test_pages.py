"""The register's pages as its users work them: typing, refusing, cancelling, deciding row 1.1,
searching, exporting; and a task's evidence entering (or finding) its register entry."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_document, gen_plan, gen_task
from tracker.core.audit import AuditEvent
from tracker.documents.models import DocumentKind, IssuedDocument
from tracker.extensions import db
from tracker.tasks.models import Evidence, TaskState


def _entries(unit) -> list[IssuedDocument]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(IssuedDocument).where(IssuedDocument.unit_id == unit.id).order_by(IssuedDocument.id)
    ))


def _type(client, unit, **fields):
    path = f"/units/{unit.code}/documents/new"
    data = {"number": "39/QĐ-UBND", "issued_on": "31/01/2024", "kind": "", "subject": "KH CCHC",
            "signer": "Lê Minh Tuấn", "directing": "", **fields}
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_the_focal_officer_types_an_entry(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    auth.login(focal)
    assert _type(client, unit).status_code == 302
    (entry,) = _entries(unit)
    assert (entry.number, entry.issued_on, entry.kind) == ("39/QĐ-UBND", date(2024, 1, 31),
                                                          DocumentKind.DECISION)
    assert entry.directs_reform and entry.added_by_id == focal.id
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "issued_documents", AuditEvent.entity_id == entry.id)).all()
    assert [a.action for a in audit] == ["create"]
    page = client.get(f"/units/{unit.code}/documents").get_data(as_text=True)
    assert "39/QĐ-UBND" in page and "31/01/2024" in page


def test_a_number_is_entered_once_a_year(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    gen_document(unit, "39/QĐ-UBND", date(2024, 1, 31))
    db.session.commit()
    auth.login(focal)
    response = _type(client, unit, number="39 / QĐ-UBND ", subject="Gõ lại")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "đã có trong sổ" in page and "Gõ lại" in page  # the form kept as typed
    assert len(_entries(unit)) == 1
    assert _type(client, unit, issued_on="05/01/2023").status_code == 302  # another year


def test_bad_input_is_refused_with_its_reason(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    auth.login(focal)
    for fields, message in [
        ({"issued_on": "31/02/2024"}, "không hợp lệ"),
        ({"issued_on": "13/03/2024"}, "không được sau hôm nay"),
        ({"number": "ba mươi chín"}, "chưa đúng dạng"),
        ({"kind": "poem"}, "Lựa chọn không hợp lệ"),
    ]:
        response = _type(client, unit, **fields)
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    assert _entries(unit) == []


def test_cancelling_keeps_the_entry_and_frees_its_number(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    entry = gen_document(unit, "39/QĐ-UBND", date(2024, 1, 13))  # the wrong date
    db.session.commit()
    auth.login(focal)
    path = f"/documents/{entry.id}/cancel"
    token = csrf_token(client, f"/documents/{entry.id}")
    page = client.post(path, data={"csrf_token": token, "reason": ""}, follow_redirects=True)
    assert "Nhập lý do hủy" in page.get_data(as_text=True)
    client.post(path, data={"csrf_token": token, "reason": "Sai ngày"})
    (cancelled,) = _entries(unit)
    assert cancelled.is_cancelled and cancelled.cancel_reason == "Sai ngày"
    listing = client.get(f"/units/{unit.code}/documents").get_data(as_text=True)
    assert ">39/QĐ-UBND</a>" not in listing
    listing = client.get(f"/units/{unit.code}/documents?cancelled=1").get_data(as_text=True)
    assert ">39/QĐ-UBND</a>" in listing and "Đã hủy" in listing
    assert _type(client, unit).status_code == 302  # entered again with the right date
    assert [e.is_cancelled for e in _entries(unit)] == [True, False]


def test_a_leader_decides_row_1_1_for_one_document(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    entry = gen_document(unit, "40/QĐ-UBND", date(2024, 2, 1), subject="Giao đất")
    db.session.commit()
    auth.login(focal)
    path = f"/documents/{entry.id}"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "kind": "decision",
                                       "subject": "Giao đất", "signer": "", "directing": "no"})
    assert response.status_code == 302
    db.session.expire_all()
    assert entry.directing_override is False and not entry.directs_reform
    listing = client.get(f"/units/{unit.code}/documents?directing=1").get_data(as_text=True)
    assert ">40/QĐ-UBND</a>" not in listing


def test_search_and_filters(client, auth, ward, clock):
    unit, _focal, officer = ward
    clock(date(2024, 3, 12))
    gen_document(unit, "333/KH-UBND", date(2024, 3, 4), subject="Tuyên truyền cải cách")
    gen_document(unit, "422/BC-UBND", date(2024, 3, 1), subject="Báo cáo quý I")
    gen_document(unit, "2549/UBND", date(2023, 12, 22), subject="Đăng ký danh mục")
    db.session.commit()
    auth.login(officer)  # every officer of the unit reads the register
    base = f"/units/{unit.code}/documents"
    page = client.get(f"{base}?q=tuyen+truyen").get_data(as_text=True)
    assert "333/KH-UBND" in page and "422/BC-UBND" not in page
    page = client.get(f"{base}?kind=report").get_data(as_text=True)
    assert "422/BC-UBND" in page and "333/KH-UBND" not in page
    page = client.get(f"{base}").get_data(as_text=True)  # this year by default
    assert "2549/UBND" not in page
    page = client.get(f"{base}?from=14/12/2023&to=12/03/2024").get_data(as_text=True)
    assert "2549/UBND" in page
    for junk in ("from=31/02/2024", "kind=poem", "q=" + "x" * 5000, "to=abc&cancelled=2"):
        assert client.get(f"{base}?{junk}").status_code == 200, junk


def test_export_reads_back_and_escapes_formulas(client, auth, ward, clock):
    unit, _focal, officer = ward
    clock(date(2024, 3, 12))
    gen_document(unit, "333/KH-UBND", date(2024, 3, 4), subject="=HYPERLINK(\"x\")")
    db.session.commit()
    auth.login(officer)
    response = client.get(f"/units/{unit.code}/documents/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[1] == "Số, ký hiệu")
    first = rows[header + 1]
    assert first[1] == "333/KH-UBND" and first[4].startswith("'=")
    assert first[6] == "x"


def _complete(client, task, number, day, **extra):
    path = f"/tasks/{task.id}/complete"
    return client.post(path, data={"csrf_token": csrf_token(client, path),
                                   "document_number": number, "document_date": day,
                                   "summary": "", **extra})


def test_evidence_enters_the_register_once(client, auth, ward, clock):
    unit, _focal, officer = ward
    clock(date(2024, 3, 12))
    plan = gen_plan(unit)
    first = gen_task(plan, lead=officer, deadline=date(2024, 3, 29))
    second = gen_task(plan, lead=officer, deadline=date(2024, 3, 29))
    db.session.commit()
    auth.login(officer)
    page = client.get(f"/tasks/{first.id}/complete").get_data(as_text=True)
    assert 'list="register-numbers"' in page
    assert _complete(client, first, "333/KH-UBND", "04/03/2024").status_code == 302
    (entry,) = _entries(unit)
    assert (entry.number, entry.kind, entry.added_by_id) == ("333/KH-UBND", DocumentKind.PLAN,
                                                           officer.id)
    # the same document proves another task: found, not entered twice; a new date is refused
    response = _complete(client, second, "333/KH-UBND", "05/03/2024")
    assert response.status_code == 422
    assert "có ngày 04/03/2024" in response.get_data(as_text=True)
    assert _complete(client, second, "333 /KH-UBND", "04/03/2024").status_code == 302
    assert len(_entries(unit)) == 1
    evidence = db.session.scalars(select(Evidence).order_by(Evidence.id)).all()
    assert [e.document_id for e in evidence] == [entry.id, entry.id]
    db.session.refresh(second)
    assert second.state is TaskState.PENDING_CONFIRMATION
    response = client.get(f"/documents/{entry.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-3000:]
    assert first.title in page and second.title in page


def test_the_list_queries_do_not_grow_with_the_register(client, auth, ward, clock,
                                                         count_queries):
    unit, focal, officer = ward
    clock(date(2024, 3, 12))
    auth.login(officer)
    counts = []
    for size in (3, 60):
        existing = len(_entries(unit))
        for i in range(existing, size):
            entry = gen_document(unit, f"{i + 1}/KH-UBND", date(2024, 1, 2))
            entry.added_by_id = (focal, officer)[i % 2].id
        db.session.commit()
        client.get(f"/units/{unit.code}/documents")  # warm
        with count_queries() as queries:
            assert client.get(f"/units/{unit.code}/documents").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1] and counts[1] <= 8, counts
