"""The demo ward's Q1 2024 table (14/12/2023 to 12/3/2024) computed from its tasks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.appendix.indicators import tree_for_year
from tracker.appendix.operations import FigureInput, save_figures
from tracker.appendix.service import period_table
from tracker.appendix.table import NOT_APPLICABLE, NOT_ENTERED, display_value
from tracker.extensions import db


def test_demo_period_is_q1_2024(demo):
    assert demo.period.label == "Quý I năm 2024"
    assert (demo.period.start, demo.period.end) == (date(2023, 12, 14), date(2024, 3, 12))


def test_rows_1_2_to_1_4_from_the_plans(demo):
    table = period_table(db.session, demo.period)
    expected = {"1.2": (22, 6, "27,3%"), "1.3": (23, 6, "26,1%"), "1.4": (30, 8, "26,7%")}
    for code, (total, done, rate) in expected.items():
        assert table[f"{code}.a"].value == total
        assert table[f"{code}.b"].value == done
        row = table[code]
        assert (row.numerator, row.denominator) == (done, total)
        assert display_value(row) == rate
        assert row.computed and table[f"{code}.a"].computed
    # The report's own figures were 27,2 %, 26 % and 20 %: truncated, rounded down, wrong.
    assert table["1.2"].value == Decimal("27.3")
    assert table["1.4"].value == Decimal("26.7")


def test_row_1_6_assigned_tasks(demo):
    table = period_table(db.session, demo.period)
    assert [table[k].value for k in ("1.6.a", "1.6.b", "1.6.c", "1.6.d")] == [1, 1, 0, 0]


def test_row_1_1_counts_the_directing_documents_of_the_period(demo):
    table = period_table(db.session, demo.period)
    assert table["1.1"].value == len(table.documents) > 0
    assert all(date(2023, 12, 14) <= d.day <= date(2024, 3, 12) for d in table.documents)
    assert len({d.number for d in table.documents}) == len(table.documents)


def test_a_rate_over_untyped_parts_is_not_entered_and_over_nothing_not_applicable(demo):
    table = period_table(db.session, demo.period)
    assert table["1.5.2"].value is None
    assert display_value(table["1.5.2"]) == NOT_ENTERED
    assert display_value(table["1.5.2.a"]) == NOT_ENTERED
    save_figures(db.session, demo.period, FigureInput({"1.5.2.a": "0", "1.5.2.b": "0"}))
    table = period_table(db.session, demo.period)
    assert display_value(table["1.5.2"]) == NOT_APPLICABLE  # 0 of 0, never 100 %
    assert (table["1.5.2"].numerator, table["1.5.2"].denominator) == (0, 0)


def test_plan_notes_name_the_plans(demo):
    table = period_table(db.session, demo.period)
    assert table["1.3"].note == "Số 117/KH-UBND ngày 03/02/2023"


def test_the_tree_has_every_section_and_the_fixed_codes():
    tree = tree_for_year(2024)
    sections = [row.code for row in tree.rows if row.kind == "section"]
    assert sections == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    codes = {row.code for row in tree.rows}
    assert "3.2.2." in codes and "32.2." not in codes
    assert tree["7.7.2"].kind == "rate" and tree["7.7.2"].unit == "%"
    assert tree["7.5.1.a"].type == tree["7.5.1.b"].type == "count"
    assert all(row.unit == "%" for row in tree.rows if row.kind == "rate")
    assert not any(row.is_entered for row in tree.rows if row.unit == "%")
    # a later year without its own file uses the latest table
    assert tree_for_year(2030) is tree_for_year(2030)
    assert tree_for_year(2030).rows == tree.rows


def test_many_units_in_a_few_queries(app, demo, count_queries):
    from sqlalchemy import select

    from tests.factories import gen_unit
    from tracker.appendix.service import unit_tables
    from tracker.people.models import Unit

    other = gen_unit(parent=demo.ward.parent)  # a ward with no plan and no period
    db.session.commit()
    wards = select(Unit.id).where(Unit.parent_id == demo.ward.parent_id)
    with count_queries() as queries:
        tables = unit_tables(db.session, wards, date(2023, 12, 14), date(2024, 3, 12))
    assert queries.count <= 7
    assert set(tables) == {demo.ward.id, other.id}
    assert tables[demo.ward.id]["1.2"].value == period_table(db.session, demo.period)["1.2"].value
    assert tables[other.id]["1.2"].value is None and tables[other.id]["1.2.a"].value == 0


def test_row_1_1_counts_the_register_not_completions(demo):
    """Issued documents count, confirmed or not, evidence or not (issue 15); the seed's 24."""
    from tracker.documents.models import DocumentKind, IssuedDocument

    assert period_table(db.session, demo.period)["1.1"].value == 24
    entry = IssuedDocument(unit_id=demo.ward.id, number="999/UBND", number_key="999/UBND",
                           year=2024, issued_on=date(2024, 3, 1),
                           kind=DocumentKind.OFFICIAL_LETTER, subject="", signer="")
    db.session.add(entry)
    db.session.flush()
    assert period_table(db.session, demo.period)["1.1"].value == 25
    entry.issued_on = date(2024, 3, 13)  # after the cut-off
    db.session.flush()
    assert period_table(db.session, demo.period)["1.1"].value == 24
