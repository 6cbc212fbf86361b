"""Creating a plan from a file: officers matched by name within the unit, all or nothing."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import gen_csv, gen_officer, gen_unit, gen_xlsx
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.people.models import Role
from tracker.plans.importing import (
    ImportProblems,
    PlanMetadata,
    import_plan,
    import_plan_file,
    parse_plan_file,
)
from tracker.plans.models import Plan, PlanKind, TaskGroup
from tracker.tasks.models import Task

HEADER = ["STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn"]


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Plan, TaskGroup, Task)
    )


@pytest.fixture
def ward(app):
    unit = gen_unit(name="Phường Vĩnh Hòa")
    people = {
        name: gen_officer(unit, full_name=name)
        for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
    }
    return unit, people


def test_import_creates_plan_groups_and_tasks(ward):
    unit, people = ward
    data = gen_xlsx(
        [
            ["Kế hoạch cải cách hành chính năm 2024"],
            ["(Kèm theo Quyết định số 39/QĐ-UBND ngày 31/01/2024 của UBND phường)"],
            HEADER,
            ["I", None, "Chỉ đạo, điều hành"],
            # The name typed differently: NFD, upper case, extra spaces.
            [
                1,
                None,
                "Ban hành kế hoạch",
                "Kế hoạch",
                unicodedata.normalize("NFD", "  NGUYỄN   văn AN "),
                "Trần Thị Bình;Lê Văn Cường",
                "31/01/2024",
            ],
            [2, None, "Họp hàng tháng", "Biên bản", "Trần Thị Bình", "Nguyễn Văn An", "Hàng tháng"],
            ["II", None, "Kiểm tra CCHC"],
            [1, None, "Kiểm tra nội bộ", "Kết luận", "Lê Văn Cường", None, None],
        ]
    )
    plan = import_plan_file(db.session, unit, "kh.xlsx", data)
    assert (plan.title, plan.document_number, plan.document_date) == (
        "Kế hoạch cải cách hành chính năm 2024",
        "39/QĐ-UBND",
        date(2024, 1, 31),
    )
    assert (plan.kind, plan.appendix_row, plan.start_year, plan.end_year) == (
        PlanKind.ANNUAL_REFORM,
        "1.2",
        2024,
        2024,
    )
    assert [(g.ordinal, g.name) for g in plan.groups] == [
        (1, "Chỉ đạo, điều hành"),
        (2, "Kiểm tra CCHC"),
    ]
    tasks = db.session.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.ordinal))
    rows = [
        (
            t.ordinal,
            t.group.name,
            t.title,
            t.lead_officer,
            sorted(o.full_name for o in t.supporters),
            t.deadline,
            t.recurrence_note,
        )
        for t in tasks
    ]
    assert rows == [
        (
            1,
            "Chỉ đạo, điều hành",
            "Ban hành kế hoạch",
            people["Nguyễn Văn An"],
            ["Lê Văn Cường", "Trần Thị Bình"],
            date(2024, 1, 31),
            "",
        ),
        (
            2,
            "Chỉ đạo, điều hành",
            "Họp hàng tháng",
            people["Trần Thị Bình"],
            ["Nguyễn Văn An"],
            date(2024, 12, 31),  # a monthly task falls due with its last month
            "Hàng tháng",
        ),
        (3, "Kiểm tra CCHC", "Kiểm tra nội bộ", people["Lê Văn Cường"], [], None, ""),
    ]
    # The audit trail records the creations like any other change.
    created = db.session.scalars(
        select(AuditEvent.entity_type).where(AuditEvent.unit_id == unit.id)
    ).all()
    assert created.count("tasks") == 3 and created.count("plans") == 1


def test_metadata_given_wins_over_the_file(ward):
    unit, _people = ward
    data = gen_csv(
        [["Kế hoạch PAPI năm 2023"], HEADER, ["1", "", "Việc", "", "Nguyễn Văn An", "", ""]]
    )
    metadata = PlanMetadata(
        kind=PlanKind.OTHER,
        title="Kế hoạch khác",
        document_number="117/KH-UBND",
        document_date=date(2023, 2, 3),
        start_year=2023,
        end_year=2024,
        appendix_row="1.3",
    )
    plan = import_plan(db.session, unit, parse_plan_file("x.csv", data), metadata)
    assert (plan.kind, plan.title, plan.document_number, plan.document_date) == (
        PlanKind.OTHER,
        "Kế hoạch khác",
        "117/KH-UBND",
        date(2023, 2, 3),
    )
    assert (plan.start_year, plan.end_year, plan.appendix_row) == (2023, 2024, "1.3")


def test_defaults_guess_the_kind_and_take_the_file_name(ward):
    unit, _people = ward
    papi = gen_csv(
        [["Kế hoạch cải thiện chỉ số PAPI năm 2023"], HEADER, ["1", "", "Việc", "KH", "", "", ""]]
    )
    plan = import_plan_file(db.session, unit, "papi.csv", papi)
    assert (plan.kind, plan.appendix_row, plan.start_year) == (PlanKind.PAPI, "1.3", 2023)
    untitled = gen_csv([HEADER, ["1", "", "Việc", "", "", "", "Thường xuyên"]])
    plan = import_plan_file(
        db.session, unit, "nhiem-vu-cap-tren.csv", untitled, PlanMetadata(appendix_row="none")
    )
    assert (plan.title, plan.kind, plan.appendix_row) == ("nhiem-vu-cap-tren", PlanKind.OTHER, None)


def test_unknown_officers_and_bad_rows_are_reported_together_and_nothing_is_created(ward):
    unit, _people = ward
    elsewhere = gen_unit()
    gen_officer(elsewhere, full_name="Phạm Thị Dung")  # another unit's officer is not found
    retired = gen_officer(unit, full_name="Hoàng Văn Em")
    retired.active = False
    db.session.flush()
    before = counts()
    data = gen_xlsx(
        [
            HEADER,
            [1, None, "Đúng", "KH", "Nguyễn Văn An", None, "01/02/2024"],
            [2, None, "Người lạ", "KH", "Nguyễn Văn X", "Trần Thị Bình", "01/02/2024"],
            [3, None, "Ngày sai", "KH", "Nguyễn Văn An", None, "31/02/2024"],
            [4, None, "Khác đơn vị", "KH", "Nguyễn Văn An", "Phạm Thị Dung", "01/02/2024"],
            [5, None, None, "KH", "Nguyễn Văn An", None, "01/02/2024"],
            [6, None, "Đã nghỉ", "KH", "Hoàng Văn Em", None, "01/02/2024"],
        ]
    )
    with pytest.raises(ImportProblems) as caught:
        import_plan_file(db.session, unit, "kh.xlsx", data)
    assert caught.value.messages == [
        "Dòng 3: không tìm thấy cán bộ “Nguyễn Văn X” trong đơn vị",
        "Dòng 4: thời hạn “31/02/2024” không phải ngày hợp lệ",
        "Dòng 5: không tìm thấy cán bộ “Phạm Thị Dung” trong đơn vị",
        "Dòng 6: thiếu nội dung nhiệm vụ",
        "Dòng 7: cán bộ “Hoàng Văn Em” đã ngừng hoạt động trong đơn vị",
    ]
    assert counts() == before


def test_two_officers_with_the_same_name_are_ambiguous(ward):
    unit, _people = ward
    gen_officer(unit, full_name="Nguyễn Văn An")
    data = gen_csv([HEADER, ["1", "", "Việc", "", "Nguyễn Văn An", "", ""]])
    with pytest.raises(ImportProblems) as caught:
        import_plan_file(db.session, unit, "kh.csv", data)
    assert caught.value.messages == [
        "Dòng 2: có 2 cán bộ cùng tên “Nguyễn Văn An” trong đơn vị; hãy sửa tên cho khác nhau "
        "trước khi nhập"
    ]


def test_chairperson_role_is_not_needed_to_be_named(ward):
    """A task without a lead or deadline is allowed (assigned later)."""
    unit, _people = ward
    gen_officer(unit, Role.CHAIRPERSON, full_name="Chủ Tịch")
    data = gen_csv([HEADER, ["1", "", "Việc chưa giao", "Báo cáo", "", "", ""]])
    plan = import_plan_file(db.session, unit, "kh.csv", data)
    task = db.session.scalar(select(Task).where(Task.plan_id == plan.id))
    assert (task.title, task.lead_officer_id, task.deadline) == ("Việc chưa giao", None, None)


def test_original_tasks_enter_the_plan_on_its_date_unless_a_row_says(ward):
    unit, _ = ward
    data = gen_xlsx(
        [
            ["Kế hoạch cải cách hành chính năm 2024"],
            ["(Kèm theo Quyết định số 39/QĐ-UBND ngày 31/01/2024 của UBND phường)"],
            [*HEADER, "Ngày giao"],
            [1, None, "Ban hành kế hoạch", "Kế hoạch", "Nguyễn Văn An", None, "31/03/2024"],
            [2, None, "Bổ sung", "Báo cáo", "Trần Thị Bình", None, "30/06/2024", "15/04/2024"],
            [3, None, "Bổ sung nữa", "Báo cáo", "Lê Văn Cường", None, "30/06/2024",
             date(2024, 5, 2)],
        ]
    )
    plan = import_plan_file(db.session, unit, "kh.xlsx", data)
    tasks = db.session.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.ordinal))
    assert [t.entered_on for t in tasks] == [
        date(2024, 1, 31),
        date(2024, 4, 15),
        date(2024, 5, 2),
    ]


def test_a_bad_entry_date_is_listed_with_its_row(ward):
    unit, _ = ward
    data = gen_xlsx(
        [
            ["Kế hoạch cải cách hành chính năm 2024"],
            [*HEADER, "Ngày giao"],
            [1, None, "Ban hành kế hoạch", "Kế hoạch", "Nguyễn Văn An", None, "31/03/2024",
             "31/02/2024"],
        ]
    )
    with pytest.raises(ImportProblems) as problems:
        import_plan_file(db.session, unit, "kh.xlsx", data)
    assert "ngày giao “31/02/2024” không phải ngày hợp lệ" in str(problems.value)
    assert counts() == (0, 0, 0)
