"""Office files from users are checked before a parser opens them: a small file that would
decompress to gigabytes, or XML with entity expansion, is refused whole, quickly."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.factories import gen_unit, gen_xlsx
from tracker.core.zipfiles import MAX_UNCOMPRESSED, UnsafeArchive, check_office_zip
from tracker.extensions import db
from tracker.plans.importing import ImportProblems, import_plan_file

HEADER = ["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Thời hạn"]


def _with_member(workbook: bytes, name: str, size: int, chunk: bytes = b" " * 65536) -> bytes:
    """`workbook` with one more member of `size` bytes of spaces, streamed (never in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open(name, "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def test_a_workbook_within_limits_passes():
    check_office_zip(gen_xlsx([HEADER, [1, "Việc", "Báo cáo", "An", "31/03/2024"]]))


def test_a_small_file_that_would_decompress_past_the_limit_is_refused():
    bomb = _with_member(gen_xlsx([HEADER]), "xl/bomb.xml", MAX_UNCOMPRESSED + 65536)
    assert len(bomb) < 1024 * 1024  # the file itself is small
    with pytest.raises(UnsafeArchive):
        check_office_zip(bomb)


def test_a_member_compressed_beyond_any_real_sheet_is_refused():
    bomb = _with_member(gen_xlsx([HEADER]), "xl/worksheets/sheet9.xml", 8 * 1024 * 1024)
    with pytest.raises(UnsafeArchive):
        check_office_zip(bomb)


def test_not_a_zip_is_refused():
    with pytest.raises(UnsafeArchive):
        check_office_zip(b"PK\x03\x04 not really")


def test_the_plan_import_refuses_the_bomb_with_a_message_and_keeps_nothing(app):
    unit = gen_unit()
    bomb = _with_member(gen_xlsx([HEADER]), "xl/bomb.xml", MAX_UNCOMPRESSED + 65536)
    with pytest.raises(ImportProblems) as problems:
        import_plan_file(db.session, unit, "kh.xlsx", bomb)
    assert "quá lớn khi giải nén" in str(problems.value)


def test_entity_expansion_in_a_workbook_is_not_expanded(app):
    """Billion laughs in a sheet: the parser refuses the entity declarations (defusedxml, which
    openpyxl parses through when installed: it is a dependency); the file is "not a workbook",
    not a frozen worker."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    unit = gen_unit()
    workbook = gen_xlsx([HEADER, [1, "Việc", "Báo cáo", "An", "31/03/2024"]])
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1)) * 10}">' for i in range(1, 10)
    ).replace("&lol0;", "lol")
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
        target.writestr("xl/worksheets/sheet1.xml", laughs)
    with pytest.raises(ImportProblems) as problems:
        import_plan_file(db.session, unit, "kh.xlsx", out.getvalue())
    assert "không phải bảng tính Excel" in str(problems.value)
