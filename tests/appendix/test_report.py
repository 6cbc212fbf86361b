"""The quarterly report draft: its sections written from the data (read back from the
.docx), the page that previews them and keeps the officer's texts and the report's details,
and the items of the review meetings marked as recommendations."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlalchemy import select

from tests.appendix.conftest import DEMO_PASSWORD, REPORT_FIGURES
from tests.conftest import session_csrf_token
from tracker.appendix.models import ReportDraft
from tracker.appendix.report import compose_report, field_of, next_quarter
from tracker.appendix.report_sources import report_documents
from tracker.appendix.service import period_table
from tracker.appendix.table import display_value
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.meetings.models import AgendaItem, ItemKind, Meeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _post(client, path, data):
    return client.post(path, data={**data, "csrf_token": session_csrf_token(client)})


def _typed(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    form = {f"v-{k}": v for k, v in REPORT_FIGURES.items()}
    assert _post(client, f"/appendix/{demo.period.id}", form).status_code == 302


def _report(client, demo) -> tuple[str, str]:
    response = client.get(f"/appendix/{demo.period.id}/report.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    document = Document(io.BytesIO(response.data))
    body = "\n".join(p.text for p in document.paragraphs)
    header = "\n".join(c.text for c in document.tables[0].rows[0].cells)
    return body, header


def test_the_draft_follows_the_report_and_its_figures_are_the_table(client, auth, demo):
    _typed(client, auth, demo)
    body, header = _report(client, demo)
    headings = [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "1. Công tác chỉ đạo, điều hành",
        "2. Công tác kiểm tra", "3. Công tác tuyên truyền",
        "II. KẾT QUẢ THỰC HIỆN", "1. Cải cách thể chế", "2. Cải cách thủ tục hành chính",
        "3. Cải cách tổ chức bộ máy", "4. Cải cách chế độ công vụ", "5. Cải cách tài chính công",
        "6. Xây dựng và phát triển chính quyền điện tử", "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG", "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    positions = [body.index(h) for h in headings]
    assert positions == sorted(positions)
    # A done task with its evidence in the usual form; an open one with its progress.
    assert ("Kế hoạch số 333/KH-UBND ngày 04/03/2024 về việc tuyên truyền cải cách hành chính"
            in body)
    assert "Các nhiệm vụ đang thực hiện:" in body and "đạt 60%." in body
    # The figures are the table's: 6.1 and the online payments.
    table = period_table(db.session, demo.period)
    assert f"Tỷ lệ thực hiện kế hoạch giải ngân vốn đầu tư công: {display_value(table['6.1'])}" \
        " (7.972/12.175)." in body
    assert display_value(table["6.1"]) == "65,5%"
    assert "Số tiền được thanh toán trực tuyến: 216.000 đồng." in body
    assert "trên Trung tâm Dịch vụ hành chính công" in body and ": 32 hồ sơ." in body
    assert "384.000" not in body
    # I.1 counts the period's directing documents from the register: the seed's 24.
    documents = report_documents(db.session, demo.period, table)
    assert len(documents) == int(table["1.1"].value) == 24
    assert "đã ban hành 24 văn bản chỉ đạo" in body
    assert "Quyết định số 39/QĐ-UBND" in body and "Kế hoạch số 259/KH-UBND" in body
    assert "Công văn số 2549/UBND ngày 22/12/2023 về việc đăng ký" in body
    assert "ghi nhầm" not in body  # the unit's own remark never reaches official text
    assert "01 cuộc họp đánh giá" in body and "15/02/2024" in body
    # The header of a ward's People's Committee: no parent line.
    assert header.startswith("ỦY BAN NHÂN DÂN\nPHƯỜNG VĨNH HÒA\n")
    assert "NHA TRANG" not in header
    assert "Kính gửi: Phòng Nội vụ thành phố Nha Trang" in body


def test_details_and_texts_are_kept_audited_and_printed(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/report"
    assert client.get(path).status_code == 200
    response = _post(client, path, {
        "number": "422/BC-UBND", "report_date": "13/03/2024",
        "signer_name": "Triệu Thị Thu Hằng", "signer_title": "PHÓ CHỦ TỊCH",
        "addressee": "Phòng Nội vụ thành phố Nha Trang",
        "recipients": "Như trên\nĐảng ủy phường (b/c)\nLưu: VT, Kiều",
        "text-II.2": "Định kỳ hàng quý UBND phường báo cáo kiểm soát thủ tục hành chính.",
        "text-V": "Đề nghị tiếp tục nâng cấp phần mềm một cửa điện tử.",
    })
    assert response.status_code == 302
    html = client.get(path).get_data(as_text=True)
    assert "Định kỳ hàng quý UBND phường báo cáo" in html  # in the preview and its box
    body, header = _report(client, demo)
    assert "Số: 422/BC-UBND" in header and "ngày 13 tháng 3 năm 2024" in header
    procedures = body.index("2. Cải cách thủ tục hành chính")
    written = body.index("Định kỳ hàng quý UBND phường báo cáo")
    assert procedures < written < body.index("3. Cải cách tổ chức bộ máy")
    assert body.index("V. ĐỀ XUẤT") < body.index("Đề nghị tiếp tục nâng cấp")
    document = Document(io.BytesIO(client.get(f"/appendix/{demo.period.id}/report.docx").data))
    signature = "\n".join(c.text for c in document.tables[1].rows[0].cells)
    assert "Triệu Thị Thu Hằng" in signature and "KT. CHỦ TỊCH" in signature
    assert "- Lưu: VT, Kiều;" in signature
    # Phụ lục 1 alone, under the same header, with the report's number and date.
    alone = Document(io.BytesIO(client.get(f"/appendix/{demo.period.id}/export.docx").data))
    header = "\n".join(c.text for c in alone.tables[0].rows[0].cells)
    assert header.startswith("ỦY BAN NHÂN DÂN\nPHƯỜNG VĨNH HÒA\n")
    assert "Số: 422/BC-UBND" in header and "ngày 13 tháng 3 năm 2024" in header
    draft = db.session.scalar(select(ReportDraft).where(ReportDraft.period_id == demo.period.id))
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "report_drafts", AuditEvent.entity_id == draft.id)).all()
    assert events and events[0].actor_id == demo.focal.id


def test_bad_details_are_refused_and_kept_as_typed(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/report"
    response = _post(client, path, {"report_date": "31/02/2024", "number": "422/BC-UBND",
                                    "signer_title": "GIÁM ĐỐC", "text-I.1": "Giữ nguyên",
                                    "text-XX": "?"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ngày báo cáo không hợp lệ" in html and 'value="422/BC-UBND"' in html
    assert "Giữ nguyên" in html
    assert db.session.scalar(select(ReportDraft)) is None
    early = _post(client, path, {"report_date": "01/03/2024"})  # before the cut-off date
    assert early.status_code == 400 and "không được trước" in early.get_data(as_text=True)


def test_an_inspector_reads_the_report_but_cannot_write_it(client, auth, demo):
    auth.login("noivu@nhatrang.example", DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/report"
    assert client.get(path).status_code == 200
    assert _post(client, path, {"number": "1/BC"}).status_code == 403


def test_items_marked_as_recommendations_make_section_v(app, demo):
    meeting = db.session.scalar(select(Meeting).where(Meeting.unit_id == demo.ward.id))
    for text, marked in (("Đề nghị nâng cấp phần mềm hộ tịch", True),
                         ("Nhắc bộ phận một cửa", False)):
        db.session.add(AgendaItem(meeting=meeting, unit_id=demo.ward.id, kind=ItemKind.LEADER,
                                  text=text, is_recommendation=marked))
    db.session.flush()
    report = compose_report(db.session, demo.period, period_table(db.session, demo.period))
    section = next(s for s in report.sections if s.key == "V")
    assert [line.text for line in section.lines] == ["Đề nghị nâng cấp phần mềm hộ tịch."]


def test_section_iv_lists_the_next_quarters_tasks(app, demo):
    assert next_quarter(date(2024, 3, 12)) == (date(2024, 3, 13), date(2024, 6, 12))
    assert next_quarter(date(2024, 11, 30)) == (date(2024, 12, 1), date(2025, 2, 28))
    report = compose_report(db.session, demo.period, period_table(db.session, demo.period))
    directions = next(s for s in report.sections if s.key == "IV")
    text = "\n".join(line.text for line in directions.lines)
    assert "(thời hạn 29/03/2024)" in text and "31/12/2024" not in text


def test_fields_are_read_from_the_groups_names():
    assert field_of("Cải cách thủ tục hành chính; thực hiện cơ chế một cửa") == "II.2"
    assert field_of("Công tác tuyên truyền cải cách hành chính") == "I.3"
    assert field_of("Xây dựng chính quyền điện tử, chính quyền số") == "II.6"
    assert field_of("Công khai, minh bạch") == "II.7"


def test_a_rate_carries_the_note_typed_for_it(client, auth, demo):
    # The seed's 3.2.1 (a rate) says "Còn 05 hồ sơ chưa đến hạn" in its notes column.
    _typed(client, auth, demo)
    note = "Còn 05 hồ sơ chưa đến hạn"
    assert _post(client, f"/appendix/{demo.period.id}", {"n-3.2.1": note}).status_code == 302
    assert period_table(db.session, demo.period)["3.2.1"].note == note
    document = Document(io.BytesIO(client.get(f"/appendix/{demo.period.id}/export.docx").data))
    notes = {row.cells[0].text: row.cells[4].text for row in document.tables[-1].rows}
    assert notes["3.2.1."] == note
    # a section has no note
    assert _post(client, f"/appendix/{demo.period.id}", {"n-3": "x"}).status_code == 400


def test_section_iii_sets_the_plans_rates_against_the_previous_periods(app, demo):
    from tracker.appendix.models import PeriodKind, ReportingPeriod

    before = ReportingPeriod(unit_id=demo.ward.id, kind=PeriodKind.YEAR, label="Năm 2023",
                             start=date(2022, 12, 15), end=date(2023, 12, 13))
    db.session.add(before)
    db.session.flush()
    report = compose_report(db.session, demo.period, period_table(db.session, demo.period))
    lines = [line.text for line in next(s for s in report.sections if s.key == "III").lines]
    # The previous period's figures by the same computation as of its own end: the annual
    # plan of 2024 did not exist yet (no figure), the PAPI plan of 2023 did.
    annual = next(line for line in lines if line.startswith("Tỷ lệ hoàn thành kế hoạch CCHC"))
    assert annual == "Tỷ lệ hoàn thành kế hoạch CCHC năm: 27,3% (Năm 2023: không có số liệu)."
    papi = next(line for line in lines if "PAPI" in line)
    assert papi.startswith("Tỷ lệ hoàn thành kế hoạch nhiệm vụ cải thiện & nâng cao chỉ số PAPI:"
                           " 26,1% (Năm 2023: ")
