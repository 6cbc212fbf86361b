"""The register's pages: the list (filters, .xlsx), typing an entry, its page (details, the
row 1.1 decision, cancelling, its tasks and history), the import with its preview."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.core.clock import today
from tracker.core.dates import parse_date
from tracker.core.downloads import file_name
from tracker.core.files import send_stored, store_upload
from tracker.core.formatting import format_date
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Refusal, show_refusal
from tracker.core.spreadsheets import xlsx_download
from tracker.core.transactions import discard
from tracker.documents.exporting import register_xlsx
from tracker.documents.forms import (
    OVERRIDES,
    CancelForm,
    ConfirmImportForm,
    DetailsForm,
    DocumentForm,
    ImportForm,
)
from tracker.documents.importing import check_documents, parse_documents
from tracker.documents.models import DocumentKind, IssuedDocument
from tracker.documents.operations import (
    DocumentInput,
    add_documents,
    cancel_document,
    update_document,
)
from tracker.documents.queries import RegisterFilter, entry_or_404, register_entries
from tracker.documents.rules import kind_labels
from tracker.extensions import db
from tracker.people.history import readable_history
from tracker.people.queries import unit_or_404
from tracker.plans.importing import ImportProblems

bp = Blueprint("documents", __name__)


def _filter() -> tuple[RegisterFilter, dict[str, str]]:
    """The list's filter from the query string; what cannot be read is left out, not a 400."""
    args = {k: (request.args.get(k) or "").strip()[:200] for k in ("from", "to", "kind", "q")}
    start, end = parse_date(args["from"]), parse_date(args["to"])
    if not args["from"] and not args["to"]:
        start = date(today().year, 1, 1)
        args["from"] = format_date(start)
    try:
        kind = DocumentKind(args["kind"]) if args["kind"] else None
    except ValueError:
        kind = None
    wanted = RegisterFilter(
        start=start, end=end, kind=kind, q=args["q"].replace("\x00", ""),
        cancelled=request.args.get("cancelled") == "1",
        directing=request.args.get("directing") == "1",
    )
    return wanted, args


@bp.route("/units/<unit_code>/documents")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    wanted, args = _filter()
    entries = register_entries(db.session, unit.id, wanted)
    return render_template(
        "documents/index.html", unit=unit, entries=entries, wanted=wanted, args=args,
        kinds=kind_labels(), may_manage=can(current_user, Action.MANAGE_REGISTER, unit),
        directing=sum(1 for e in entries if e.directs_reform and not e.is_cancelled),
    )


