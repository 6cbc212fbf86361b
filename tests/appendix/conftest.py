"""The demo ward loaded, its Q1 2024 period, and its focal officer and chairperson."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tracker.appendix.models import ReportingPeriod
from tracker.demo.loader import load_demo
from tracker.extensions import db
from tracker.people.models import Officer, Unit

DEMO_PASSWORD = "vinhhoa2024"
FOCAL_EMAIL = "vanphong@vinhhoa.example"
CHAIR_EMAIL = "chutich@vinhhoa.example"


@dataclass
class Demo:
    ward: Unit
    period: ReportingPeriod
    focal: Officer
    chair: Officer


@pytest.fixture
def demo(app, demo_database) -> Demo:
    result = load_demo(db.session)  # already loaded: finds the ward, creates nothing
    db.session.commit()
    period = db.session.scalar(
        select(ReportingPeriod).where(ReportingPeriod.unit_id == result.ward.id)
    )

    def officer(email: str) -> Officer:
        return db.session.scalar(select(Officer).where(Officer.email == email))

    return Demo(result.ward, period, officer(FOCAL_EMAIL), officer(CHAIR_EMAIL))


# The dossier figures of the seed report (Q1 2024), as the focal officer types them.
REPORT_FIGURES = {
    "3.2.1.a": "186",
    "3.2.1.b": "181",
    "3.2.1.c": "181",
    "4.1.a": "23",
    "4.1.b": "20",
    "4.1.c": "03",
    "4.1.d": "0",
    "4.1.e1": "24",
    "4.1.e2": "0",
    "6.1.a": "12.175",
    "6.1.b": "7.972",
    "7.6.3.a": "146",
    "7.6.3.b": "91",
    "7.6.4.d": "32",
    "7.6.4.e": "216.000",
}
