"""`tracker plan import` and `tracker plan export`: files in, files out, one-line errors."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.factories import gen_csv, gen_officer, gen_plan, gen_task, gen_unit, gen_xlsx
from tracker.extensions import db
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.models import Task

HEADER = ["STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn"]


@pytest.fixture
def ward(app):
    unit = gen_unit(code="vinh-hoa", name="Phường Vĩnh Hòa")
    gen_officer(unit, full_name="Nguyễn Văn An")
    db.session.commit()
    return unit


def plan_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Plan))


def test_import_with_metadata_options(runner, ward, tmp_path):
    path = tmp_path / "kh.csv"
    path.write_bytes(
        gen_csv([HEADER, ["1", "Thể chế", "Rà soát", "Báo cáo", "Nguyễn Văn An", "", "30/6/2024"]])
    )
    result = runner.invoke(
        args=[
            "plan",
            "import",
            str(path),
            "--unit",
            "vinh-hoa",
            "--kind",
            "papi",
            "--title",
            "Kế hoạch PAPI",
            "--document",
            "117/KH-UBND",
            "--document-date",
            "03/02/2023",
            "--years",
            "2023-2024",
            "--appendix-row",
            "1.3",
        ]
    )
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(select(Plan).where(Plan.unit_id == ward.id))
    assert f"imported plan {plan.id}" in result.output
    assert (plan.kind, plan.title, plan.document_number, plan.document_date) == (
        PlanKind.PAPI,
        "Kế hoạch PAPI",
        "117/KH-UBND",
        date(2023, 2, 3),
    )
    assert (plan.start_year, plan.end_year, plan.appendix_row) == (2023, 2024, "1.3")
    task = db.session.scalar(select(Task).where(Task.plan_id == plan.id))
    assert (task.title, task.deadline, task.group.name) == ("Rà soát", date(2024, 6, 30), "Thể chế")


def test_import_logs_the_plan_its_tasks_and_unit_by_no_officer(runner, ward, tmp_path, caplog):
    path = tmp_path / "kh.csv"
    path.write_bytes(
        gen_csv([HEADER, ["1", "Thể chế", "Rà soát", "Báo cáo", "Nguyễn Văn An", "", "30/6/2024"]])
    )
    with caplog.at_level(logging.INFO, logger="tracker"):
        result = runner.invoke(
            args=["plan", "import", str(path), "--unit", "vinh-hoa", "--title", "Kế hoạch PAPI"]
        )
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(select(Plan).where(Plan.unit_id == ward.id))
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            "tracker.plans",
            logging.INFO,
            f"officer None imported plan {plan.id} 'Kế hoạch PAPI' with 1 tasks, unit {ward.id}",
        )
    ]


def test_import_bad_rows_lists_them_and_exits_non_zero(runner, ward, tmp_path):
    path = tmp_path / "kh.xlsx"
    path.write_bytes(
        gen_xlsx(
            [
                HEADER,
                [1, None, "Việc", "KH", "Nguyễn Văn X", None, "01/02/2024"],
                [2, None, "Việc", "KH", "Nguyễn Văn An", None, "31/02/2024"],
            ]
        )
    )
    before = plan_count()
    result = runner.invoke(args=["plan", "import", str(path), "--unit", "vinh-hoa"])
    assert result.exit_code != 0
    assert "Dòng 2: không tìm thấy cán bộ “Nguyễn Văn X” trong đơn vị" in result.output
    assert "Dòng 3: thời hạn “31/02/2024” không phải ngày hợp lệ" in result.output
    assert "Error: kh.xlsx: nothing imported, 2 problems" in result.output
    assert "Traceback" not in result.output
    assert plan_count() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xlsx", "--unit", "vinh-hoa"], "Error: cannot read"),
        (["{good}", "--unit", "khong-co"], "Error: no unit with code 'khong-co'"),
        (["{good}", "--unit", "vinh-hoa", "--years", "2024-2023"], "Năm thực hiện"),
        (["{good}", "--unit", "vinh-hoa", "--document-date", "31/02/2024"], "Ngày văn bản"),
        (["{good}", "--unit", "vinh-hoa", "--appendix-row", "9.9"], "Dòng phụ lục"),
        (["{good}", "--unit", "vinh-hoa", "--kind", "khac"], "Invalid value for '--kind'"),
        (["{text}", "--unit", "vinh-hoa"], "Error: notes.txt: nothing imported, 1 problem"),
    ],
)
def test_import_errors_are_one_line(runner, ward, tmp_path, args, message):
    good = tmp_path / "kh.csv"
    good.write_bytes(gen_csv([HEADER, ["1", "", "Việc", "KH", "", "", ""]]))
    text = tmp_path / "notes.txt"
    text.write_text("chỉ là ghi chú\n")
    args = [a.format(good=good, text=text) for a in args]
    if args[0] == "missing.xlsx":
        args[0] = str(tmp_path / "missing.xlsx")
    before = plan_count()
    result = runner.invoke(args=["plan", "import", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert plan_count() == before


def test_export_writes_the_workbook(runner, ward, tmp_path):
    plan = gen_plan(ward, title="Kế hoạch thử")
    gen_task(plan, title="Việc một")
    db.session.commit()
    target = tmp_path / "out.xlsx"
    result = runner.invoke(args=["plan", "export", str(plan.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "Kế hoạch thử"
    assert "Việc một" in [c.value for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize(
    ("plan_id", "message"),
    [
        ("999999", "Error: no plan with id 999999"),
        ("99999999999999", "Invalid value"),
        ("abc", "Invalid value"),
    ],
)
def test_export_unknown_plan(runner, ward, tmp_path, plan_id, message):
    result = runner.invoke(args=["plan", "export", plan_id, "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0
    assert message in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_export_to_an_unwritable_place(runner, ward, tmp_path):
    plan = gen_plan(ward)
    db.session.commit()
    result = runner.invoke(
        args=["plan", "export", str(plan.id), "-o", str(tmp_path / "no" / "such" / "x.xlsx")]
    )
    assert result.exit_code != 0
    assert "Error: cannot write" in result.output
