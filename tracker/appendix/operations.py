"""What changes the appendix: periods, typed figures, submitting and reopening.

Operations take the session and plain values, flush and never commit (the view or the CLI
does, once); every change is audited through the models' `Audited` mixin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.appendix.models import EnteredFigure, PeriodKind, PeriodState, ReportingPeriod
from tracker.appendix.queries import load_figures
from tracker.appendix.service import Checks, check_values, period_table, tree_of
from tracker.appendix.table import table_snapshot
from tracker.appendix.validation import MAX_NOTE, Problem, parse_figure
from tracker.core.audit import current_actor_id
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Unit

log = logging.getLogger("tracker.appendix")
MAX_LABEL = 100


def _clean(text: str | None) -> str:
    """One line of text: control characters (NUL included, which PostgreSQL refuses) become
    spaces, runs of spaces one."""
    return " ".join("".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch
                             for ch in (text or "")).split())


def create_period(
    session: Session, unit: Unit, kind: PeriodKind, label: str, start: date, end: date
) -> ReportingPeriod:
    errors: dict[str, str] = {}
    label = _clean(label)
    if not label:
        errors["label"] = _("Nhập tên kỳ báo cáo (ví dụ: Quý I năm 2024).")
    elif len(label) > MAX_LABEL:
        errors["label"] = _("Tên kỳ báo cáo tối đa %(n)s ký tự.", n=MAX_LABEL)
    if end < start:
        errors["end"] = _("Ngày chốt số liệu phải sau ngày bắt đầu kỳ báo cáo.")
    if not errors and session.scalar(
        select(ReportingPeriod.id).where(
            ReportingPeriod.unit_id == unit.id,
            ReportingPeriod.kind == kind,
            ReportingPeriod.start == start,
            ReportingPeriod.end == end,
        )
    ):
        errors[""] = _("Kỳ báo cáo này đã có.")
    if errors:
        raise Refusal(errors)
    period = ReportingPeriod(
        unit_id=unit.id, kind=kind, label=label, start=start, end=end, acknowledged=[]
    )
    session.add(period)
    session.flush()
    log.info(
        "officer %s created reporting period %s, unit %s", current_actor_id(), period.id, unit.id
    )
    return period


@dataclass
class SaveResult:
    changed: int
    checks: Checks


def _refuse_if_submitted(period: ReportingPeriod) -> None:
    if period.is_submitted:
        raise Refusal({"": _(
            "Số liệu của kỳ này đã được chốt; cần Chủ tịch mở lại để sửa."
        )})


def save_figures(
    session: Session,
    period: ReportingPeriod,
    raw_values: dict[str, str],
    raw_notes: dict[str, str],
    acknowledged: set[str] | None = None,
) -> SaveResult:
    """Parse and check every typed figure; save them all or none (a Refusal)."""
    _refuse_if_submitted(period)
    tree = tree_of(period)
    errors: dict[str, str] = {}
    existing = load_figures(session, [period.id])[period.id]
    values = {key: f.value for key, f in existing.items()}
    notes = {key: f.note for key, f in existing.items()}
    for key, raw in raw_values.items():
        row = tree.by_key.get(key)
        if row is None:
            errors[""] = _("Có chỉ tiêu không có trong Phụ lục 1; đã không lưu.")
            continue
        if not row.is_entered:
            errors[key] = _(
                "“%(code)s” được tính tự động (tỷ lệ từ các số liệu thành phần, hoặc từ nhiệm "
                "vụ): không nhập tay.", code=row.code or row.key,
            )
            continue
        value, problem = parse_figure(raw, row)
        if problem:
            errors[key] = problem
        else:
            values[key] = value
    for key, note in raw_notes.items():
        # Computed rows carry their own note (the plan behind a rate); sections have none.
        if key not in tree.by_key or tree[key].kind not in ("entered", "heading"):
            errors[""] = _("Có chỉ tiêu không có trong Phụ lục 1; đã không lưu.")
            continue
        note = _clean(note)
        if len(note) > MAX_NOTE:
            errors[key] = _("Ghi chú tối đa %(n)s ký tự.", n=MAX_NOTE)
        notes[key] = note
    if not errors:
        checks = check_values(session, period, values)
        for problem in checks.errors:
            errors.setdefault(problem.key, problem.message)
    if errors:
        raise Refusal(errors)
    changed = 0
    for key in set(values) | set(notes):
        value, note = values.get(key), notes.get(key, "")
        figure = existing.get(key)
        if figure is None:
            if value is None and not note:
                continue
            session.add(EnteredFigure(
                period_id=period.id, unit_id=period.unit_id, key=key, value=value, note=note
            ))
            changed += 1
        elif figure.value != value or figure.note != note:
            figure.value, figure.note = value, note
            changed += 1
    if acknowledged is not None:
        period.acknowledged = sorted(acknowledged & {w.id for w in checks.warnings})
    session.flush()
    log.info(
        "officer %s saved %s figures of reporting period %s, unit %s",
        current_actor_id(),
        changed,
        period.id,
        period.unit_id,
    )
    return SaveResult(changed, checks)


def current_checks(session: Session, period: ReportingPeriod) -> Checks:
    values = {k: f.value for k, f in load_figures(session, [period.id])[period.id].items()}
    return check_values(session, period, values)


def submit_period(
    session: Session, period: ReportingPeriod, officer: Officer, acknowledged: set[str],
    now: datetime,
) -> ReportingPeriod:
    """Chốt số liệu: every warning acknowledged, no error; the table is frozen as it is now."""
    _refuse_if_submitted(period)
    checks = current_checks(session, period)
    if checks.errors:
        raise Refusal({p.key: p.message for p in checks.errors})
    pending = checks.unacknowledged(acknowledged | set(period.acknowledged or []))
    if pending:
        raise Refusal({"": _(
            "Còn %(n)s cảnh báo chưa được xác nhận đã kiểm tra: %(first)s",
            n=len(pending), first=pending[0].message,
        )})
    table = period_table(session, period)
    period.snapshot = table_snapshot(table)
    period.acknowledged = sorted({w.id for w in checks.warnings})
    period.state = PeriodState.SUBMITTED
    period.submitted_by_id = officer.id
    period.submitted_at = now
    session.flush()
    log.info(
        "officer %s submitted reporting period %s, unit %s", officer.id, period.id, period.unit_id
    )
    return period


def reopen_period(
    session: Session, period: ReportingPeriod, officer: Officer, reason: str, now: datetime
) -> ReportingPeriod:
    if not period.is_submitted:
        raise Refusal({"": _("Kỳ báo cáo này chưa chốt số liệu.")})
    reason = _clean(reason)
    if not reason:
        raise Refusal({"reason": _("Nêu lý do mở lại số liệu đã chốt.")})
    if len(reason) > MAX_NOTE:
        raise Refusal({"reason": _("Lý do tối đa %(n)s ký tự.", n=MAX_NOTE)})
    period.state = PeriodState.OPEN
    period.snapshot = None
    period.reopened_by_id = officer.id
    period.reopened_at = now
    period.reopen_reason = reason
    session.flush()
    log.info(
        "officer %s reopened reporting period %s, unit %s", officer.id, period.id, period.unit_id
    )
    return period


__all__ = [
    "Problem",
    "create_period",
    "current_checks",
    "reopen_period",
    "save_figures",
    "submit_period",
]
