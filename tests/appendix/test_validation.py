"""Each rule on typed figures, with the seed report's own wrong figures where it has them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.appendix.indicators import tree_for_year
from tracker.appendix.queries import UnitSources
from tracker.appendix.table import compute_values
from tracker.appendix.validation import check_entered, check_warnings, parse_figure

TREE = tree_for_year(2024)


def values(**typed: str) -> dict:
    found = {}
    for key, raw in typed.items():
        key = key.replace("_", ".")
        value, problem = parse_figure(raw, TREE[key])
        assert problem is None, (key, raw, problem)
        found[key] = value
    return found


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("6.1.a", "12.175", Decimal("12175")),  # Vietnamese thousands
        ("6.1.a", "12.175,5", Decimal("12175.5")),
        ("6.1.a", "7972", Decimal("7972")),
        ("3.2.1.a", "186", Decimal("186")),
        ("4.1.c", "03", Decimal("3")),
        ("7.6.4.e", "216.000", Decimal("216000")),
        ("1.7", "1", Decimal("1")),
        ("3.2.1.a", "", None),
    ],
)
def test_figures_read_vietnamese_style(app, key, raw, expected):
    assert parse_figure(raw, TREE[key]) == (expected, None)


@pytest.mark.parametrize(
    ("key", "raw", "words"),
    [
        ("3.2.1.a", "186,5", "số nguyên"),  # a count is whole
        ("4.1.a", "1,5", "số nguyên"),
        ("7.6.4.e", "216.000,5", "không có phần lẻ"),  # đồng: no fraction
        ("6.1.a", "12,1755", "tối đa 3"),  # triệu đồng: down to the thousand đồng
        ("3.2.1.a", "-3", "âm"),
        ("3.2.1.a", "12.5", "phần thập phân dùng dấu phẩy"),
        ("3.2.1.a", "mười", "không phải là một số"),
        ("7.5.1.a", "chứng thư số : 1 chữ ký số: 3", "không phải là một số"),  # 7.5.1's text
        ("1.7", "2", "0, 1"),  # Có = 1 Không = 0
        ("1.7.b", "3", "0, 1, 2"),
        ("3.2.1.a", "1" * 20, "quá lớn"),
    ],
)
def test_bad_figures_are_refused(app, key, raw, words):
    value, problem = parse_figure(raw, TREE[key])
    assert value is None
    assert words in problem


def test_a_part_never_exceeds_its_whole(app):
    errors = check_entered(TREE, values(**{"3.2.1_a": "186", "3.2.1_b": "190"}))
    assert [e.key for e in errors] == ["3.2.1.b"]
    assert "vượt quá" in errors[0].message


def test_a_part_needs_its_whole(app):
    errors = check_entered(TREE, values(**{"6.1_b": "7.972"}))
    assert [e.key for e in errors] == ["6.1.b"]


def test_the_e_office_figures_of_the_report_are_refused(app):
    # 385 documents sent electronically of 377 issued: the report printed 98 %.
    errors = check_entered(TREE, values(**{"7.5.2_a": "385", "7.5.2_b": "377"}))
    assert [e.key for e in errors] == ["7.5.2.a"]


def test_6_1_rate_is_computed_from_its_parts(app):
    # The report typed 65,49 %; 7.972 of 12.175 is 65,48 %, one decimal half up: 65,5 %.
    computed = compute_values(TREE, UnitSources(), values(**{"6.1_a": "12.175", "6.1_b": "7.972"}))
    assert computed["6.1"] == Decimal("65.5")


def test_1_5_2_zero_of_zero_is_not_applicable(app):
    computed = compute_values(
        TREE, UnitSources(), values(**{"1.5.2_a": "0", "1.5.2_b": "0"})
    )
    assert computed["1.5.2"] is None  # không phát sinh, not the report's 100 %


def test_4_1_cut_rate_follows_the_cut_count(app):
    # 0 staff cut since 2016 of 24 in 2015: 0 %, never the report's 14 %.
    typed = values(**{"4.1.e1": "24", "4.1.e2": "0", "4.1.d": "0"})
    assert compute_values(TREE, UnitSources(), typed)["4.1.e"] == Decimal("0.0")
    # The previous period said 3 were cut: with none cut in this period the count went down.
    previous = values(**{"4.1.e1": "24", "4.1.e2": "3"})
    warnings = check_warnings(TREE, typed, previous, same_year=False)
    assert [w.id for w in warnings] == ["4.1.e2:previous"]
    # Consistent with the previous period: no warning.
    assert check_warnings(TREE, values(**{"4.1.e2": "3", "4.1.d": "0"}), previous, False) == []


def test_cumulative_count_below_the_period_count_is_refused(app):
    errors = check_entered(TREE, values(**{"4.1.e1": "24", "4.1.e2": "0", "4.1.d": "2"}))
    assert [e.key for e in errors] == ["4.1.e2"]


def test_disbursement_going_down_within_the_year_is_warned(app):
    previous = values(**{"6.1_a": "12.175", "6.1_b": "8.000"})
    typed = values(**{"6.1_a": "12.175", "6.1_b": "7.972"})
    assert [w.id for w in check_warnings(TREE, typed, previous, same_year=True)] == [
        "6.1.b:previous"
    ]
    assert check_warnings(TREE, typed, previous, same_year=False) == []


def test_online_payments_amount_and_count_agree(app):
    # An amount with no dossier paid is refused; dossiers paid with no amount is warned.
    errors = check_entered(TREE, values(**{"7.6.4_d": "0", "7.6.4_e": "216.000"}))
    assert [e.key for e in errors] == ["7.6.4.e"]
    warnings = check_warnings(TREE, values(**{"7.6.4_d": "32", "7.6.4_e": "0"}), None, False)
    assert [w.id for w in warnings] == ["7.6.4.e:amount"]


def test_online_dossiers_within_all_dossiers_is_warned(app):
    typed = values(**{"3.2.1_a": "100", "7.6.3_a": "146", "7.6.3_b": "91"})
    assert [w.id for w in check_warnings(TREE, typed, None, False)] == ["7.6.3.a:3.2.1.a"]


def test_the_report_figures_pass(app):
    from tests.appendix.conftest import REPORT_FIGURES

    typed = values(**REPORT_FIGURES)
    assert check_entered(TREE, typed) == []
    assert check_warnings(TREE, typed, None, False) == []


def test_a_survey_done_needs_its_ballots(app):
    # The seed marks 1.7 done (1) with 0 ballots collected.
    errors = check_entered(TREE, values(**{"1.7": "1", "1.7_a": "0"}))
    assert [e.key for e in errors] == ["1.7.a"]
    assert check_entered(TREE, values(**{"1.7": "1", "1.7_a": "120"})) == []
    assert check_entered(TREE, values(**{"1.7": "0", "1.7_a": "0"})) == []


def test_messages_name_rows_as_printed_never_by_their_internal_key(app):
    # 4.1.e2 and 4.1.e1 are printed as "+" lines under 4.1: the reader finds them by STT and label.
    assert TREE.name_of("4.1.e1") == "Tổng số biên chế năm 2015 (tính đến 31/12/2015) (mục 4.1)"
    errors = check_entered(TREE, values(**{"4.1.e1": "20", "4.1.e2": "23"}))
    assert errors and all("4.1.e" not in e.message for e in errors)
    assert "Tổng số biên chế năm 2015 (tính đến 31/12/2015) (mục 4.1)" in errors[0].message
    errors = check_entered(TREE, values(**{"7.5.2_a": "385", "7.5.2_b": "377"}))
    assert errors and all("7.5.2.a" not in e.message for e in errors)
    assert "(mục 7.5.2)" in errors[0].message
