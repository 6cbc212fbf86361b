"""Issued documents from the .xlsx a document-management system exports: all rows or none.

Read with the plan import's readers (plans.importing: the workbook's rows, cell text, the
problem list with its row numbers), like the officers' import; the header row is found among the
first rows by its words ("Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Người
ký"; with or without diacritics, in any order). Every row is checked by the form's rules
(documents.operations.input_errors), plus a number repeated in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tracker.core.dates import parse_date
from tracker.documents.models import DocumentKind
from tracker.documents.operations import DocumentInput, input_errors
from tracker.documents.rules import kind_labels, number_key
from tracker.plans.importing import HEADER_SEARCH_ROWS, MAX_ROWS, ImportProblems, Problem
from tracker.plans.importing.cells import fold
from tracker.plans.importing.problems import _
from tracker.plans.importing.table import header_rows

NUMBER, ISSUED_ON, KIND, SUBJECT, SIGNER = "number", "issued_on", "kind", "subject", "signer"
REQUIRED = (NUMBER, ISSUED_ON)
# Checked in this order; the first column whose words a header cell holds wins.
_HEADER_WORDS = (
    (ISSUED_ON, ("ngay ban hanh", "ngay van ban", "ngay ky", "ngay thang")),
    (KIND, ("loai van ban", "the loai", "loai")),
    (SUBJECT, ("trich yeu", "noi dung")),
    (SIGNER, ("nguoi ky", "lanh dao ky", "ky duyet")),
    (NUMBER, ("so ky hieu", "so van ban", "so hieu", "ky hieu", "so")),
)


@dataclass(frozen=True, slots=True)
class DocumentRow:
    line: int
    data: DocumentInput
    problems: tuple[str, ...] = ()  # what the row says that cannot be read (a date, a kind)


def _kind_names() -> dict[str, DocumentKind]:
    names = {fold(label): kind for kind, label in kind_labels().items()}
    return names | {fold(kind.value): kind for kind in DocumentKind}


def _row(line: int, picked: dict[str, str], kinds: dict[str, DocumentKind]) -> DocumentRow:
    problems = []
    issued_on: date | None = parse_date(picked.get(ISSUED_ON, ""))
    if picked.get(ISSUED_ON) and issued_on is None:
        problems.append(_("ngày “%(value)s” không hợp lệ (dd/mm/yyyy).", value=picked[ISSUED_ON]))
    kind = None
    if text := picked.get(KIND, ""):
        kind = kinds.get(fold(text))
        if kind is None:
            problems.append(_("không rõ loại văn bản “%(kind)s”.", kind=text))
    data = DocumentInput(
        number=picked.get(NUMBER, ""),
        issued_on=issued_on,
        kind=kind,
        subject=picked.get(SUBJECT, ""),
        signer=picked.get(SIGNER, ""),
    )
    return DocumentRow(line, data, tuple(problems))


def parse_documents(filename: str, data: bytes) -> list[DocumentRow]:
    """The documents of the file's first sheet that has the header row, or ImportProblems."""
    kinds = _kind_names()
    rows = header_rows(filename, data, _HEADER_WORDS, REQUIRED,
                       _("Tệp có quá %(n)s văn bản.", n=MAX_ROWS))
    if rows == []:
        raise ImportProblems([(None, _("Tệp không có văn bản nào dưới dòng tiêu đề."))])
    if rows:
        return [_row(line, picked, kinds) for line, picked in rows]
    raise ImportProblems(
        [
            (
                None,
                _(
                    "Không tìm thấy dòng tiêu đề có các cột “Số, ký hiệu” và “Ngày ban hành” "
                    "trong %(n)s dòng đầu của tệp.",
                    n=HEADER_SEARCH_ROWS,
                ),
            )
        ]
    )


def check_documents(
    session: Session, unit_id: int, rows: list[DocumentRow], today: date
) -> None:
    """Every row by the form's rules, and no number twice in a year of the file."""
    problems: list[Problem] = []
    first_line: dict[tuple[int, str], int] = {}
    for row in rows:
        problems.extend(Problem(row.line, message) for message in row.problems)
        errors = input_errors(session, unit_id, row.data, today)
        if row.problems and row.data.issued_on is None:
            errors.pop("issued_on", None)  # said already: the date cannot be read
        problems.extend(Problem(row.line, message) for message in errors.values())
        if row.data.issued_on is not None and row.data.number:
            key = (row.data.issued_on.year, number_key(row.data.number))
            if key in first_line:
                problems.append(
                    Problem(
                        row.line,
                        _("số %(number)s trùng với dòng %(line)s.",
                          number=row.data.number, line=first_line[key]),
                    )
                )
            first_line.setdefault(key, row.line)
    if problems:
        raise ImportProblems(problems)
