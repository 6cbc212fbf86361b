"""`tracker appendix`: JSON rows, the files, one-line errors."""

from __future__ import annotations

import json

from docx import Document
from openpyxl import load_workbook

ARGS = ["appendix", "--unit", "vinh-hoa", "--from", "2023-12-14", "--to", "2024-03-12"]


def test_json_rows(runner, demo):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert rows["1.2"] == {
        "code": "1.2", "stt": "1.2.", "label": rows["1.2"]["label"], "unit": "%",
        "value": 27.3, "computed": True, "parts": {"numerator": 6, "denominator": 22},
        "note": "Số 39/QĐ-UBND ngày 31/01/2024", "state": "value",
    }
    assert rows["1.3"]["value"] == 26.1 and rows["1.4"]["value"] == 26.7
    assert [rows[k]["value"] for k in ("1.6.a", "1.6.b", "1.6.c", "1.6.d")] == [1, 1, 0, 0]
    assert rows["1.5.2"]["value"] is None and rows["1.5.2"]["computed"] is True
    assert rows["1.5.2"]["state"] == "missing"  # its parts were never typed
    assert rows["3.2.1.a"] == {
        "code": "3.2.1.a", "stt": "", "label": "- Tổng số hồ sơ TTHC đã tiếp nhận",
        "unit": "Hồ sơ", "value": None, "computed": False, "state": "missing",
    }


def test_dates_without_a_period_compute_from_the_tasks(runner, demo):
    result = runner.invoke(args=[*ARGS[:5], "--to", "2024-01-31"])
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert rows["1.2.a"]["value"] == 22
    assert rows["1.2.b"]["value"] < 6


def test_xlsx_and_docx_files(runner, demo, tmp_path):
    path = tmp_path / "pl1.xlsx"
    result = runner.invoke(args=[*ARGS, "--format", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Phụ lục 1"
    path = tmp_path / "pl1.docx"
    result = runner.invoke(args=[*ARGS, "--format", "docx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert Document(str(path)).tables


def test_errors(runner, demo, tmp_path):
    assert runner.invoke(args=[*ARGS, "--format", "xlsx"]).exit_code != 0
    bad = runner.invoke(args=["appendix", "--unit", "khong-co", "--from", "2024-01-01",
                              "--to", "2024-03-12"])
    assert bad.exit_code != 0 and "khong-co" in bad.output
    bad = runner.invoke(args=["appendix", "--unit", "vinh-hoa", "--from", "14/12/2023",
                              "--to", "2024-03-12"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    bad = runner.invoke(args=["appendix", "--unit", "vinh-hoa", "--from", "2024-03-12",
                              "--to", "2024-01-01"])
    assert bad.exit_code != 0
