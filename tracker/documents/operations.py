"""Entering, changing and cancelling issued documents; the evidence of a task finds its entry.

Operations flush and never commit; each checks the permission (core.permissions) and writes
through the audited model. The unit's row is held while an entry is added, so two requests
entering the same number one after the other see each other (the partial unique index is the
last word)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.clock import utcnow
from tracker.core.files import StoredFile
from tracker.core.formatting import format_date
from tracker.core.locking import hold, lock
from tracker.core.permissions import Action, authorize
from tracker.core.refusals import Refusal
from tracker.documents.models import DocumentKind, IssuedDocument
from tracker.documents.rules import (
    NUMBER_MAX,
    SIGNER_MAX,
    SUBJECT_MAX,
    kind_from_number,
    normal_number,
    number_key,
    validate_document,
)
from tracker.people.models import Officer, Unit

log = logging.getLogger("tracker.documents")


@dataclass
class DocumentInput:
    number: str = ""
    issued_on: date | None = None
    kind: DocumentKind | None = None  # None: the kind its symbol says
    subject: str = ""
    signer: str = ""
    directing_override: bool | None = None


def find_entry(
    session: Session, unit_id: int, number: str, year: int
) -> IssuedDocument | None:
    """The entry of the unit with this number in this year, not cancelled."""
    return session.scalar(
        select(IssuedDocument).where(
            IssuedDocument.unit_id == unit_id,
            IssuedDocument.year == year,
            IssuedDocument.number_key == number_key(number),
            IssuedDocument.cancelled_at.is_(None),
        )
    )


def input_errors(
    session: Session, unit_id: int, data: DocumentInput, today: date
) -> dict[str, str]:
    """What is wrong with an entry as typed (the form's and the import's rules): {field: msg}."""
    found = validate_document(data.number, data.issued_on, today)
    errors = {
        "number": found.get("document_number", ""),
        "issued_on": found.get("document_date", ""),
    }
    if len(normal_number(data.number)) > NUMBER_MAX:
        errors["number"] = _("Số văn bản dài quá %(max)s ký tự.", max=NUMBER_MAX)
    if len(data.subject.strip()) > SUBJECT_MAX:
        errors["subject"] = _("Trích yếu dài quá %(max)s ký tự.", max=SUBJECT_MAX)
    if len(data.signer.strip()) > SIGNER_MAX:
        errors["signer"] = _("Người ký dài quá %(max)s ký tự.", max=SIGNER_MAX)
    if not errors["number"] and data.issued_on is not None:
        existing = find_entry(session, unit_id, data.number, data.issued_on.year)
        if existing is not None:
            errors["number"] = _(
                "Số %(number)s năm %(year)s đã có trong sổ (ngày %(day)s).",
                number=existing.number,
                year=data.issued_on.year,
                day=format_date(existing.issued_on),
            )
    return {field: message for field, message in errors.items() if message}


def file_fields(file: StoredFile) -> dict:
    """A stored file's columns, as an entry and a task's evidence both hold them."""
    return {
        "file_name": file.file_name,
        "stored_name": file.stored_name,
        "content_type": file.content_type,
        "size_bytes": file.size_bytes,
        "sha256": file.sha256,
    }


def _new_entry(
    unit_id: int, data: DocumentInput, actor: Officer | None, file: StoredFile | None
) -> IssuedDocument:
    assert data.issued_on is not None
    number = normal_number(data.number)
    return IssuedDocument(
        unit_id=unit_id,
        number=number,
        number_key=number_key(number),
        year=data.issued_on.year,
        issued_on=data.issued_on,
        kind=data.kind or kind_from_number(number),
        subject=data.subject.strip(),
        signer=data.signer.strip(),
        directing_override=data.directing_override,
        added_by_id=actor.id if actor else None,
        **(file_fields(file) if file else {}),
    )


def add_documents(
    session: Session, unit: Unit, rows: list[DocumentInput], actor: Officer | None,
    today: date, file: StoredFile | None = None,
) -> list[IssuedDocument]:
    """Entries typed or imported by a leader or the focal officer: all of them, or a Refusal
    (the first row's errors by field; the import checks every row beforehand)."""
    authorize(actor, Action.MANAGE_REGISTER, unit)
    hold(session, Unit, unit.id)
    added = []
    for data in rows:
        errors = input_errors(session, unit.id, data, today)
        if errors:
            raise Refusal(errors)
        entry = _new_entry(unit.id, data, actor, file)
        session.add(entry)
        session.flush()  # the next row's duplicate check sees this one
        added.append(entry)
    log.info(
        "officer %s added %s issued documents, unit %s",
        actor.id if actor else None, len(added), unit.id,
    )
    return added


def update_document(
    session: Session, entry: IssuedDocument, actor: Officer, data: DocumentInput
) -> None:
    """Kind, subject, signer and the row 1.1 decision change; the number and date do not (the
    evidence of tasks cites them): a wrong one is cancelled and entered again."""
    authorize(actor, Action.MANAGE_REGISTER, entry.unit)
    entry = lock(session, entry)
    if entry.is_cancelled:
        raise Refusal(_("Văn bản đã bị hủy trong sổ, không sửa được."))
    errors = input_errors(
        session, entry.unit_id, DocumentInput(entry.number, entry.issued_on,
                                              subject=data.subject, signer=data.signer),
        entry.issued_on,
    )
    errors.pop("number", None)  # itself
    if errors:
        raise Refusal(errors)
    entry.kind = data.kind or entry.kind
    entry.subject = data.subject.strip()
    entry.signer = data.signer.strip()
    entry.directing_override = data.directing_override
    session.flush()
    log.info("officer %s edited issued document %s, unit %s", actor.id, entry.id, entry.unit_id)


def cancel_document(
    session: Session, entry: IssuedDocument, actor: Officer, *, reason: str
) -> None:
    """Cancelled (thu hồi, hủy) with its reason: kept, out of the counts; its number free."""
    authorize(actor, Action.MANAGE_REGISTER, entry.unit)
    reason = (reason or "").strip()
    if not reason:
        raise Refusal({"reason": _("Nhập lý do hủy văn bản.")})
    entry = lock(session, entry)
    if entry.is_cancelled:
        raise Refusal(_("Văn bản đã bị hủy trước đó."))
    entry.cancelled_at = utcnow()
    entry.cancelled_by_id = actor.id
    entry.cancel_reason = reason[:SUBJECT_MAX]
    session.flush()
    log.info("officer %s cancelled issued document %s, unit %s", actor.id, entry.id, entry.unit_id)


def entry_for_evidence(
    session: Session, unit_id: int, actor: Officer | None, *, number: str,
    issued_on: date, subject: str = "", file: StoredFile | None = None,
) -> IssuedDocument:
    """The register's entry for a task's evidence: the one with this number in that year, or
    a new one (any officer reporting a task done enters the document so). An entry with the
    number on another date is a refusal on the date: one number, one document."""
    hold(session, Unit, unit_id)
    entry = find_entry(session, unit_id, number, issued_on.year)
    if entry is None:
        entry = _new_entry(unit_id, DocumentInput(number, issued_on, subject=subject), actor, file)
        session.add(entry)
        session.flush()
        return entry
    if entry.issued_on != issued_on:
        raise Refusal(
            {
                "document_date": _(
                    "Văn bản %(number)s trong sổ văn bản đi có ngày %(day)s.",
                    number=entry.number,
                    day=format_date(entry.issued_on),
                )
            }
        )
    if file is not None and entry.stored_name is None:
        for name, value in file_fields(file).items():
            setattr(entry, name, value)
    return entry
