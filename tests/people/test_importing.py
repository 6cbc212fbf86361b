"""Officers from a spreadsheet: every row or none, each bad row listed with its number."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_xlsx
from tracker.extensions import db
from tracker.people.models import Officer, Role

HEADER = ["STT", "Họ và tên", "Chức vụ", "Bộ phận", "Email", "Vai trò"]


def _post(client, unit, content: bytes, name: str = "can-bo.xlsx"):
    path = f"/units/{unit.code}/officers/import"
    data = {"csrf_token": csrf_token(client, path), "file": (io.BytesIO(content), name)}
    return client.post(path, data=data, content_type="multipart/form-data")


def _count(unit) -> int:
    return db.session.scalar(select(func.count()).where(Officer.unit_id == unit.id))


def test_a_good_file_adds_everyone_and_invites_them(client, auth, ward, mail_to):
    unit, chair = ward
    content = gen_xlsx(
        [
            ["DANH SÁCH CÁN BỘ, CÔNG CHỨC PHƯỜNG MỚI"],
            [],
            HEADER,
            [1, "Nguyễn Văn An", "Phó Chủ tịch UBND", "UBND", "an@phuong.example", "Phó Chủ tịch"],
            [2, "Lê Thị Bình", "Công chức Tư pháp", "Tư pháp - Hộ tịch", "BINH@phuong.example",
             "Cán bộ, công chức; Đầu mối CCHC"],
            [],
            [3, "Trần Văn Cường", "", "", "cuong@phuong.example", "officer"],
        ]
    )
    auth.login(chair)
    response = _post(client, unit, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    binh = db.session.scalar(select(Officer).where(Officer.email == "binh@phuong.example"))
    assert binh.roles == {Role.OFFICER, Role.FOCAL_OFFICER}
    assert binh.department == "Tư pháp - Hộ tịch"
    assert _count(unit) == 4
    for address in ("an@phuong.example", "binh@phuong.example", "cuong@phuong.example"):
        assert len(mail_to.to(address)) == 1


def test_a_bad_file_saves_nothing_and_lists_every_bad_row(client, auth, ward, mail_to):
    unit, chair = ward
    gen_officer(unit, email="da-co@phuong.example")
    db.session.commit()
    content = gen_xlsx(
        [
            HEADER,
            [1, "Nguyễn Văn An", "", "", "an@phuong.example", "Cán bộ"],
            [2, "", "", "", "khong-ten@phuong.example", "Cán bộ"],
            [3, "Lê Thị Bình", "", "", "khong-phai-email", "Cán bộ"],
            [4, "Trần Văn C", "", "", "AN@phuong.example", "Cán bộ"],
            [5, "Phạm Văn D", "", "", "d@phuong.example", "Giám đốc"],
            [6, "Đỗ Thị E", "", "", "da-co@phuong.example", "Cán bộ"],
            [7, "Hồ Văn G", "", "", "g@phuong.example", ""],
            [8, "Vũ Quản Trị", "", "", "qt@phuong.example", "Quản trị"],
        ]
    )
    before = _count(unit)
    auth.login(chair)
    response = _post(client, unit, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Không có dữ liệu nào được lưu" in page
    for line, reason in [
        (3, "Họ và tên không được để trống"),
        (4, "Địa chỉ email không hợp lệ"),
        (5, "email an@phuong.example trùng với dòng 2"),
        (6, "không rõ vai trò “Giám đốc”"),
        (7, "Email da-co@phuong.example đã được dùng cho một cán bộ khác"),
        (8, "Cán bộ cần ít nhất một vai trò"),
        (9, "Bạn không giao được vai trò Quản trị"),
    ]:
        assert f"Dòng {line}: {reason}" in page, (line, reason)
    assert "Dòng 2:" not in page  # the good row is not a problem
    assert _count(unit) == before
    assert mail_to.messages == []


def test_files_that_are_not_a_list_of_officers(client, auth, ward):
    unit, chair = ward
    auth.login(chair)
    cases = [
        (b"\x00\x01 not a spreadsheet", "evil.xlsx", "không phải bảng tính Excel"),
        (gen_xlsx([["Tên", "Số"], ["a", 1]]), "x.xlsx", "Không tìm thấy dòng tiêu đề"),
        (gen_xlsx([HEADER]), "x.xlsx", "không có cán bộ nào"),
        (b"PK\x03\x04garbage", "x.xlsx", "không phải bảng tính Excel"),
    ]
    for content, name, message in cases:
        response = _post(client, unit, content, name)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), name
    assert _count(unit) == 1
