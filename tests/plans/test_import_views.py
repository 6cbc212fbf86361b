"""The import page: who may use it, what a good and a bad file give."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, session_csrf_token
from tests.factories import gen_officer, gen_unit, gen_xlsx
from tracker.extensions import db
from tracker.people.models import Role
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.models import Task

HEADER = ["STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn"]


@pytest.fixture
def ward(app):
    unit = gen_unit(code="vinh-hoa", name="Phường Vĩnh Hòa")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Nguyễn Văn An")
    officer = gen_officer(unit, full_name="Trần Thị Bình")
    db.session.commit()
    return unit, chair, officer


def url(unit) -> str:
    return f"/units/{unit.code}/plans/import"


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Plan)),
        db.session.scalar(select(func.count()).select_from(Task)),
    )


def post(client, unit, data: bytes, filename: str = "ke-hoach.xlsx", **fields):
    form = {
        "csrf_token": csrf_token(client, url(unit)),
        "file": (io.BytesIO(data), filename),
        "kind": "",
        "title": "",
        "document_number": "",
        "document_date": "",
        "years": "",
        "appendix_row": "",
        **fields,
    }
    return client.post(url(unit), data=form, content_type="multipart/form-data")


GOOD = [
    ["Kế hoạch CCHC năm 2024"],
    HEADER,
    ["I", None, "Chỉ đạo, điều hành"],
    [1, None, "Ban hành kế hoạch", "Kế hoạch", "Nguyễn Văn An", "Trần Thị Bình", "31/01/2024"],
    [2, None, "Họp hàng tháng", "Biên bản", "Trần Thị Bình", None, "Hàng tháng"],
]


def test_chairperson_imports_and_is_sent_to_the_plan(client, auth, ward):
    unit, chair, _officer = ward
    auth.login(chair)
    page = client.get(url(unit))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    response = post(
        client,
        unit,
        gen_xlsx(GOOD),
        document_number="39/QĐ-UBND",
        document_date="31/01/2024",
        years="2024",
        kind="annual_reform",
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(Plan).where(Plan.unit_id == unit.id))
    assert response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert (plan.title, plan.document_number, plan.kind, plan.appendix_row) == (
        "Kế hoạch CCHC năm 2024",
        "39/QĐ-UBND",
        PlanKind.ANNUAL_REFORM,
        "1.2",
    )
    assert db.session.scalar(select(func.count()).where(Task.plan_id == plan.id)) == 2
    # The plan page, written by others, shows it.
    assert "Ban hành kế hoạch" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_import_logs_who_which_plan_how_many_tasks_which_unit(client, auth, ward, caplog):
    unit, chair, _officer = ward
    auth.login(chair)
    bad = gen_xlsx([HEADER, [1, None, "Việc", "KH", "Nguyễn Văn X", None, "01/02/2024"]])
    with caplog.at_level(logging.INFO, logger="tracker"):
        assert post(client, unit, bad).status_code == 200
        assert post(client, unit, gen_xlsx(GOOD)).status_code == 302
    plan = db.session.scalar(select(Plan).where(Plan.unit_id == unit.id))
    lines = [
        (r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == "tracker.plans"
    ]
    assert lines == [
        (
            "tracker.plans",
            logging.INFO,
            f"officer {chair.id} imported plan {plan.id} 'Kế hoạch CCHC năm 2024' with 2 tasks, "
            f"unit {unit.id}",
        )
    ]  # the refused file logs nothing: it imported nothing


def test_plain_officer_is_refused(client, auth, ward):
    unit, _chair, officer = ward
    auth.login(officer)
    assert client.get(url(unit)).status_code == 403
    response = client.post(
        url(unit),
        data={
            "csrf_token": session_csrf_token(client),
            "file": (io.BytesIO(gen_xlsx(GOOD)), "kh.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).where(Plan.unit_id == unit.id)) == 0


def test_unknown_unit_is_404_and_anonymous_goes_to_login(client, auth, ward):
    _unit, chair, _officer = ward
    assert "/login" in client.get("/units/vinh-hoa/plans/import").headers["Location"]
    auth.login(chair)
    assert client.get("/units/khong-co/plans/import").status_code == 404


def test_bad_rows_list_every_problem_keep_the_form_and_import_nothing(client, auth, ward):
    unit, chair, _officer = ward
    auth.login(chair)
    before = counts()
    data = gen_xlsx(
        [
            HEADER,
            [1, None, "Đúng", "KH", "Nguyễn Văn An", None, "01/02/2024"],
            [2, None, "Người lạ", "KH", "Nguyễn Văn X", None, "01/02/2024"],
            [3, None, "Sai ngày", "KH", "Nguyễn Văn An", None, "31/02/2024"],
        ]
    )
    response = post(client, unit, data, title="Kế hoạch tôi đã gõ", document_number="12/KH-UBND")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Dòng 3: không tìm thấy cán bộ “Nguyễn Văn X” trong đơn vị" in html
    assert "Dòng 4: thời hạn “31/02/2024” không phải ngày hợp lệ" in html
    assert "tệp có 2 lỗi" in html
    assert 'value="Kế hoạch tôi đã gõ"' in html
    assert 'value="12/KH-UBND"' in html
    assert counts() == before


def test_bad_metadata_is_said_next_to_its_field(client, auth, ward):
    unit, chair, _officer = ward
    auth.login(chair)
    response = post(client, unit, gen_xlsx(GOOD), document_date="31/02/2024", years="2025-2024")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ngày văn bản “31/02/2024” không hợp lệ" in html
    assert "Năm thực hiện “2025-2024” không hợp lệ" in html
    assert 'value="31/02/2024"' in html


def test_a_file_that_is_not_a_spreadsheet(client, auth, ward):
    unit, chair, _officer = ward
    auth.login(chair)
    before = counts()
    refused = post(client, unit, b"%PDF-1.4 ...", filename="bao-cao.pdf")
    assert refused.status_code == 200
    assert "Chỉ nhận tệp .xlsx, .csv hoặc .docx." in refused.get_data(as_text=True)
    disguised = post(client, unit, b"%PDF-1.4 ...", filename="bao-cao.xlsx")
    assert disguised.status_code == 200
    assert "Tệp không phải bảng tính Excel (.xlsx) hợp lệ." in disguised.get_data(as_text=True)
    missing = client.post(
        url(unit),
        data={"csrf_token": csrf_token(client, url(unit))},
        content_type="multipart/form-data",
    )
    assert "Chọn tệp kế hoạch." in missing.get_data(as_text=True)
    assert counts() == before


def test_an_oversize_upload_returns_to_the_form_not_500(client, auth, ward, monkeypatch):
    unit, chair, _officer = ward
    auth.login(chair)
    token = csrf_token(client, url(unit))
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 10_000)
    response = client.post(
        url(unit),
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 20_000), "big.csv")},
        content_type="multipart/form-data",
    )
    # Back to the form (auth/drafts.py), the limit said; nothing imported.
    assert response.status_code == 303 and response.location == url(unit)
    assert "Tệp tải lên quá lớn: tối đa 10 KB." in client.get(url(unit)).get_data(as_text=True)
