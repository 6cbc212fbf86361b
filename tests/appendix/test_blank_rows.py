"""A row nobody typed is "chưa nhập", never "Không phát sinh" (issue 11)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.appendix.conftest import DEMO_PASSWORD
from tracker.appendix.indicators import tree_for_year

NOT_ARISING = "Không phát sinh"


def _xlsx_figures(client, period_id: int) -> dict[str, object]:
    response = client.get(f"/appendix/{period_id}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    tree = tree_for_year(2024)
    header = 6
    return {row.key: sheet.cell(header + 1 + i, 4).value for i, row in enumerate(tree.rows)}


def test_an_untouched_table_prints_no_not_arising_row(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    figures = _xlsx_figures(client, demo.period.id)
    assert [key for key, value in figures.items() if value == NOT_ARISING] == []
    tree = tree_for_year(2024)
    # every typed row and every rate over typed rows says it was not entered
    for row in tree.rows:
        if row.is_entered:
            assert figures[row.key] == "Chưa nhập", row.key
    assert figures["1.5.2"] == figures["6.1"] == "Chưa nhập"
    # the rates computed from the tasks are still figures
    assert figures["1.2"] == 27.3