@bp.route("/units/<unit_code>/documents/export.xlsx")
@login_required
def export(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    wanted, _args = _filter()
    entries = sorted(register_entries(db.session, unit.id, wanted),
                     key=lambda e: (e.issued_on, e.id))
    caption = ""
    if wanted.start or wanted.end:
        caption = "(" + " – ".join(format_date(d) for d in (wanted.start, wanted.end) if d) + ")"
    content = register_xlsx(unit.name, caption, entries)
    return xlsx_download(content, file_name(f"So van ban di {unit.code}"))


def _listing(unit, days: list[date]) -> str:
    """The list from the first of January of the earliest document just entered: they show."""
    start = date(min(days).year, 1, 1)
    return url_for("documents.index", unit_code=unit.code, **{"from": format_date(start)})


def _input(form: DetailsForm) -> DocumentInput:
    return DocumentInput(
        kind=DocumentKind(form.kind.data) if form.kind.data else None,
        subject=form.subject.data or "",
        signer=form.signer.data or "",
        directing_override=OVERRIDES.get(form.directing.data or ""),
    )


@bp.route("/units/<unit_code>/documents/new", methods=["GET", "POST"])
@login_required
def new(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_REGISTER, unit)
    form = DocumentForm()
    if form.validate_on_submit():
        data = _input(form)
        data.number, data.issued_on = form.number.data or "", form.issued_on.date
        try:
            stored = store_upload(form.file.data)
            (entry,) = add_documents(db.session, unit, [data], current_user, today(), stored)
        except Refusal as refusal:
            show_refusal(refusal, form)
            return render_template("documents/new.html", unit=unit, form=form), 422
        flash(_("Đã vào sổ văn bản %(number)s.", number=entry.number), "success")
        return redirect(_listing(unit, [entry.issued_on]))
    status = 422 if form.is_submitted() else 200
    return render_template("documents/new.html", unit=unit, form=form), status


def _evidence_of(entry: IssuedDocument):
    from tracker.tasks.models import Evidence  # the tasks citing it (an area above: read only)

    return db.session.scalars(
        select(Evidence)
        .where(Evidence.document_id == entry.id)
        .options(selectinload(Evidence.task))
        .order_by(Evidence.id)
    ).all()


@bp.route("/documents/<int:entry_id>", methods=["GET", "POST"])
@login_required
def detail(entry_id: int):
    entry = entry_or_404(entry_id)
    authorize(current_user, Action.VIEW_UNIT, entry.unit)
    form = DetailsForm(obj=None if request.method == "POST" else entry)
    if request.method == "GET":
        form.kind.data = entry.kind.value
        form.directing.data = {None: "", True: "yes", False: "no"}[entry.directing_override]
    status = 200
    if request.method == "POST":
        authorize(current_user, Action.MANAGE_REGISTER, entry.unit)
        if form.validate_on_submit():
            try:
                update_document(db.session, entry, current_user, _input(form))
            except Refusal as refusal:
                show_refusal(refusal, form)
                status = 422
            else:
                flash(_("Đã lưu."), "success")
                return redirect(url_for("documents.detail", entry_id=entry.id))
        else:
            status = 422
    return render_template(
        "documents/detail.html", entry=entry, form=form, cancel_form=CancelForm(),
        kinds=kind_labels(), evidence=_evidence_of(entry),
        may_manage=can(current_user, Action.MANAGE_REGISTER, entry.unit),
        history=readable_history(db.session, _history_of(entry), ("cancelled_by_id",)),
    ), status


def _history_of(entry: IssuedDocument):
    from tracker.core.audit import AuditEvent

    return (AuditEvent.entity_type == "issued_documents") & (AuditEvent.entity_id == entry.id)


@bp.route("/documents/<int:entry_id>/cancel", methods=["POST"])
@login_required
def cancel(entry_id: int):
    entry = entry_or_404(entry_id)
    authorize(current_user, Action.MANAGE_REGISTER, entry.unit)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Lý do hủy dài quá."), "danger")
    else:
        try:
            cancel_document(db.session, entry, current_user, reason=form.reason.data or "")
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash(_("Đã hủy văn bản %(number)s trong sổ.", number=entry.number), "success")
    return redirect(url_for("documents.detail", entry_id=entry.id))


@bp.route("/documents/<int:entry_id>/file")
@login_required
def file(entry_id: int):
    entry = entry_or_404(entry_id)
    authorize(current_user, Action.VIEW_UNIT, entry.unit)
    if not entry.stored_name:
        abort(404)
    return send_stored(f"issued document {entry.id}", entry.stored_name, entry.sha256,
                       entry.content_type, entry.file_name)


def _payload(rows: list[DocumentInput]) -> str:
    return json.dumps([
        {"number": r.number, "issued_on": r.issued_on.isoformat() if r.issued_on else None,
         "kind": r.kind.value if r.kind else None, "subject": r.subject, "signer": r.signer}
        for r in rows
    ], ensure_ascii=False)


def _rows_from(payload: str) -> list[DocumentInput]:
    """The previewed rows as sent back; checked again as if typed (anything odd: a 400)."""
    try:
        items = json.loads(payload)
        rows = [
            DocumentInput(
                number=str(i["number"]), issued_on=date.fromisoformat(i["issued_on"]),
                kind=DocumentKind(i["kind"]) if i["kind"] else None,
                subject=str(i["subject"]), signer=str(i["signer"]),
            )
            for i in items
        ]
    except (ValueError, TypeError, KeyError):
        abort(400)
    if not rows:
        abort(400)
    return rows


@bp.route("/units/<unit_code>/documents/import", methods=["GET", "POST"])
@login_required
def import_file(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_REGISTER, unit)
    form, confirm = ImportForm(), ConfirmImportForm()
    problems: list[str] = []
    preview: list[DocumentInput] = []
    if request.method == "POST" and "payload" in request.form:
        if not confirm.validate_on_submit():
            abort(400)
        rows = _rows_from(confirm.payload.data or "")
        try:
            added = add_documents(db.session, unit, rows, current_user, today())
        except Refusal as refusal:
            discard()
            problems = list(refusal.errors.values())
        else:
            flash(_("Đã nhập %(n)s văn bản vào sổ.", n=len(added)), "success")
            return redirect(_listing(unit, [e.issued_on for e in added]))
    elif form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = parse_documents(upload.filename or "", upload.read())
            check_documents(db.session, unit.id, parsed, today())
        except ImportProblems as exc:
            problems = exc.messages
        else:
            preview = [row.data for row in parsed]
            confirm.payload.data = _payload(preview)
    return render_template(
        "documents/import.html", unit=unit, form=form, confirm=confirm, problems=problems,
        preview=preview, kinds=kind_labels(),
    ), (422 if problems else 200)
