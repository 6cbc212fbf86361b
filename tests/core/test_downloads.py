"""One way to serve a download: Vietnamese names for every browser, an ASCII fallback."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import tracker
from tracker.core.downloads import ascii_name, content_disposition, file_name


def test_the_name_keeps_its_letters_with_an_ascii_fallback():
    name = "Biên bản Họp giao ban CCHC tháng 3-2024 (Đợt 1).docx"
    header = content_disposition(name)
    assert header.startswith('attachment; filename="Bien ban Hop giao ban CCHC thang 3-2024')
    assert unquote(header.split("filename*=UTF-8''")[1]) == name


def test_an_ascii_name_needs_no_second_form():
    assert content_disposition("plan.xlsx") == "attachment; filename=plan.xlsx"


def test_a_typed_name_cannot_break_the_header():
    name = file_name('Minh chứng "số 1";\r\nX-Evil: 1', ".pdf")
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    assert ascii_name("Đà Nẵng") == "Da Nang"
    assert ascii_name("汉字") == "download"


def test_every_download_goes_through_the_one_helper():
    root = Path(tracker.__file__).parent
    callers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"\bsend_file\(", path.read_text(encoding="utf-8"))
    ]
    assert callers == ["core/downloads.py"]
