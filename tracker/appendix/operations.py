"""What changes the appendix: periods, typed figures, submitting and reopening.

Operations take the session and plain values, flush and never commit (the view or the CLI
does, once); every change is audited through the models' `Audited` mixin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.appendix.indicators import Indicator, Tree
from tracker.appendix.models import (
    EnteredFigure,
    FigureMark,
    PeriodKind,
    PeriodState,
    ReportDraft,
    ReportingPeriod,
)
from tracker.appendix.queries import entered_marks, entered_values, load_figures
from tracker.appendix.report import SECTION_KEYS, SIGNER_TITLES
from tracker.appendix.service import Checks, check_values, period_table, tree_of
from tracker.appendix.table import Value, effective_values, table_figures, table_snapshot
from tracker.appendix.validation import MAX_NOTE, Problem, parse_figure
from tracker.core.audit import current_actor_id
from tracker.core.dates import parse_date
from tracker.core.locking import hold
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Unit

log = logging.getLogger("tracker.appendix")
MAX_LABEL = 100


def _clean(text: str | None) -> str:
    """One line of text: control characters (NUL included, which PostgreSQL refuses) become
    spaces, runs of spaces one."""
    return " ".join("".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch
                             for ch in (text or "")).split())


def check_period(label: str, start: date, end: date) -> tuple[str, dict[str, str]]:
    """A period's name cleaned, and what is wrong with it and its dates (a unit's period, or
    one a province opens for its communes)."""
    errors: dict[str, str] = {}
    label = _clean(label)
    if not label:
        errors["label"] = _("Nhập tên kỳ báo cáo (ví dụ: Quý I năm 2024).")
    elif len(label) > MAX_LABEL:
        errors["label"] = _("Tên kỳ báo cáo tối đa %(n)s ký tự.", n=MAX_LABEL)
    if end < start:
        errors["end"] = _("Ngày chốt số liệu phải sau ngày bắt đầu kỳ báo cáo.")
    return label, errors


def create_period(
    session: Session, unit: Unit, kind: PeriodKind, label: str, start: date, end: date
) -> ReportingPeriod:
    label, errors = check_period(label, start, end)
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
class FigureInput:
    """What the table's form carries: typed figures and notes by row key (every typed row's
    input is on the form, so an empty one clears its figure), and the rows ticked
    "Không phát sinh"."""

    values: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    not_arising: set[str] = field(default_factory=set)


@dataclass
class Prepared:
    """The typed rows as they will stand once the input is saved: checked, not written."""

    existing: dict[str, EnteredFigure]
    values: dict[str, Value]
    marks: dict[str, FigureMark]
    notes: dict[str, str]
    checks: Checks


@dataclass
class SaveResult:
    changed: int
    checks: Checks


@dataclass
class FreezeSummary:
    """What the focal officer confirms before freezing."""

    typed: list[Indicator]  # a figure typed
    not_arising: list[Indicator]  # "Không phát sinh" stated
    blank: list[Indicator]  # nothing: each must be confirmed as left blank on purpose
    confirmed: set[str]  # blank rows already confirmed (a period reopened)
    warnings: list[Problem]
    acknowledged: set[str]
    tree: Tree | None = None  # to name the rows as printed (Tree.name_of)


def _refuse_if_submitted(period: ReportingPeriod) -> None:
    if period.is_submitted:
        raise Refusal({"": _(
            "Số liệu của kỳ này đã được chốt; cần Chủ tịch mở lại để sửa."
        )})


def _unknown_row() -> str:
    return _("Có chỉ tiêu không có trong Phụ lục 1; đã không lưu.")


def prepare_figures(session: Session, period: ReportingPeriod, form: FigureInput) -> Prepared:
    """Parse and check every typed figure against the saved ones; a Refusal, or what the rows
    will be. Writes nothing."""
    _refuse_if_submitted(period)
    tree = tree_of(period)
    errors: dict[str, str] = {}
    existing = load_figures(session, [period.id])[period.id]
    values = {key: f.value for key, f in existing.items()}
    marks = {key: f.mark for key, f in existing.items()}
    notes = {key: f.note for key, f in existing.items()}
    for key in sorted(set(form.values) | form.not_arising):
        row = tree.by_key.get(key)
        if row is None:
            errors[""] = _unknown_row()
            continue
        if not row.is_entered:
            errors[key] = _(
                "“%(code)s” được tính tự động (tỷ lệ từ các số liệu thành phần, hoặc từ nhiệm "
                "vụ): không nhập tay.", code=tree.name_of(row.key),
            )
            continue
        value, problem = parse_figure(form.values.get(key, ""), row)
        if problem:
            errors[key] = problem
        elif key in form.not_arising:
            if value is not None:
                errors[key] = _(
                    "Đã chọn “Không phát sinh”: để trống ô số liệu, hoặc bỏ chọn "
                    "“Không phát sinh”."
                )
            else:
                values[key], marks[key] = None, FigureMark.NOT_ARISING
        elif value is not None or marks.get(key) is not FigureMark.NO_DATA:
            # A blank confirmed at a freeze stays confirmed until a figure is typed.
            values[key], marks[key] = value, FigureMark.TYPED
    for key, note in form.notes.items():
        # Any row but a section carries a note ("Còn 05 hồ sơ chưa đến hạn" on the rate
        # 3.2.1); on a rate from the tasks it replaces the plan named by default.
        if key not in tree.by_key or tree[key].kind == "section":
            errors[""] = _unknown_row()
            continue
        note = _clean(note)
        if len(note) > MAX_NOTE:
            errors[key] = _("Ghi chú tối đa %(n)s ký tự.", n=MAX_NOTE)
        notes[key] = note
    checks = Checks()
    if not errors:
        checks = check_values(session, period, effective_values(tree, values, marks))
        for problem in checks.errors:
            errors.setdefault(problem.key, problem.message)
    if errors:
        raise Refusal(errors)
    return Prepared(existing, values, marks, notes, checks)


def _write(session: Session, period: ReportingPeriod, prepared: Prepared) -> int:
    changed = 0
    for key in sorted(set(prepared.values) | set(prepared.notes) | set(prepared.marks)):
        value, note = prepared.values.get(key), prepared.notes.get(key, "")
        mark = prepared.marks.get(key, FigureMark.TYPED)
        figure = prepared.existing.get(key)
        if figure is None:
            if value is None and not note and mark is FigureMark.TYPED:
                continue
            session.add(EnteredFigure(
                period_id=period.id, unit_id=period.unit_id, key=key, value=value, note=note,
                mark=mark,
            ))
            changed += 1
        elif (figure.value, figure.note, figure.mark) != (value, note, mark):
            figure.value, figure.note, figure.mark = value, note, mark
            changed += 1
    return changed


def save_figures(
    session: Session,
    period: ReportingPeriod,
    form: FigureInput,
    acknowledged: set[str] | None = None,
) -> SaveResult:
    """Parse and check every typed figure; save them all or none (a Refusal)."""
    prepared = prepare_figures(session, period, form)
    changed = _write(session, period, prepared)
    if acknowledged is not None:
        period.acknowledged = sorted(acknowledged & {w.id for w in prepared.checks.warnings})
    session.flush()
    log.info(
        "officer %s saved %s figures of reporting period %s, unit %s",
        current_actor_id(),
        changed,
        period.id,
        period.unit_id,
    )
    return SaveResult(changed, prepared.checks)


def current_checks(
    session: Session, period: ReportingPeriod, figures: dict[str, EnteredFigure] | None = None
) -> Checks:
    if figures is None:
        figures = load_figures(session, [period.id])[period.id]
    values = effective_values(tree_of(period), entered_values(figures), entered_marks(figures))
    return check_values(session, period, values)


def _summary(
    tree: Tree, values: dict[str, Value], marks: dict[str, FigureMark], checks: Checks,
    acknowledged: set[str],
) -> FreezeSummary:
    summary = FreezeSummary([], [], [], set(), checks.warnings,
                            acknowledged & {w.id for w in checks.warnings}, tree)
    for row in tree.entered:
        mark = marks.get(row.key)
        if values.get(row.key) is not None:
            summary.typed.append(row)
        elif mark is FigureMark.NOT_ARISING:
            summary.not_arising.append(row)
        else:
            summary.blank.append(row)
            if mark is FigureMark.NO_DATA:
                summary.confirmed.add(row.key)
    return summary


def preview_freeze(
    session: Session, period: ReportingPeriod, form: FigureInput | None, acknowledged: set[str]
) -> FreezeSummary:
    """What freezing with this input would freeze, for the officer to confirm: a Refusal if
    the input cannot be saved. Writes nothing."""
    prepared = prepare_figures(session, period, form or FigureInput())
    known = acknowledged | set(period.acknowledged or []) if form is None else acknowledged
    return _summary(tree_of(period), prepared.values, prepared.marks, prepared.checks, known)


def _code_list(tree: Tree, rows: list[Indicator], limit: int = 5) -> str:
    names = [f"“{tree.name_of(row.key)}”" for row in rows]
    return "; ".join(names[:limit]) + ("; …" if len(names) > limit else "")


def submit_period(
    session: Session,
    period: ReportingPeriod,
    officer: Officer,
    acknowledged: set[str],
    now: datetime,
    form: FigureInput | None = None,
    confirmed_blank: frozenset[str] | set[str] = frozenset(),
) -> ReportingPeriod:
    """Chốt số liệu: the figures on the page saved first (all or none), every warning
    acknowledged, every row left blank confirmed as such, no error; then the table is frozen
    as it is now. One transaction: a Refusal leaves nothing saved."""
    _refuse_if_submitted(period)
    if form is not None:
        save_figures(session, period, form, acknowledged)
    else:
        acknowledged = acknowledged | set(period.acknowledged or [])
    figures = load_figures(session, [period.id])[period.id]
    tree = tree_of(period)
    values, marks = entered_values(figures), entered_marks(figures)
    checks = check_values(session, period, effective_values(tree, values, marks))
    if checks.errors:
        raise Refusal({p.key: p.message for p in checks.errors})
    pending = checks.unacknowledged(acknowledged)
    if pending:
        raise Refusal({"": _(
            "Còn %(n)s cảnh báo chưa được xác nhận đã kiểm tra: %(first)s",
            n=len(pending), first=pending[0].message,
        )})
    summary = _summary(tree, values, marks, checks, acknowledged)
    unconfirmed = [row for row in summary.blank if row.key not in confirmed_blank]
    if unconfirmed:
        raise Refusal({"blank": _(
            "Còn %(n)s dòng chưa nhập số liệu chưa được xác nhận để trống: %(codes)s. Nhập số "
            "liệu, chọn “Không phát sinh”, hoặc xác nhận từng dòng để trống.",
            n=len(unconfirmed), codes=_code_list(tree, unconfirmed),
        )})
    for row in summary.blank:
        figure = figures.get(row.key)
        if figure is None:
            session.add(EnteredFigure(period_id=period.id, unit_id=period.unit_id, key=row.key,
                                      value=None, note="", mark=FigureMark.NO_DATA))
        elif figure.mark is not FigureMark.NO_DATA:
            figure.mark = FigureMark.NO_DATA
    session.flush()
    table = period_table(session, period)
    period.snapshot = table_snapshot(table)
    period.figures = table_figures(table)
    period.acknowledged = sorted({w.id for w in checks.warnings})
    period.state = PeriodState.SUBMITTED
    period.submitted_by_id = officer.id
    period.submitted_at = now
    session.flush()
    log.info(
        "officer %s submitted reporting period %s, unit %s (%s typed, %s not arising, %s blank)",
        officer.id, period.id, period.unit_id, len(summary.typed), len(summary.not_arising),
        len(summary.blank),
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
    period.figures = None
    period.reopened_by_id = officer.id
    period.reopened_at = now
    period.reopen_reason = reason
    session.flush()
    log.info(
        "officer %s reopened reporting period %s, unit %s", officer.id, period.id, period.unit_id
    )
    return period


__all__ = [
    "FigureInput",
    "FreezeSummary",
    "Problem",
    "check_period",
    "create_period",
    "current_checks",
    "prepare_figures",
    "preview_freeze",
    "reopen_period",
    "save_figures",
    "submit_period",
]


@dataclass
class ReportInput:
    """The report page's form as posted: details, and the officer's text per section."""

    number: str = ""
    report_date: str = ""
    signer_name: str = ""
    signer_title: str = ""
    addressee: str = ""
    recipients: str = ""
    texts: dict[str, str] = field(default_factory=dict)


MAX_REPORT_TEXT = 20_000  # a section's own text: pages of prose, never a pasted book


def save_report_draft(session: Session, period: ReportingPeriod, form: ReportInput
                      ) -> ReportDraft:
    """Check and save the report's details and texts of a period, all or none (audited)."""
    errors: dict[str, str] = {}
    day = None
    if form.report_date.strip():
        day = parse_date(form.report_date)
        if day is None:
            errors["report_date"] = _("Ngày báo cáo không hợp lệ (dd/mm/yyyy).")
        elif day < period.end:
            errors["report_date"] = _("Ngày báo cáo không được trước ngày chốt số liệu %(end)s.",
                                      end=f"{period.end:%d/%m/%Y}")
    limits = {"number": 50, "signer_name": 200, "addressee": 500, "recipients": 2000}
    for name, limit in limits.items():
        if len(getattr(form, name).strip()) > limit:
            errors[name] = _("Tối đa %(n)s ký tự.", n=limit)
    if form.signer_title and form.signer_title not in SIGNER_TITLES:
        errors["signer_title"] = _("Chọn chức vụ người ký.")
    for key, text in form.texts.items():
        if key not in SECTION_KEYS:
            errors[""] = _("Phần báo cáo không hợp lệ.")
        elif len(text) > MAX_REPORT_TEXT:
            errors[f"text-{key}"] = _("Tối đa %(n)s ký tự.", n=MAX_REPORT_TEXT)
    if errors:
        raise Refusal(errors)
    # The period is the turnstile: two first saves at once must not both insert the draft.
    hold(session, ReportingPeriod, period.id)
    draft = session.scalar(select(ReportDraft).where(ReportDraft.period_id == period.id))
    if draft is None:
        draft = ReportDraft(period_id=period.id, unit_id=period.unit_id, texts={})
        session.add(draft)
    draft.number = form.number.strip()
    draft.report_date = day
    draft.signer_name = " ".join(form.signer_name.split())
    draft.signer_title = form.signer_title
    draft.signer_authority = SIGNER_TITLES.get(form.signer_title, "")
    draft.addressee = " ".join(form.addressee.split())
    draft.recipients = "\n".join(
        line.strip() for line in form.recipients.splitlines() if line.strip())
    # A new dict, so the change is seen (and audited) as a change of the column.
    draft.texts = {key: text.strip() for key, text in form.texts.items() if text.strip()}
    session.flush()
    log.info("officer %s saved the report draft of period %s", current_actor_id(), period.id)
    return draft
