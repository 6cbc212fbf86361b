"""The demo ward's register: the seed report's 24 directing documents of Q1 2024."""

from __future__ import annotations

from datetime import date

from tracker.appendix.service import period_table
from tracker.documents.queries import directing_documents
from tracker.extensions import db

SIX_NOT_EVIDENCE = {"39/QĐ-UBND", "98/KH-UBND", "259/KH-UBND", "02/QĐ-UBND", "10/KH-UBND",
                    "11/KH-UBND"}


def test_row_1_1_of_q1_2024_is_the_seeds_24(demo):
    found = directing_documents(db.session, demo.ward.id, date(2023, 12, 14), date(2024, 3, 12))
    assert len(found) == 24
    assert {e.number for e in found} >= SIX_NOT_EVIDENCE
    assert [e.issued_on for e in found] == sorted(e.issued_on for e in found)
    assert period_table(db.session, demo.period)["1.1"].value == 24


def test_the_demo_evidence_is_register_entries(demo):
    from sqlalchemy import func, select

    from tracker.tasks.models import Evidence

    unlinked = db.session.scalar(
        select(func.count()).select_from(Evidence).where(
            Evidence.document_number != "", Evidence.document_id.is_(None)
        )
    )
    assert unlinked == 0
