"""Folding for search, and the Vietnamese order of people's names."""

from __future__ import annotations

from tracker.core.text import fold, name_key


def test_fold_drops_diacritics_and_case():
    assert fold("  Tuyên   TRUYỀN Đường ") == "tuyen truyen duong"
    assert fold(None) == ""


def test_names_sort_by_given_name_in_the_vietnamese_alphabet():
    names = [
        "Đặng Văn Khoa",  # đ is its own letter, after d
        "Dương Văn Khoa",
        "Huỳnh Tấn Phát",
        "Hồ Văn Phát",  # ô before u
        "Lê Minh Tuấn",
        "Lê Văn Tú",  # a shorter given name first
        "Phạm Ơn",
        "Trần Ổn",  # ô before ơ, the tone deciding nothing here
        "Nguyễn Văn Anh",
        "Nguyễn Văn Ánh",  # equal but for the tone: no mark first
        "Châu Thị Bích Ngọc",
        "Võ Thị Kim Ngân",  # â before o
    ]
    assert sorted(names, key=name_key) == [
        "Nguyễn Văn Anh",
        "Nguyễn Văn Ánh",
        "Dương Văn Khoa",
        "Đặng Văn Khoa",
        "Võ Thị Kim Ngân",
        "Châu Thị Bích Ngọc",
        "Trần Ổn",
        "Phạm Ơn",
        "Hồ Văn Phát",
        "Huỳnh Tấn Phát",
        "Lê Văn Tú",
        "Lê Minh Tuấn",
    ]
    assert name_key("") == () and name_key(None) == ()
