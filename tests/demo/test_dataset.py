"""The demo data files are checked when read: a bad edit fails with its file and reason."""

from __future__ import annotations

import shutil

import pytest

from tracker.demo.dataset import DATA_DIR, PLAN_FILES, DatasetError, read_dataset


def test_the_packaged_data_reads():
    data = read_dataset()
    assert [p.task_count for p in data.plans] == [22, 23, 30, 1]
    assert [p.appendix_row for p in data.plans] == ["1.2", "1.3", "1.4", "1.6"]
    assert len(data.officers_of(data.ward)) == 20
    assert len(data.password) >= 8


@pytest.fixture
def edited(tmp_path):
    """Copy the data files, apply one textual edit to one file, read the copy."""
    for path in DATA_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)

    def edit(name: str, old: str, new: str):
        path = tmp_path / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return read_dataset(tmp_path)

    return edit


PLAN = PLAN_FILES[0]


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (PLAN, 'lead = "vanphong"', 'lead = "khong-co"', "unknown officer key 'khong-co'"),
        (PLAN, "deadline = 2024-01-31", "deadline = 2024-02-04", "not a working day"),
        (PLAN, "completed_on = 2024-01-23", "completed_on = 2024-01-24", "latest evidence"),
        (PLAN, "deliverable =", "deliverabel =", "unknown field(s) deliverabel"),
        (PLAN, 'number = "23/QĐ-UBND"', 'number = "QĐ 23"', "not an official document number"),
        (PLAN, 'overseer = "pct.vanhoa"', 'overseer = "motcua"', "must be a vice chairperson"),
        (PLAN, 'confirmer = "chutich"', 'confirmer = "motcua"', "may not confirm"),
        (PLAN, 'kind = "annual_reform"', 'kind = "yearly"', "'yearly' is not one of"),
        (PLAN, "appendix_row = ", "appendix_row = 1.2 #", "plan_1_2_cchc_2024.toml"),
        ("ward.toml", "chutich@vinhhoa.example", "chutich@vinhhoa.vn", ".example domain"),
        ("ward.toml", 'password = "vinhhoa2024"', 'password = "ngan"', "at least 8"),
        ("ward.toml", 'roles = ["chairperson"]', 'roles = ["mayor"]', "'mayor' is not one of"),
    ],
)
def test_bad_edits_are_refused(edited, name, old, new, message):
    with pytest.raises(DatasetError) as info:
        edited(name, old, new)
    assert message in str(info.value)


def test_a_done_task_needs_evidence(edited):
    with pytest.raises(DatasetError, match="needs its evidence"):
        edited(
            PLAN,
            '[[groups.tasks.evidence]]\nnumber = "23/QĐ-UBND"\ndate = 2024-01-23\nsummary = ',
            "notes = ",
        )


def test_evidence_only_for_done_tasks(edited):
    with pytest.raises(DatasetError, match="not done"):
        edited(PLAN, "completed_on = 2024-01-23\n", "")
