"""A merger's Phụ lục 1 periods (plans.merging, listed in tracker.configure_merging).

The new unit gets, once per (kind, start, end), every period still open in an old unit and
every period of the provinces above it whose report is not due yet (or still open in an old
unit), with the same label, dates, due date, tree and province period: it is among the
communes the province collects. Typed figures are not copied (the new unit's focal officer
types its own; counts of several units are not simply added up); the old units' periods stay
as they are, readable, among the province's reports of those periods."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.appendix.models import PeriodState, ProvincePeriod, ReportingPeriod
from tracker.core import clock
from tracker.people.models import Unit
from tracker.plans.merging import Carried, MergeContext


def _above(unit: Unit | None) -> list[int]:
    ids = []
    while unit is not None:
        ids.append(unit.id)
        unit = unit.parent
    return ids


def periods_to_open(
    session: Session, context: MergeContext
) -> list[ReportingPeriod | ProvincePeriod]:
    ids = [u.id for u in context.sources]
    still_open = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.unit_id.in_(ids), ReportingPeriod.state == PeriodState.OPEN)
            .order_by(ReportingPeriod.end, ReportingPeriod.id)
        )
    )
    open_in_old = {p.province_period_id for p in still_open if p.province_period_id}
    above = _above(context.parent)
    found: dict[tuple, ReportingPeriod | ProvincePeriod] = {}
    if above:
        for period in session.scalars(
            select(ProvincePeriod)
            .where(ProvincePeriod.unit_id.in_(above))
            .order_by(ProvincePeriod.end, ProvincePeriod.id)
        ):
            if period.due_on >= clock.today() or period.id in open_in_old:
                found.setdefault((period.kind, period.start, period.end), period)
    for period in still_open:
        found.setdefault((period.kind, period.start, period.end), period)
    return sorted(found.values(), key=lambda p: (p.end, p.start))


def carry_periods(session: Session, context: MergeContext) -> Carried:
    periods = periods_to_open(session, context)
    lines = (
        [
            _(
                "Kỳ báo cáo Phụ lục 1 mở cho đơn vị mới: %(labels)s (số liệu nhập tay không "
                "chuyển; bảng của đơn vị cũ giữ nguyên).",
                labels=", ".join(p.label for p in periods),
            )
        ]
        if periods
        else []
    )

    def apply(new: Unit) -> None:
        for period in periods:
            from_province = isinstance(period, ProvincePeriod)
            session.add(
                ReportingPeriod(
                    unit_id=new.id,
                    kind=period.kind,
                    label=period.label,
                    start=period.start,
                    end=period.end,
                    due_on=period.due_on,
                    tree_id=period.tree_id,
                    province_period_id=period.id if from_province else period.province_period_id,
                    acknowledged=[],
                )
            )

    return Carried(lines, apply)
