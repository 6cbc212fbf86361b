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


def test_the_page_says_not_entered(client, auth, demo):
    from tests.factories import gen_officer
    from tracker.extensions import db
    from tracker.people.models import Role

    auth.login(demo.focal, DEMO_PASSWORD)
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    rate = html[html.index('data-testid="value-1.5.2"') :]
    assert 'figure-missing">Chưa nhập</span>' in rate[: rate.index("</td>")]
    assert 'placeholder="Chưa nhập"' in html and 'name="z-1.5.1"' in html
    # read only (the city's inspector): the typed rows too
    inspector = gen_officer(demo.ward.parent, Role.INSPECTOR)
    db.session.commit()
    auth.logout()
    auth.login(inspector)
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    cell = html[html.index('data-testid="value-1.5.1"') :]
    assert "Chưa nhập" in cell[: cell.index("</td>")]
    assert 'name="z-' not in html
