"""A province loads its year's indicator tree from a file: checked line by line, nothing kept
of a bad file; its communes' periods of that year use it; 2024 keeps the 2024 tree; a frozen
table never changes."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_unit
from tracker.appendix.indicators import DATA_DIR, parse_tree
from tracker.appendix.models import IndicatorTreeFile, ReportingPeriod
from tracker.appendix.operations import submit_period
from tracker.appendix.province import load_tree_file, open_for_communes, regime_dates
from tracker.appendix.service import period_table, tree_of
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Role, UnitKind

TREE_2024 = (DATA_DIR / "phu_luc_1_2024.toml").read_text(encoding="utf-8")

SMALL = """year = 2025
title = "PHỤ LỤC THỬ"

[[rows]]
key = "1"
code = "1."
label = "Hồ sơ"
kind = "section"

[[rows]]
key = "1.1"
code = "1.1."
label = "Tỷ lệ hồ sơ đúng hạn"
unit = "%"
kind = "rate"
numerator = ["1.1.b"]
denominator = ["1.1.a"]

[[rows]]
key = "1.1.a"
bullet = "-"
label = "Số hồ sơ đã giải quyết"
unit = "Hồ sơ"
kind = "entered"
type = "count"

[[rows]]
key = "1.1.b"
bullet = "-"
label = "Trong đó đúng hạn"
unit = "Hồ sơ"
kind = "entered"
type = "count"
within = "1.1.a"
"""


def test_the_2024_file_is_a_valid_tree():
    tree, problems = parse_tree(TREE_2024)
    assert problems == [] and len(tree.rows) == 131


@pytest.mark.parametrize(("change", "line", "words"), [
    # a code used twice
    (lambda t: t.replace('code = "1.1."', 'code = "1."'), 10, "STT “1.” trùng"),
    # a part whose whole does not exist
    (lambda t: t.replace('within = "1.1.a"', 'within = "1.1.x"'), 27,
     "“1.1.x” không phải một dòng"),
    # a part of another unit than its whole
    (lambda t: t.replace('unit = "Hồ sơ"\nkind = "entered"\ntype = "count"\nwithin',
                         'unit = "Thủ tục"\nkind = "entered"\ntype = "count"\nwithin'),
     27, "cùng đơn vị tính"),
    # a rate over a missing part
    (lambda t: t.replace('numerator = ["1.1.b"]', 'numerator = ["1.1.c"]'), 10,
     "“1.1.c” không phải"),
    # a rate whose parts are not of one unit
    (lambda t: t.replace('label = "Số hồ sơ đã giải quyết"\nunit = "Hồ sơ"',
                         'label = "Số hồ sơ đã giải quyết"\nunit = "Thủ tục"'), 10,
     "cùng đơn vị tính"),
    # TOML broken
    (lambda t: t.replace('[[rows]]\nkey = "1.1.a"', '[[rows]\nkey = "1.1.a"'), 19, "TOML"),
])
def test_a_bad_file_names_each_bad_line(change, line, words):
    tree, problems = parse_tree(change(SMALL))
    assert tree is None
    assert any(p.line == line and words in p.message for p in problems), problems


def test_every_problem_is_listed_not_only_the_first():
    text = SMALL.replace('within = "1.1.a"', 'within = "1.1.x"').replace(
        'code = "1.1."', 'code = "1."')
    _tree, problems = parse_tree(text)
    assert [p.line for p in problems] == [10, 27]


@pytest.fixture
def province(app):
    top = gen_unit(code="tinh-thu", name="Tỉnh Thử", kind=UnitKind.PROVINCE)
    commune = gen_unit(code="xa-thu", name="Xã Thử", kind=UnitKind.COMMUNE, parent=top)
    return {"top": top, "commune": commune, "admin": gen_officer(top, Role.UNIT_ADMIN),
            "focal": gen_officer(commune, Role.FOCAL_OFFICER)}


def _open(world, year):
    dates = regime_dates("q1", year)
    opened = open_for_communes(db.session, world["top"], world["admin"], dates.kind,
                               dates.label, dates.start, dates.end, dates.due_on)
    return db.session.scalar(select(ReportingPeriod).where(
        ReportingPeriod.province_period_id == opened.period.id))


def test_a_loaded_tree_serves_its_year_and_2024_keeps_its_own(province):
    load_tree_file(db.session, province["top"], province["admin"], "2025.toml",
                   SMALL.encode())
    period_2025, period_2024 = _open(province, 2025), _open(province, 2024)
    assert [row.key for row in period_table(db.session, period_2025).rows] == [
        "1", "1.1", "1.1.a", "1.1.b"]
    assert len(period_table(db.session, period_2024).rows) == 131
    assert period_2024.tree_id is None


def test_a_frozen_table_and_an_opened_period_keep_their_tree(province):
    load_tree_file(db.session, province["top"], province["admin"], "2025.toml",
                   SMALL.encode())
    period = _open(province, 2025)
    submit_period(db.session, period, province["focal"], set(),
                  datetime(2025, 3, 14, 3, tzinfo=UTC), confirmed_blank={"1.1.a", "1.1.b"})
    frozen = [row.label for row in period_table(db.session, period).rows]
    # A new tree for 2025 is loaded: new periods take it; this one keeps its own.
    load_tree_file(db.session, province["top"], province["admin"], "2025-b.toml",
                   SMALL.replace("Trong đó đúng hạn", "Đúng hạn (mới)").encode())
    db.session.expire_all()
    assert [row.label for row in period_table(db.session, period).rows] == frozen
    assert [row.label for row in tree_of(period).rows][-1] == "Trong đó đúng hạn"


def test_a_bad_file_saves_nothing(province):
    with pytest.raises(Refusal) as refused:
        load_tree_file(db.session, province["top"], province["admin"], "x.toml",
                       SMALL.replace('within = "1.1.a"', 'within = "9"').encode())
    assert refused.value.problems[0].line == 27
    with pytest.raises(Refusal):
        load_tree_file(db.session, province["top"], province["admin"], "x.toml",
                       b"\xff\xfe not utf-8")
    assert db.session.scalar(select(func.count()).select_from(IndicatorTreeFile)) == 0


def test_the_page_lists_problems_by_line_and_loads_a_good_file(client, auth, province):
    auth.login(province["admin"])
    token = csrf_token(client, "/units/tinh-thu/appendix/trees")
    bad = SMALL.replace('within = "1.1.a"', 'within = "9"').encode()
    response = client.post("/units/tinh-thu/appendix/trees", data={
        "csrf_token": token, "file": (io.BytesIO(bad), "chi-tieu-2025.toml")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dòng 27" in html and "“9” không phải một dòng có số liệu" in html
    response = client.post("/units/tinh-thu/appendix/trees", data={
        "csrf_token": token, "file": (io.BytesIO(SMALL.encode()), "chi-tieu-2025.toml")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    html = client.get("/units/tinh-thu/appendix/trees").get_data(as_text=True)
    assert "chi-tieu-2025.toml" in html and "Đã nạp bộ chỉ tiêu năm 2025" in html
    response = client.post("/units/tinh-thu/appendix/trees", data={"csrf_token": token})
    assert response.status_code == 400
