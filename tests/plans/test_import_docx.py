"""Plans issued as Word documents: the task table of the appendix read by the same parser."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import gen_docx, gen_officer, gen_unit, gen_xlsx
from tracker.extensions import db
from tracker.plans.importing import ImportProblems, import_plan_file, parse_plan_file
from tracker.plans.models import PlanKind
from tracker.tasks.queries import plan_tasks

# The header of a provincial plan's appendix: "Đơn vị thực hiện" over "Chủ trì" | "Phối hợp",
# the other headings merged down over the two rows, then the column numbers.
PROVINCIAL_HEADER = [
    ["TT", "Nội dung nhiệm vụ", ("Đơn vị thực hiện", 2), "Thời gian hoàn thành", "Sản phẩm"],
    [None, None, "Cơ quan chủ trì", "Cơ quan phối hợp", None, None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
]


def provincial_plan() -> bytes:
    """Shaped like a provincial plan: a letterhead table, the body, then the appendix."""
    return gen_docx(
        [
            ["ỦY BAN NHÂN DÂN PHƯỜNG VĨNH HÒA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["Số: 12/KH-UBND", "Vĩnh Hòa, ngày 15 tháng 01 năm 2024"],
        ],
        "KẾ HOẠCH",
        "Thực hiện Kết luận số 91-KL/TU của Tỉnh ủy năm 2024",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Triển khai đồng bộ các nhiệm vụ.",
        "Nơi nhận:",
        "PHỤ LỤC",
        "DANH MỤC NHIỆM VỤ THỰC HIỆN KẾT LUẬN 91-KL/TU NĂM 2024",
        "(Kèm theo Kế hoạch số 12/KH-UBND ngày 15/01/2024 của UBND phường Vĩnh Hòa)",
        [
            *PROVINCIAL_HEADER,
            [("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", 6)],
            ["1", "Ban hành kế hoạch triển khai", "Văn phòng HĐND và UBND",
             "Công chức Tư pháp – Hộ tịch", "Tháng 02/2024", "Kế hoạch"],
            ["2", "Kiểm tra việc thực hiện", None, "", "Quý II/2024", "Báo cáo"],
            ["II", ("CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 5)],
            ["3", "Rà soát thủ tục hành chính", "Công chức Tư pháp - Hộ tịch",
             "Văn phòng HĐND và UBND", "Thường xuyên", "Danh mục TTHC"],
        ],
        "Ghi chú: các cơ quan báo cáo kết quả trước ngày 15/12/2024.",
    )


def test_a_provincial_plan_is_read_from_its_appendix_table():
    parsed = parse_plan_file("kh-12.docx", provincial_plan())
    assert parsed.problems == []
    assert parsed.title == "KẾ HOẠCH Thực hiện Kết luận số 91-KL/TU của Tỉnh ủy năm 2024"
    assert parsed.document_number == "12/KH-UBND"
    assert parsed.document_date == date(2024, 1, 15)
    assert parsed.years == (2024, 2024)
    assert [g.name for g in parsed.groups] == [
        "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
    ]
    first, second, third = parsed.tasks
    assert (first.line, first.group, first.title, first.deliverable) == (
        5, 0, "Ban hành kế hoạch triển khai", "Kế hoạch"
    )
    # " và ", " – " join the words of one department or post: one lead, one supporter.
    assert first.lead_name == "Văn phòng HĐND và UBND"
    assert first.supporter_names == ["Công chức Tư pháp – Hộ tịch"]
    assert first.deadline == date(2024, 2, 29)
    # The lead's cell merged down over the second task: the same lead.
    assert (second.lead_name, second.deadline) == ("Văn phòng HĐND và UBND", date(2024, 6, 30))
    assert (third.group, third.recurrence_note) == (1, "Thường xuyên")


def test_the_first_table_with_a_header_is_taken():
    data = gen_docx(
        "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024",
        [["Nơi gửi", "Nơi nhận"], ["A", "B"]],
        [["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"], ["1", "Việc một", "An", "31/03/2024"]],
        [["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"], ["1", "Việc khác", "An", "31/03/2024"]],
    )
    parsed = parse_plan_file("kh.docx", data)
    assert [t.title for t in parsed.tasks] == ["Việc một"]
    assert parsed.title == "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024"


def test_bad_rows_of_a_word_table_are_listed_by_their_row():
    data = gen_docx(
        [
            ["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Thời hạn"],
            ["1", "Đúng", "KH", "An", "31/03/2024"],
            ["2", "", "KH", "An", "31/03/2024"],
            ["3", "Sai ngày", "KH", "An", "31/02/2024"],
        ]
    )
    with pytest.raises(ImportProblems) as caught:
        parse_plan_file("kh.docx", data)
    assert caught.value.messages == [
        "Dòng 3: thiếu nội dung nhiệm vụ",
        "Dòng 4: thời hạn “31/02/2024” không phải ngày hợp lệ",
    ]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("kh.docx", b"PK\x03\x04 not a zip at all", "Tệp không phải văn bản Word (.docx) hợp lệ."),
        ("kh.docx", b"plain text", "Tệp không phải văn bản Word (.docx) hợp lệ."),
        ("kh.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Tệp Word 97-2003 (.doc) không được"),
        ("kh.docx", gen_docx("Chỉ có chữ, không có bảng."), "Văn bản Word không có bảng nào"),
        ("kh.docx", gen_docx([["A", "B"], ["1", "2"]]), "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_what_is_not_a_word_plan_is_refused_whole(filename, data, message):
    with pytest.raises(ImportProblems) as caught:
        parse_plan_file(filename, data)
    assert caught.value.messages[0].startswith(message)


def test_an_xlsx_named_docx_is_still_read_as_a_workbook():
    data = gen_xlsx([["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"], [1, "Việc", "An", "31/03/2024"]])
    assert [t.title for t in parse_plan_file("kh.docx", data).tasks] == ["Việc"]


def test_a_provincial_plan_imports_with_leads_matched_by_department_and_position(app):
    unit = gen_unit(name="Phường Vĩnh Hòa")
    office = gen_officer(unit, full_name="Nguyễn Văn An", position="Văn phòng HĐND và UBND")
    justice = gen_officer(unit, full_name="Trần Thị Bình", position="Công chức Tư pháp - Hộ tịch")
    plan = import_plan_file(db.session, unit, "kh-12.docx", provincial_plan())
    assert plan.kind is PlanKind.CONCLUSION_91
    assert plan.document_number == "12/KH-UBND"
    tasks = plan_tasks(db.session, plan)
    assert [(t.lead_officer, t.supporters) for t in tasks] == [
        (office, [justice]),
        (office, []),
        (justice, [office]),
    ]
    assert [t.entered_on for t in tasks] == [date(2024, 1, 15)] * 3


def test_the_import_page_takes_a_word_document(client, auth):
    import io

    from tests.conftest import csrf_token
    from tracker.people.models import Role

    unit = gen_unit(name="Phường Vĩnh Hòa")
    chair = gen_officer(unit, Role.CHAIRPERSON)
    gen_officer(unit, full_name="Nguyễn Văn An", position="Văn phòng HĐND và UBND")
    gen_officer(unit, full_name="Trần Thị Bình", position="Công chức Tư pháp - Hộ tịch")
    db.session.commit()
    auth.login(chair)
    path = f"/units/{unit.code}/plans/import"
    response = client.post(
        path,
        data={"csrf_token": csrf_token(client, path),
              "file": (io.BytesIO(provincial_plan()), "kh-12.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Thực hiện Kết luận số 91-KL/TU của Tỉnh ủy năm 2024" in page
    assert "Rà soát thủ tục hành chính" in page


def test_a_word_zip_bomb_is_refused_before_it_is_opened():
    from tests.core.test_zipfiles import _with_member
    from tracker.core.zipfiles import MAX_UNCOMPRESSED

    bomb = _with_member(gen_docx("KẾ HOẠCH"), "word/bomb.xml", MAX_UNCOMPRESSED + 65536)
    with pytest.raises(ImportProblems) as caught:
        parse_plan_file("kh.docx", bomb)
    assert "quá lớn khi giải nén" in caught.value.messages[0]
