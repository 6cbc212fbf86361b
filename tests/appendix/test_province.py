"""A province opens a period for all its communes, sees who froze their table and when, and
reads the summary of their tables (counts summed, rates from the summed parts)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_unit
from tracker.appendix.indicators import tree_for_year
from tracker.appendix.models import PeriodKind, ProvincePeriod, ReportingPeriod
from tracker.appendix.operations import FigureInput, save_figures, submit_period
from tracker.appendix.province import (
    commune_reports,
    open_for_communes,
    province_communes,
    regime_dates,
)
from tracker.appendix.summary import province_summary
from tracker.core.audit import AuditEvent
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Role, UnitKind

TREE = tree_for_year(2024)


@pytest.mark.parametrize(("code", "year", "kind", "label", "start", "end", "due"), [
    ("q1", 2025, PeriodKind.QUARTER, "Quý I năm 2025", date(2024, 12, 15), date(2025, 3, 14),
     date(2025, 3, 20)),
    ("h1", 2025, PeriodKind.HALF, "6 tháng đầu năm 2025", date(2024, 12, 15),
     date(2025, 6, 14), date(2025, 6, 20)),
    ("q3", 2025, PeriodKind.QUARTER, "Quý III năm 2025", date(2025, 6, 15), date(2025, 9, 14),
     date(2025, 9, 20)),
    ("year", 2025, PeriodKind.YEAR, "Năm 2025", date(2024, 12, 15), date(2025, 12, 14),
     date(2025, 12, 20)),
])
def test_the_national_regime_dates(code, year, kind, label, start, end, due):
    dates = regime_dates(code, year)
    assert (dates.kind, dates.label, dates.start, dates.end, dates.due_on) == (
        kind, label, start, end, due)


@pytest.fixture
def province(app):
    top = gen_unit(code="khanh-hoa", name="Tỉnh Khánh Hòa", kind=UnitKind.PROVINCE)
    communes = [
        gen_unit(code="nha-trang", name="Phường Nha Trang", parent=top),
        gen_unit(code="cam-lam", name="Xã Cam Lâm", kind=UnitKind.COMMUNE, parent=top),
        gen_unit(code="truong-sa", name="Đặc khu Trường Sa", kind=UnitKind.SPECIAL_ZONE,
                 parent=top),
    ]
    # Older data keeps its district level: a ward below a city below the province counts too.
    city = gen_unit(code="cam-ranh", name="Thành phố Cam Ranh", kind=UnitKind.CITY, parent=top)
    communes.append(gen_unit(code="cam-linh", name="Phường Cam Linh", parent=city))
    admin = gen_officer(top, Role.UNIT_ADMIN, full_name="Quản Trị Tỉnh")
    focal = {c.code: gen_officer(c, Role.FOCAL_OFFICER) for c in communes}
    return {"top": top, "communes": communes, "admin": admin, "focal": focal, "city": city}


def _open(world, code="q1", year=2025):
    dates = regime_dates(code, year)
    return open_for_communes(db.session, world["top"], world["admin"], dates.kind, dates.label,
                             dates.start, dates.end, dates.due_on)


def test_opening_gives_every_commune_the_period_once_and_reports_those_that_had_it(province):
    nha_trang = province["communes"][0]
    dates = regime_dates("q1", 2025)
    own = ReportingPeriod(unit_id=nha_trang.id, kind=dates.kind, label="Quý I/2025",
                          start=dates.start, end=dates.end, acknowledged=[])
    db.session.add(own)
    db.session.flush()

    opened = _open(province)

    assert [u.code for u in opened.existing] == ["nha-trang"]
    assert sorted(u.code for u in opened.created) == ["cam-lam", "cam-linh", "truong-sa"]
    periods = db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.start == dates.start, ReportingPeriod.end == dates.end)).all()
    assert len(periods) == 4  # not duplicated for Nha Trang
    assert {p.province_period_id for p in periods} == {opened.period.id}
    assert {p.due_on for p in periods} == {date(2025, 3, 20)}
    assert own.label == "Quý I/2025"  # its own, kept
    # audited like every change to a period
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "reporting_periods")) >= 3
    with pytest.raises(Refusal, match="đã được mở"):
        _open(province)


def test_opening_refuses_a_due_date_before_the_cut_off_and_keeps_nothing(province):
    with pytest.raises(Refusal) as refused:
        open_for_communes(db.session, province["top"], province["admin"], PeriodKind.QUARTER,
                          "Quý I năm 2025", date(2024, 12, 15), date(2025, 3, 14),
                          date(2025, 3, 1))
    assert "due_on" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(ProvincePeriod)) == 0


def test_a_closed_commune_gets_no_period(province):
    province["communes"][1].closed_at = datetime(2025, 1, 1, tzinfo=UTC)
    assert "cam-lam" not in {u.code for u in province_communes(db.session, province["top"].id)}


FIGURES = {
    "nha-trang": {"3.2.1.a": "100", "3.2.1.b": "90", "3.2.1.c": "90", "6.1.a": "1.000",
                  "6.1.b": "500"},
    "cam-lam": {"3.2.1.a": "10", "3.2.1.b": "10", "3.2.1.c": "1", "6.1.a": "100",
                "6.1.b": "100"},
}


def _freeze(world, period: ReportingPeriod, figures: dict[str, str], at: datetime) -> None:
    officer = world["focal"][period.unit.code]
    save_figures(db.session, period, FigureInput(values=figures))
    blank = {row.key for row in TREE.entered if row.key not in figures}
    submit_period(db.session, period, officer, set(), at, confirmed_blank=blank)


def _commune_period(opened, code: str) -> ReportingPeriod:
    return next(p for p in db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.province_period_id == opened.period.id)) if p.unit.code == code)


def test_the_summary_sums_counts_and_computes_rates_from_the_summed_parts(province):
    opened = _open(province)
    _freeze(province, _commune_period(opened, "nha-trang"), FIGURES["nha-trang"],
            datetime(2025, 3, 18, 2, 0, tzinfo=UTC))
    _freeze(province, _commune_period(opened, "cam-lam"), FIGURES["cam-lam"],
            datetime(2025, 3, 21, 2, 0, tzinfo=UTC))

    summary = province_summary(db.session, opened.period)

    table = summary.table
    assert table["3.2.1.a"].value == Decimal(110)
    assert table["3.2.1.c"].value == Decimal(91)
    # On time of resolved: 91/100 = 91 %; the average of the rates (100 % and 10 %), 55 %.
    assert (table["3.2.1"].numerator, table["3.2.1"].denominator) == (91, 100)
    assert table["3.2.1"].value == Decimal("91.0")
    assert table["6.1"].value == Decimal("54.5")  # 600/1.100, not (50 % + 100 %) / 2
    assert [r.unit.code for r in summary.frozen] == ["nha-trang", "cam-lam"]  # by name
    assert sorted(r.unit.code for r in summary.missing) == ["cam-linh", "truong-sa"]
    reports = {r.unit.code: r for r in commune_reports(db.session, opened.period)}
    assert reports["nha-trang"].on_time(opened.period.due_on) is True
    assert reports["cam-lam"].on_time(opened.period.due_on) is False
    assert reports["truong-sa"].on_time(opened.period.due_on) is None


def test_a_frozen_commune_table_is_summed_as_frozen(province):
    opened = _open(province)
    period = _commune_period(opened, "nha-trang")
    _freeze(province, period, FIGURES["nha-trang"], datetime(2025, 3, 18, 2, 0, tzinfo=UTC))
    before = province_summary(db.session, opened.period).table["3.2.1.a"].value
    # The commune's live figures cannot change any more, and the summary reads its snapshot.
    with pytest.raises(Refusal):
        save_figures(db.session, period, FigureInput(values={"3.2.1.a": "999"}))
    assert province_summary(db.session, opened.period).table["3.2.1.a"].value == before


# ---------------------------------------------------------------------------- pages


def test_province_admin_opens_q1_and_sees_who_froze(client, auth, province, clock):
    clock(date(2025, 3, 10))
    auth.login(province["admin"])
    page = client.get("/units/khanh-hoa/appendix/province?regime=q1&year=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="15/12/2024"' in html and 'value="14/03/2025"' in html
    assert 'value="20/03/2025"' in html
    token = csrf_token(client, "/units/khanh-hoa/appendix/province")
    response = client.post("/units/khanh-hoa/appendix/province", data={
        "csrf_token": token, "regime": "q1", "year": "2025", "label": "Quý I năm 2025",
        "start": "15/12/2024", "end": "14/03/2025", "due_on": "20/03/2025",
    })
    assert response.status_code == 302
    period = db.session.scalar(select(ProvincePeriod))
    assert db.session.scalar(select(func.count()).select_from(ReportingPeriod).where(
        ReportingPeriod.province_period_id == period.id)) == 4
    commune = next(p for p in db.session.scalars(select(ReportingPeriod))
                   if p.unit.code == "cam-lam")
    _freeze(province, commune, FIGURES["cam-lam"], datetime(2025, 3, 19, 3, 0, tzinfo=UTC))
    db.session.commit()
    auth.logout()
    auth.login(province["focal"]["cam-lam"])
    page = client.get(f"/appendix/{commune.id}").get_data(as_text=True)
    assert "Hạn gửi báo cáo: 20/03/2025" in page  # the commune's own page says when it is due
    auth.logout()
    auth.login(province["admin"])
    html = client.get(f"/appendix/province/{period.id}").get_data(as_text=True)
    # the province's unit administrator reads the list, not the communes' own tables
    assert f'href="/appendix/{commune.id}"' not in html
    assert "1/4 đơn vị đã chốt số liệu" in html
    assert "19/03/2025 10:00" in html and "Đúng hạn" in html
    assert html.count("Chưa chốt") == 3
    xlsx = client.get(f"/appendix/province/{period.id}/summary.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Phụ lục 1", "Các xã"]
    communes = [[c.value for c in row] for row in book["Các xã"].iter_rows(min_row=4)]
    assert [row[1:3] for row in communes] == [
        ["Xã Cam Lâm", "Đã chốt"], ["Đặc khu Trường Sa", "Chưa chốt (thiếu)"],
        ["Phường Cam Linh", "Chưa chốt (thiếu)"], ["Phường Nha Trang", "Chưa chốt (thiếu)"],
    ]  # frozen first, then the missing, each by name
    docx = client.get(f"/appendix/province/{period.id}/summary.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_opening_with_bad_dates_keeps_the_form_as_typed(client, auth, province):
    auth.login(province["admin"])
    token = csrf_token(client, "/units/khanh-hoa/appendix/province")
    response = client.post("/units/khanh-hoa/appendix/province", data={
        "csrf_token": token, "regime": "q1", "year": "2025", "label": "Quý I năm 2025",
        "start": "15/12/2024", "end": "31/02/2025", "due_on": "hôm nay",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in html and 'value="31/02/2025"' in html
    assert 'value="hôm nay"' in html
    assert db.session.scalar(select(func.count()).select_from(ProvincePeriod)) == 0


def test_province_page_queries_do_not_grow_with_communes(client, auth, province,
                                                           count_queries):
    opened = _open(province)
    db.session.commit()
    auth.login(province["admin"])
    url = f"/appendix/province/{opened.period.id}"
    client.get(url)
    db.session.expire_all()  # each request starts from nothing loaded, as in production
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        gen_unit(code=f"xa-them-{n}", name=f"Xã Thêm {n}", kind=UnitKind.COMMUNE,
                 parent=province["top"])
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_a_table_frozen_before_figures_were_kept_apart_is_read_from_its_snapshot(province):
    opened = _open(province)
    period = _commune_period(opened, "nha-trang")
    _freeze(province, period, FIGURES["nha-trang"], datetime(2025, 3, 18, 2, 0, tzinfo=UTC))
    assert period.figures["3.2.1.a"] == ["100.000", "value"]
    period.figures = None  # as a period frozen by an older release stands
    db.session.flush()
    db.session.expire_all()
    summary = province_summary(db.session, opened.period)
    assert summary.table["3.2.1.a"].value == Decimal(100)
    assert [r.unit.code for r in summary.frozen] == ["nha-trang"]
