"""Who a "Chủ trì" or "Phối hợp" cell names: by name, by position, by department."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import gen_officer, gen_unit, gen_xlsx
from tracker.extensions import db
from tracker.plans.importing import ImportProblems, import_plan_file
from tracker.plans.importing.officers import OfficerMatcher
from tracker.tasks.queries import plan_tasks

HEADER = ["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn"]


def officer(name, position="", department="", active=True):
    return SimpleNamespace(full_name=name, position=position, department=department, active=active)


def test_by_name_position_then_department_ignoring_diacritics_case_and_dashes():
    an = officer("Nguyễn Văn An", "Công chức Tư pháp – Hộ tịch")
    binh = officer("Trần Thị Bình", "Chuyên viên", department="Phòng Kinh tế")
    matcher = OfficerMatcher([an, binh])
    assert matcher.find("nguyen van  AN").officers == (an,)
    assert matcher.find("Công chức Tư pháp - Hộ tịch").officers == (an,)
    assert matcher.find("cong chuc tu phap ho tich").officers == (an,)
    assert matcher.find("PHÒNG KINH TẾ").officers == (binh,)
    assert matcher.find("Phòng Nội vụ").problem == (
        "không tìm thấy cán bộ “Phòng Nội vụ” trong đơn vị"
    )


def test_two_officers_in_one_post_is_an_ambiguity_naming_them():
    a = officer("Lê Văn A", "Công chức Văn hóa - Xã hội")
    b = officer("Phạm Thị B", "Công chức Văn hóa - Xã hội")
    found = OfficerMatcher([a, b]).find("Công chức Văn hóa – Xã hội")
    assert found.officers == ()
    assert found.problem == (
        "“Công chức Văn hóa – Xã hội” khớp với 2 cán bộ: Lê Văn A (Công chức Văn hóa - Xã hội); "
        "Phạm Thị B (Công chức Văn hóa - Xã hội); hãy ghi họ tên người chủ trì hoặc phối hợp"
    )


def test_an_exact_name_wins_over_one_equal_without_diacritics():
    ha, ha_dot = officer("Lê Văn Hà"), officer("Lê Văn Hạ")
    matcher = OfficerMatcher([ha, ha_dot])
    assert matcher.find("Lê Văn Hạ").officers == (ha_dot,)
    assert "khớp với 2 cán bộ" in matcher.find("Le Van Ha").problem


def test_inactive_officers_do_not_match_and_are_named_as_such():
    gone = officer("Hoàng Văn Em", "Công chức Địa chính", active=False)
    matcher = OfficerMatcher([gone])
    assert matcher.find("Hoàng Văn Em").problem == (
        "cán bộ “Hoàng Văn Em” đã ngừng hoạt động trong đơn vị"
    )
    assert "không tìm thấy" in matcher.find("Công chức Địa chính").problem


def test_names_joined_by_va_are_each_found():
    an, binh = officer("Nguyễn Văn An"), officer("Trần Thị Bình")
    assert OfficerMatcher([an, binh]).find_each("Nguyễn Văn An và Trần Thị Bình").officers == (
        an,
        binh,
    )


def test_an_import_matches_posts_and_lists_ambiguities(app):
    unit = gen_unit()
    justice = gen_officer(unit, full_name="Nguyễn Văn An", position="Công chức Tư pháp - Hộ tịch")
    gen_officer(unit, full_name="Lê Văn A", position="Công chức Văn hóa - Xã hội")
    gen_officer(unit, full_name="Phạm Thị B", position="Công chức Văn hóa - Xã hội")
    row = [1, "Rà soát TTHC", "Danh mục", "công chức tư pháp – hộ tịch", "", "31/03/2024"]
    good = gen_xlsx([HEADER, row])
    plan = import_plan_file(db.session, unit, "kh.xlsx", good)
    assert plan_tasks(db.session, plan)[0].lead_officer == justice

    bad = gen_xlsx(
        [
            HEADER,
            [1, "Tuyên truyền", "Tin bài", "Công chức Văn hóa - Xã hội", "", "31/03/2024"],
            [2, "Hai người", "KH", "Nguyễn Văn An và Lê Văn A", "", "31/03/2024"],
        ]
    )
    with pytest.raises(ImportProblems) as caught:
        import_plan_file(db.session, unit, "kh.xlsx", bad)
    assert caught.value.messages == [
        "Dòng 2: “Công chức Văn hóa - Xã hội” khớp với 2 cán bộ: Lê Văn A (Công chức Văn hóa - "
        "Xã hội); Phạm Thị B (Công chức Văn hóa - Xã hội); hãy ghi họ tên người chủ trì hoặc "
        "phối hợp",
        "Dòng 3: chỉ ghi một cán bộ chủ trì (đang có 2: Nguyễn Văn An, Lê Văn A)",
    ]
