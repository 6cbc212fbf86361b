"""The register's rules: the kind a symbol says, how numbers compare, what row 1.1 counts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import gen_document, gen_unit
from tracker.documents.models import DocumentKind
from tracker.documents.queries import directing_documents
from tracker.documents.rules import (
    DIRECTING_KINDS,
    directs_reform,
    document_reference,
    kind_from_number,
    normal_number,
    number_key,
)
from tracker.extensions import db


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("39/QĐ-UBND", DocumentKind.DECISION),
        ("333/KH-UBND", DocumentKind.PLAN),
        ("260/UBND", DocumentKind.OFFICIAL_LETTER),
        ("125/UBND-VP", DocumentKind.OFFICIAL_LETTER),
        ("1614/TB-UBND", DocumentKind.NOTICE),
        ("05/TTr-UBND", DocumentKind.SUBMISSION),
        ("422/BC-UBND", DocumentKind.REPORT),
        ("12/CT-UBND", DocumentKind.DIRECTIVE),
        ("7/GM-UBND", DocumentKind.INVITATION),
        ("91-KL/TU", DocumentKind.CONCLUSION),
    ],
)
def test_kind_from_the_symbol(number, kind):
    assert kind_from_number(number) is kind


def test_numbers_compare_without_case_and_spaces():
    assert normal_number(" 7413/QĐ-  UBND ") == "7413/QĐ-UBND"
    assert number_key("39/qđ-ubnd") == number_key("39/QĐ-UBND")


def test_which_kinds_direct_reform_work():
    assert directs_reform(DocumentKind.PLAN)
    assert directs_reform(DocumentKind.OFFICIAL_LETTER)
    assert not directs_reform(DocumentKind.REPORT)
    assert not directs_reform(DocumentKind.INVITATION)
    assert not directs_reform(DocumentKind.DECISION, override=False)
    assert directs_reform(DocumentKind.REPORT, override=True)
    assert DocumentKind.SUBMISSION not in DIRECTING_KINDS


def test_directing_documents_in_date_order(app):
    unit, other = gen_unit(), gen_unit()
    later = gen_document(unit, "98/KH-UBND", date(2024, 1, 16))
    first = gen_document(unit, "02/QĐ-UBND", date(2024, 1, 2))
    gen_document(unit, "422/BC-UBND", date(2024, 3, 1))  # a report: not counted
    gen_document(unit, "5/QĐ-UBND", date(2024, 2, 1), override=False)  # a leader said no
    gen_document(unit, "1/KH-UBND", date(2024, 3, 13))  # after the period
    cancelled = gen_document(unit, "7/KH-UBND", date(2024, 2, 2))
    from tracker.core.clock import utcnow

    cancelled.cancelled_at = utcnow()
    gen_document(other, "3/KH-UBND", date(2024, 2, 2))  # another unit
    db.session.flush()
    found = directing_documents(db.session, unit.id, date(2023, 12, 14), date(2024, 3, 12))
    assert [e.id for e in found] == [first.id, later.id]


@pytest.mark.parametrize(
    ("number", "day", "summary", "expected"),
    [
        ("333/KH-UBND", date(2024, 3, 4), "Kế hoạch về việc tuyên truyền CCHC",
         "Kế hoạch số 333/KH-UBND ngày 04/03/2024 về việc tuyên truyền CCHC"),
        ("2549/UBND", date(2023, 12, 22), "Công văn về việc đăng ký",
         "Công văn số 2549/UBND ngày 22/12/2023 về việc đăng ký"),
        ("880/QĐ-UBND", date(2024, 1, 12), "Văn bản về việc tuyên truyền",
         "Quyết định số 880/QĐ-UBND ngày 12/01/2024 về việc tuyên truyền"),
        ("1614/TB-UBND", None, "", "Thông báo số 1614/TB-UBND"),
        ("91-KL/TU", date(2024, 1, 3), "Kết luận về cải cách hành chính",
         "Kết luận số 91-KL/TU ngày 03/01/2024 về cải cách hành chính"),
        ("05/TTr-UBND", date(2024, 2, 1), "Về việc xin chủ trương",
         "Tờ trình số 05/TTr-UBND ngày 01/02/2024 về việc xin chủ trương"),
    ],
)
def test_documents_are_cited_in_the_usual_form(number, day, summary, expected):
    assert document_reference(number, day, summary) == expected
