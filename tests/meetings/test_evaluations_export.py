"""The officer × month table of a year as Excel, for the year-end evaluation."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from tracker.demo.loader import load_demo
from tracker.extensions import db
from tracker.meetings.models import OfficerEvaluation

DEMO_PASSWORD = "vinhhoa2024"


def test_the_year_table_as_excel_with_each_grade_counted(client, auth, app, demo_database):
    load_demo(db.session)
    db.session.commit()
    graded = db.session.scalars(select(OfficerEvaluation)).all()
    assert graded  # the demo's February meeting graded some officers
    auth.login("vanphong@vinhhoa.example", DEMO_PASSWORD)  # the focal officer: not an evaluator
    assert client.get("/units/vinh-hoa/evaluations.xlsx?year=2024").status_code == 403
    auth.logout()
    auth.login("chutich@vinhhoa.example", DEMO_PASSWORD)
    page = client.get("/units/vinh-hoa/evaluations?year=2024").get_data(as_text=True)
    assert "evaluations.xlsx?year=2024" in page
    assert ">Không đánh giá</a>" in page  # the officers marked so, never an empty cell
    response = client.get("/units/vinh-hoa/evaluations.xlsx?year=2024")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Cán bộ")
    february, first_grade = header.index("Tháng 2"), header.index("Hoàn thành xuất sắc nhiệm vụ")
    by_name = {r[0]: r for r in rows[rows.index(header) + 1 :]}
    for evaluation in graded:
        line = by_name[evaluation.officer.full_name]
        counted = line[first_grade : first_grade + 4]
        if evaluation.evaluated:
            assert line[february] == evaluation.grade.name
            assert sum(counted) == 1 and counted[evaluation.grade.rank - 1] == 1
        else:  # "không đánh giá": said with its reason, counted under no grade
            assert line[february] == f"Không đánh giá: {evaluation.reason}"
            assert sum(counted) == 0
    assert len(by_name) == 20  # every officer of the ward, graded or not
    assert {e.evaluated for e in graded} == {True, False}
