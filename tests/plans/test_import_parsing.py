"""Reading plan files: headers matched loosely, group rows, dates, CSV dialects, bad files."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from tests.factories import gen_csv, gen_xlsx
from tracker.plans.importing import (
    MAX_ROWS,
    ImportProblems,
    parse_deadline,
    parse_plan_file,
    parse_years,
)

HEADER = ["STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn"]


def problems_of(filename: str, data: bytes) -> list[str]:
    with pytest.raises(ImportProblems) as caught:
        parse_plan_file(filename, data)
    return caught.value.messages


def test_title_block_then_header_then_groups_and_tasks():
    data = gen_xlsx(
        [
            ["ỦY BAN NHÂN DÂN PHƯỜNG VĨNH HÒA", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["KẾ HOẠCH"],
            ["Cải cách hành chính phường Vĩnh Hòa năm 2024"],
            ["(Kèm theo Quyết định số 39/QĐ-UBND ngày 31/01/2024 của UBND phường Vĩnh Hòa)"],
            [],
            HEADER,
            ["I", None, "Chỉ đạo, điều hành"],
            [
                1,
                None,
                "Ban hành kế hoạch CCHC",
                "Kế hoạch",
                "Nguyễn Văn An",
                "Trần Thị Bình",
                "31/01/2024",
            ],
            [2, None, "Họp CCHC", "Biên bản", "Nguyễn Văn An", None, "Hàng tháng"],
            ["II", None, "Tuyên truyền CCHC"],
            [1, None, "Tuyên truyền trên loa", "Tin bài", "Trần Thị Bình", None, "Thường xuyên"],
        ]
    )
    parsed = parse_plan_file("ke-hoach.xlsx", data)
    assert parsed.title == "KẾ HOẠCH Cải cách hành chính phường Vĩnh Hòa năm 2024"
    assert parsed.document_number == "39/QĐ-UBND"
    assert parsed.document_date == date(2024, 1, 31)
    assert parsed.years == (2024, 2024)
    assert [g.name for g in parsed.groups] == ["Chỉ đạo, điều hành", "Tuyên truyền CCHC"]
    assert [(t.line, t.group, t.title) for t in parsed.tasks] == [
        (8, 0, "Ban hành kế hoạch CCHC"),
        (9, 0, "Họp CCHC"),
        (11, 1, "Tuyên truyền trên loa"),
    ]
    first, second, third = parsed.tasks
    assert (first.deliverable, first.lead_name, first.supporter_names) == (
        "Kế hoạch",
        "Nguyễn Văn An",
        ["Trần Thị Bình"],
    )
    assert (first.deadline, first.recurrence_note) == (date(2024, 1, 31), "")
    assert (second.deadline, second.recurrence_note) == (None, "Hàng tháng")
    assert (third.deadline, third.recurrence_note) == (None, "Thường xuyên")


LOOSE_HEADERS = [
    ["STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn"],
    ["TT", "LĨNH VỰC", "NHIỆM VỤ", "SẢN PHẨM, KẾT QUẢ", "CHỦ TRÌ", "PHỐI HỢP", "THỜI HẠN"],
    ["stt", "linh vuc", "nhiem vu", "san pham", "chu tri", "phoi hop", "thoi han"],
    [
        "Số TT",
        " Lĩnh  vực ",
        "Nội dung nhiệm vụ",
        "Sản phẩm, kết quả",
        "Đơn vị/cá nhân chủ trì",
        "Đơn vị, cá nhân phối hợp",
        "Thời gian\nhoàn thành",
    ],
    # The same words typed with combining accents (NFD), as some keyboards do.
    [unicodedata.normalize("NFD", h) for h in HEADER],
]


@pytest.mark.parametrize("header", LOOSE_HEADERS, ids=range(len(LOOSE_HEADERS)))
def test_headers_are_matched_loosely(header):
    data = gen_xlsx(
        [header, [1, "Cải cách thể chế", "Rà soát văn bản", "Báo cáo", "A", "B; C", "30/06/2024"]]
    )
    parsed = parse_plan_file("plan.xlsx", data)
    task = parsed.tasks[0]
    assert (task.title, task.deliverable, task.lead_name, task.supporter_names) == (
        "Rà soát văn bản",
        "Báo cáo",
        "A",
        ["B", "C"],
    )
    assert task.deadline == date(2024, 6, 30)
    assert [g.name for g in parsed.groups] == ["Cải cách thể chế"]


def test_columns_in_any_order_and_extra_columns_ignored():
    data = gen_xlsx(
        [
            ["Thời hạn", "Ghi chú", "Chủ trì", "Nhiệm vụ", "STT"],
            ["15/03/2024", "xem lại", "Lê Văn Cường", "Kiểm tra nội bộ", 1],
        ]
    )
    task = parse_plan_file("plan.xlsx", data).tasks[0]
    assert (task.title, task.lead_name, task.deadline) == (
        "Kiểm tra nội bộ",
        "Lê Văn Cường",
        date(2024, 3, 15),
    )


def test_group_heading_styles():
    data = gen_xlsx(
        [
            HEADER,
            ["I", None, "CHỈ ĐẠO, ĐIỀU HÀNH"],  # STT and text in the task column only
            [1, None, "Việc 1", "KH", "A", None, "01/02/2024"],
            ["II. KIỂM TRA CÔNG TÁC CCHC"],  # text in the first column only (a merged row)
            [1, None, "Việc 2", "KH", "A", None, "01/02/2024"],
            [None, "Cải cách thể chế"],  # the field column alone
            [1, None, "Việc 3", "KH", "A", None, "01/02/2024"],
            [2, "Cải cách TTHC", "Việc 4", "KH", "A", None, "01/02/2024"],  # field on the task row
            [3, None, "Việc 5", "KH", "A", None, "01/02/2024"],  # keeps the field above
            [4, "Cải cách TTHC", "Việc 6", "KH", "A", None, "01/02/2024"],
        ]
    )
    parsed = parse_plan_file("plan.xlsx", data)
    assert [g.name for g in parsed.groups] == [
        "CHỈ ĐẠO, ĐIỀU HÀNH",
        "KIỂM TRA CÔNG TÁC CCHC",
        "Cải cách thể chế",
        "Cải cách TTHC",
    ]
    assert [(t.title, t.group) for t in parsed.tasks] == [
        ("Việc 1", 0),
        ("Việc 2", 1),
        ("Việc 3", 2),
        ("Việc 4", 3),
        ("Việc 5", 3),
        ("Việc 6", 3),
    ]


def test_two_row_header_and_column_numbers_row():
    data = gen_xlsx(
        [
            ["STT", "Nhiệm vụ", "Sản phẩm", "Đơn vị thực hiện", None, "Thời hạn"],
            [None, None, None, "Chủ trì", "Phối hợp", None],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
            [1, "Việc", "KH", "Nguyễn Văn An", "Trần Thị Bình", "01/04/2024"],
        ]
    )
    task = parse_plan_file("plan.xlsx", data).tasks[0]
    assert (task.title, task.lead_name, task.supporter_names, task.deadline) == (
        "Việc",
        "Nguyễn Văn An",
        ["Trần Thị Bình"],
        date(2024, 4, 1),
    )


def test_footer_ends_the_table():
    data = gen_xlsx(
        [
            HEADER,
            [1, None, "Việc", "KH", "A", None, "01/04/2024"],
            [],
            ["Nơi nhận:", None, None, None, "KT. CHỦ TỊCH"],
            ["- Phòng Nội vụ;", None, None, None, "PHÓ CHỦ TỊCH"],
        ]
    )
    assert [t.title for t in parse_plan_file("plan.xlsx", data).tasks] == ["Việc"]


def test_real_date_cells_and_text_dates():
    data = gen_xlsx(
        [
            HEADER,
            [1, None, "Ngày thật", "", "A", None, datetime(2024, 3, 12)],
            [2, None, "Ngày thật (date)", "", "A", None, date(2024, 2, 29)],
            [3, None, "Chữ dd/mm/yyyy", "", "A", None, "05/03/2024"],
            [4, None, "Chữ d/m/yyyy", "", "A", None, "5/3/2024"],
            [5, None, "Trước ngày", "", "A", None, "Trước ngày 30/6/2024"],
            [6, None, "ISO", "", "A", None, "2024-12-31"],
            [7, None, "Quý", "", "A", None, "Quý II/2024"],
            [8, None, "Tháng", "", "A", None, "Tháng 9/2024"],
            [9, None, "Định kỳ", "", "A", None, "Định kỳ hàng quý"],
        ],
        number_formats={"G2": "dd/mm/yyyy", "G3": "dd/mm/yyyy"},
    )
    parsed = parse_plan_file("plan.xlsx", data)
    assert [(t.deadline, t.recurrence_note) for t in parsed.tasks] == [
        (date(2024, 3, 12), ""),
        (date(2024, 2, 29), ""),
        (date(2024, 3, 5), ""),
        (date(2024, 3, 5), ""),
        (date(2024, 6, 30), ""),
        (date(2024, 12, 31), ""),
        (date(2024, 6, 30), ""),
        (date(2024, 9, 30), ""),
        (None, "Định kỳ hàng quý"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", (None, "")),
        (None, (None, "")),
        ("29/02/2024", (date(2024, 2, 29), "")),
        ("30 / 6 / 2024", (date(2024, 6, 30), "")),
        ("2024-06-30 00:00:00", (date(2024, 6, 30), "")),
        ("Chậm nhất ngày 15.7.2024", (date(2024, 7, 15), "")),
        ("hàng tháng", (None, "hàng tháng")),
        ("HÀNG QUÝ", (None, "HÀNG QUÝ")),
        ("Năm 2024", (date(2024, 12, 31), "")),
    ],
)
def test_parse_deadline(value, expected):
    result = parse_deadline(value)
    assert (result.deadline, result.recurrence_note) == expected


@pytest.mark.parametrize("value", ["31/02/2024", "29/02/2023", "45473", "ngày mai", "13/13/2024"])
def test_parse_deadline_refuses(value):
    with pytest.raises(ValueError, match="thời hạn"):
        parse_deadline(value)


def test_names_split_on_commas_semicolons_and_newlines():
    data = gen_xlsx(
        [
            HEADER,
            [1, None, "Việc", "", "Đ/c Nguyễn Văn An", "Trần Thị Bình,Lê Văn Cường;\nPhạm D", ""],
        ]
    )
    task = parse_plan_file("plan.xlsx", data).tasks[0]
    assert task.lead_name == "Nguyễn Văn An"
    assert task.supporter_names == ["Trần Thị Bình", "Lê Văn Cường", "Phạm D"]


def test_every_bad_row_is_reported_with_its_line():
    data = gen_xlsx(
        [
            ["KẾ HOẠCH THỬ"],
            HEADER,
            [1, None, "Đúng", "KH", "A", None, "01/02/2024"],
            [2, None, None, "KH", "A", None, "01/02/2024"],  # line 4: no task text
            [3, None, "Sai ngày", "KH", "A", None, "31/02/2024"],  # line 5
            [4, None, "Đúng", "KH", "A", None, "Hàng tháng"],
            [5, None, "Không rõ hạn", "KH", "A", None, "sớm nhất có thể"],  # line 7
            HEADER,  # line 8: the header again
            [6, None, "Hai chủ trì", "KH", "A, B", None, "01/02/2024"],  # line 9
        ]
    )
    messages = problems_of("plan.xlsx", data)
    assert messages[0] == "Dòng 4: thiếu nội dung nhiệm vụ"
    assert messages[1] == "Dòng 5: thời hạn “31/02/2024” không phải ngày hợp lệ"
    assert messages[2].startswith("Dòng 7: thời hạn “sớm nhất có thể” không rõ")
    assert messages[3] == "Dòng 8: dòng tiêu đề bị lặp lại"
    assert messages[4].startswith("Dòng 9: chỉ ghi một cán bộ chủ trì")
    assert len(messages) == 5


def test_duplicated_header_column():
    data = gen_xlsx(
        [["STT", "Nhiệm vụ", "Chủ trì", "Nhiệm vụ", "Thời hạn"], [1, "a", "b", "c", ""]]
    )
    assert problems_of("plan.xlsx", data) == [
        "Dòng 1: cột “Nhiệm vụ” bị lặp trong dòng tiêu đề (ô B1 và D1)"
    ]


def test_formula_escape_of_the_export_is_undone():
    data = gen_xlsx([HEADER, [1, None, "'=1+1 là công thức", "'-gạch đầu dòng", "A", None, ""]])
    task = parse_plan_file("plan.xlsx", data).tasks[0]
    assert (task.title, task.deliverable) == ("=1+1 là công thức", "-gạch đầu dòng")


# CSV ----------------------------------------------------------------------------------------

CSV_ROWS = [
    ["Kế hoạch cải thiện chỉ số PAPI năm 2024"],
    ["STT", "Nhiệm vụ", "Sản phẩm, kết quả", "Chủ trì", "Phối hợp", "Thời gian hoàn thành"],
    ["I", "Công khai, minh bạch"],
    [
        "1",
        "Niêm yết công khai TTHC",
        "Bảng niêm yết",
        "Nguyễn Văn An",
        "Trần Thị Bình; Lê C",
        "15/03/2024",
    ],
    ["2", "Cập nhật trang thông tin", "Tin bài, ảnh", "Trần Thị Bình", "", "Hàng tháng"],
]


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8-sig"), ("\t", "utf-8-sig"), (",", "utf-8"), (";", "utf-16")],
)
def test_csv_delimiters_and_encodings(delimiter, encoding):
    parsed = parse_plan_file("papi.csv", gen_csv(CSV_ROWS, delimiter=delimiter, encoding=encoding))
    assert parsed.title == "Kế hoạch cải thiện chỉ số PAPI năm 2024"
    assert [g.name for g in parsed.groups] == ["Công khai, minh bạch"]
    first, second = parsed.tasks
    assert (first.line, first.title, first.deliverable) == (
        4,
        "Niêm yết công khai TTHC",
        "Bảng niêm yết",
    )
    assert first.supporter_names == ["Trần Thị Bình", "Lê C"]
    assert first.deadline == date(2024, 3, 15)
    assert (second.deliverable, second.recurrence_note) == ("Tin bài, ảnh", "Hàng tháng")


def test_csv_with_a_bom_keeps_the_first_header():
    data = gen_csv([HEADER, ["1", "", "Việc", "KH", "A", "", "01/02/2024"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert parse_plan_file("plan.csv", data).tasks[0].title == "Việc"


def test_csv_in_the_windows_vietnamese_code_page():
    text = "STT;Nhiệm vụ;Chủ trì;Thời hạn\r\n1;Tuyên truyền;Nguyễn Văn An;01/02/2024\r\n"
    # Code page 1258 has â, ê, ơ, ư … but writes the five tones as combining marks.
    tones = "\u0300\u0301\u0303\u0309\u0323"
    written = ""
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        written += base + "".join(c for c in parts if c in tones)
    data = written.encode("cp1258")
    assert data.decode("cp1258") != text  # the tones really are separate
    task = parse_plan_file("plan.csv", data).tasks[0]
    assert task.title == "Tuyên truyền"
    assert task.lead_name == "Nguyễn Văn An"


def test_csv_cell_on_several_lines_keeps_the_record_number():
    data = gen_csv(
        [
            HEADER,
            ["1", "", "Việc một", "KH", "A", "B\nC", "01/02/2024"],
            ["2", "", "Việc hai", "KH", "A", "", "31/02/2024"],
        ]
    )
    assert problems_of("plan.csv", data) == ["Dòng 3: thời hạn “31/02/2024” không phải ngày hợp lệ"]


# Files that are not plans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("plan.xlsx", b"", "Tệp trống."),
        ("plan.csv", b"   \r\n", "Tệp trống."),
        ("plan.csv", ";;;\r\n;;;\r\n", "Tệp trống."),
        ("plan.xlsx", b"%PDF-1.4 not a workbook", "Tệp không phải bảng tính Excel (.xlsx) hợp lệ."),
        ("plan.xlsx", b"PK\x03\x04broken zip", "Tệp không phải bảng tính Excel (.xlsx) hợp lệ."),
        ("plan.csv", b"\x00\x01\x02binary", "Tệp không phải tệp CSV (văn bản) hợp lệ."),
        ("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Tệp Excel 97-2003 (.xls)"),
        ("plan.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx, .csv hoặc văn bản Word .docx"),
        ("plan.csv", "Xin chào\r\nkhông phải kế hoạch\r\n", "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_files_that_are_not_plans(filename, data, message):
    if isinstance(data, str):
        data = data.encode()
    messages = problems_of(filename, data)
    assert len(messages) == 1
    assert messages[0].startswith(message)


def test_empty_workbook_and_header_without_tasks():
    assert problems_of("plan.xlsx", gen_xlsx([])) == ["Tệp trống."]
    assert problems_of("plan.xlsx", gen_xlsx([HEADER])) == [
        "Tệp không có nhiệm vụ nào dưới dòng tiêu đề."
    ]


def test_a_workbook_with_the_plan_on_a_later_sheet():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Hướng dẫn: xem trang sau"])
    plan = workbook.create_sheet("Kế hoạch")
    plan.append(HEADER)
    plan.append([1, None, "Việc", "KH", "A", None, "01/02/2024"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [t.title for t in parse_plan_file("plan.xlsx", buffer.getvalue()).tasks] == ["Việc"]


def test_too_many_rows():
    rows = [HEADER] + [[str(i), "", f"Việc {i}", "", "", "", ""] for i in range(MAX_ROWS + 1)]
    messages = problems_of("plan.csv", gen_csv(rows))
    assert len(messages) == 1
    assert messages[0].startswith("Tệp có quá nhiều dòng")


def test_parse_years():
    assert parse_years("2024") == (2024, 2024)
    assert parse_years(" 2023 - 2024 ") == (2023, 2024)
    assert parse_years("") is None
    for bad in ("2024-2023", "24", "năm nay"):
        with pytest.raises(ValueError):
            parse_years(bad)
