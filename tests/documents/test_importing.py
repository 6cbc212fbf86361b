"""Importing the register from a document-management system's .xlsx: loose headers, a preview,
every bad row listed, all rows or none."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_document, gen_xlsx
from tracker.documents.models import DocumentKind, IssuedDocument
from tracker.extensions import db

HEADER = ["STT", "Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Người ký"]


def _count(unit) -> int:
    return db.session.scalar(
        select(func.count()).select_from(IssuedDocument).where(IssuedDocument.unit_id == unit.id)
    )


def _upload(client, unit, content: bytes, name: str = "so-van-ban-di.xlsx"):
    path = f"/units/{unit.code}/documents/import"
    return client.post(path, data={"csrf_token": csrf_token(client, path),
                                   "file": (__import__("io").BytesIO(content), name)},
                       content_type="multipart/form-data")


def _confirm(client, unit, page: str):
    payload = unescape(re.search(r'name="payload" type="hidden" value="([^"]*)"', page).group(1))
    path = f"/units/{unit.code}/documents/import"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "payload": payload})


def test_a_file_is_previewed_then_imported_whole(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    content = gen_xlsx([
        ["SỔ VĂN BẢN ĐI"],
        [],
        ["stt", "So/ky hieu", "Ngay ban hanh", "Loai", "Trich yeu", "Nguoi ky"],
        [1, "98/KH-UBND", datetime(2024, 1, 16), "Kế hoạch", "Kiểm tra VBQPPL", "Trần Thị Thu Hà"],
        [2, "260/UBND", "21/02/2024", "", "Tuyên truyền mã QR", ""],
        [],
        [3, "422/BC-UBND", "12/03/2024", "Báo cáo", "Báo cáo CCHC quý I", ""],
    ])
    auth.login(focal)
    response = _upload(client, unit, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-testid="preview"' in page and "98/KH-UBND" in page
    assert _count(unit) == 0  # a preview writes nothing
    assert _confirm(client, unit, page).status_code == 302
    entries = db.session.scalars(select(IssuedDocument).order_by(IssuedDocument.issued_on)).all()
    assert [(e.number, e.kind) for e in entries] == [
        ("98/KH-UBND", DocumentKind.PLAN), ("260/UBND", DocumentKind.OFFICIAL_LETTER),
        ("422/BC-UBND", DocumentKind.REPORT),
    ]
    assert entries[0].signer == "Trần Thị Thu Hà"


def test_every_bad_row_is_listed_and_nothing_imported(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    gen_document(unit, "39/QĐ-UBND", date(2024, 1, 31))
    db.session.commit()
    content = gen_xlsx([
        HEADER,
        [1, "10/KH-UBND", "02/01/2024", "Kế hoạch", "Đúng", ""],
        [2, "39/QĐ-UBND", "31/01/2024", "Quyết định", "Đã có trong sổ", ""],
        [3, "11/KH-UBND", "31/02/2024", "Kế hoạch", "Ngày sai", ""],
        [4, "mười hai", "02/01/2024", "Kế hoạch", "Số sai", ""],
        [5, "13/KH-UBND", "02/01/2024", "Bài thơ", "Loại lạ", ""],
        [6, "10/kh-UBND", "03/01/2024", "", "Trùng dòng 2", ""],
    ])
    auth.login(focal)
    response = _upload(client, unit, content)
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    for line, words in [(3, "đã có trong sổ"), (4, "không hợp lệ"), (5, "chưa đúng dạng"),
                        (6, "không rõ loại văn bản"), (7, "trùng với dòng 2")]:
        assert re.search(rf"Dòng {line}: [^<]*{words}", page), (line, words)
    assert _count(unit) == 1


def test_files_that_are_not_a_register(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    auth.login(focal)
    cases = [
        (b"%PDF-1.4 not a workbook", "so.xlsx", "không phải bảng tính Excel"),
        (gen_xlsx([["Họ và tên", "Email"], ["A", "a@b.example"]]), "so.xlsx",
         "Không tìm thấy dòng tiêu đề"),
        (gen_xlsx([HEADER]), "so.xlsx", "không có văn bản nào"),
        (b"PK\x03\x04" + b"\x00" * 50, "so.xlsx", "không phải bảng tính Excel"),
    ]
    for content, name, message in cases:
        response = _upload(client, unit, content, name)
        assert response.status_code == 422, message
        assert message in unescape(response.get_data(as_text=True)), message
    response = _upload(client, unit, b"a;b", "so.csv")  # the form takes .xlsx only
    assert response.status_code == 200 and "Chỉ nhận tệp .xlsx" in response.get_data(as_text=True)
    assert _count(unit) == 0


def test_a_tampered_preview_is_checked_again(client, auth, ward, clock):
    unit, focal, _officer = ward
    clock(date(2024, 3, 12))
    auth.login(focal)
    path = f"/units/{unit.code}/documents/import"
    token = csrf_token(client, path)
    for payload in ("not json", "[]", '[{"number": 1}]', '{"a": 1}'):
        response = client.post(path, data={"csrf_token": token, "payload": payload})
        assert response.status_code == 400, payload
    bad = '[{"number": "x", "issued_on": "2024-01-02", "kind": null, "subject": "", "signer": ""}]'
    response = client.post(path, data={"csrf_token": token, "payload": bad})
    assert response.status_code == 422 and _count(unit) == 0
