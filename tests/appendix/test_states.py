"""How each row's figure stands: typed, "Không phát sinh", "Chưa nhập", "Không có số liệu";
sums and rates stand as their parts do."""

from __future__ import annotations

from decimal import Decimal

from tracker.appendix.indicators import tree_for_year
from tracker.appendix.models import FigureMark
from tracker.appendix.queries import UnitSources
from tracker.appendix.table import (
    State,
    TableRow,
    build_table,
    compute_table,
    display_value,
    table_from_snapshot,
    table_snapshot,
)

TREE = tree_for_year(2024)
NOT_ARISING, NO_DATA = FigureMark.NOT_ARISING, FigureMark.NO_DATA


def _states(entered: dict, marks: dict) -> tuple[dict, dict]:
    values = {k: Decimal(v) for k, v in entered.items()}
    return compute_table(TREE, UnitSources(), values, marks)


def test_a_sum_stands_as_its_parts():
    # 2.1.1 = 2.1.1.a + 2.1.1.b
    values, states = _states({"2.1.1.a": 3}, {})
    assert (values["2.1.1"], states["2.1.1"]) == (None, State.MISSING)  # never a partial sum
    values, states = _states({"2.1.1.a": 3}, {"2.1.1.b": NOT_ARISING})
    assert (values["2.1.1"], states["2.1.1"]) == (3, State.VALUE)
    values, states = _states({}, {"2.1.1.a": NOT_ARISING, "2.1.1.b": NOT_ARISING})
    assert (values["2.1.1"], states["2.1.1"]) == (0, State.NOT_ARISING)
    values, states = _states({"2.1.1.a": 3}, {"2.1.1.b": NO_DATA})
    assert (values["2.1.1"], states["2.1.1"]) == (None, State.NO_DATA)


def test_a_rate_stands_as_its_parts():
    # 3.4 = 3.4.b / 3.4.a
    _, states = _states({}, {})
    assert states["3.4"] is State.MISSING and states["3.4.a"] is State.MISSING
    values, states = _states({"3.4.a": 5}, {"3.4.b": NOT_ARISING})
    assert (values["3.4"], states["3.4"]) == (Decimal("0.0"), State.VALUE)  # none of 5
    values, states = _states({}, {"3.4.a": NOT_ARISING, "3.4.b": NOT_ARISING})
    assert (values["3.4"], states["3.4"]) == (None, State.NOT_ARISING)
    values, states = _states({"3.4.a": 0, "3.4.b": 0}, {})
    assert (values["3.4"], states["3.4"]) == (None, State.NOT_ARISING)  # 0 of 0 typed
    # 3.2.2 over three fields: one field not entered, the whole rate is not entered
    values, states = _states({"3.2.2.a1": 4, "3.2.2.a2": 4}, {})
    assert (values["3.2.2.a"], states["3.2.2"]) == (Decimal("100.0"), State.MISSING)
    # a rate over tasks with no task is "không phát sinh"
    assert states["1.2"] is State.NOT_ARISING


def test_a_choice_row_may_be_stated_not_arising():
    values, states = _states({}, {"1.7.b": NOT_ARISING})
    assert (values["1.7.b"], states["1.7.b"]) == (None, State.NOT_ARISING)


def test_states_survive_the_snapshot():
    marks = {"1.5.2.a": NOT_ARISING, "1.5.2.b": NOT_ARISING, "1.5.1": NO_DATA}
    table = build_table(TREE, UnitSources(), {}, {}, marks)
    again = table_from_snapshot(table_snapshot(table))
    for key, words in (
        ("1.5.1", "Không có số liệu"),
        ("1.5.2", "Không phát sinh"),
        ("1.5.2.a", "Không phát sinh"),
        ("2.2.a", "Chưa nhập"),
    ):
        assert display_value(table[key]) == display_value(again[key]) == words, key


def test_a_snapshot_frozen_before_states_says_not_entered_for_what_nobody_typed():
    common = {"code": "", "bullet": "", "label": "x", "unit": "%", "computed": True}
    rate = {
        **common,
        "key": "1.5.2",
        "kind": "rate",
        "value": None,
        "numerator": None,
        "denominator": None,
    }
    task_rate = {
        **common,
        "key": "1.2",
        "kind": "rate",
        "value": None,
        "numerator": "0",
        "denominator": "0",
    }
    typed = {**common, "key": "1.5.1", "kind": "entered", "value": None, "unit": "Người"}
    figure = {**typed, "key": "4.1.a", "value": "23"}
    rows = [TableRow.from_snapshot(d) for d in (rate, task_rate, typed, figure)]
    assert [display_value(r) for r in rows] == ["Chưa nhập", "Không phát sinh", "Chưa nhập", "23"]
