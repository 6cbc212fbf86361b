"""Officers from a spreadsheet: one per row, all of them or none.

The file is read with the plan import's readers (plans.importing: the workbook's rows, cell
text, the problem list with its row numbers); the header row is found among the first rows
by its words (Họ và tên, Chức vụ, Bộ phận, Email, Vai trò, Điện thoại; with or without
diacritics). Every row is checked by the same rules as the form (people.management), plus an
address repeated in the file; a file with any bad row is refused whole, every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tracker.people.management import OfficerInput, add_officers, input_errors, role_labels
from tracker.people.models import Officer, Role, Unit
from tracker.plans.importing import HEADER_SEARCH_ROWS, MAX_ROWS, ImportProblems, Problem
from tracker.plans.importing.cells import fold
from tracker.plans.importing.problems import _
from tracker.plans.importing.table import header_rows

NAME, POSITION, DEPARTMENT, EMAIL, ROLE, PHONE = (
    "full_name",
    "position",
    "department",
    "email",
    "roles",
    "phone",
)
REQUIRED = (NAME, EMAIL, ROLE)
# Checked in this order; the first column whose words a header cell holds wins.
_HEADER_WORDS = (
    (EMAIL, ("email", "e mail", "thu dien tu")),
    (PHONE, ("dien thoai", "sdt", "so dt")),
    (ROLE, ("vai tro", "quyen")),
    (POSITION, ("chuc vu", "chuc danh")),
    (DEPARTMENT, ("bo phan", "phong ban", "don vi cong tac")),
    (NAME, ("ho va ten", "ho ten", "ten can bo")),
)


@dataclass(frozen=True, slots=True)
class OfficerRow:
    line: int
    data: OfficerInput
    problems: tuple[str, ...] = ()  # what the row says that cannot be read (a role)


def _role_names() -> dict[str, Role]:
    """What a role cell may say: the role's name on the page, or its code ("officer")."""
    names = {fold(label): Role(value) for value, label in role_labels().items()}
    names |= {fold(role.value): role for role in Role}
    names[fold("Cán bộ")] = names[fold("Công chức")] = Role.OFFICER
    names[fold("Kiểm tra")] = Role.INSPECTOR
    return names


def _roles(text: str, names: dict[str, Role]) -> tuple[list[Role], list[str]]:
    roles, unknown = [], []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        if part.strip():
            role = names.get(fold(part))
            if role is None:
                unknown.append(part.strip())
            elif role not in roles:
                roles.append(role)
    return roles, unknown


def _officer_row(line: int, picked: dict[str, str], names: dict[str, Role]) -> OfficerRow:
    roles, unknown = _roles(picked.get(ROLE, ""), names)
    return OfficerRow(
        line,
        OfficerInput(
            full_name=picked.get(NAME, ""),
            email=picked.get(EMAIL, ""),
            position=picked.get(POSITION, ""),
            department=picked.get(DEPARTMENT, ""),
            phone=picked.get(PHONE, ""),
            # an unknown role is reported alone, not as "no role" too
            roles=roles if not unknown else [*roles, Role.OFFICER],
        ),
        tuple(_("không rõ vai trò “%(role)s”.", role=text) for text in unknown),
    )


def parse_officers(filename: str, data: bytes) -> list[OfficerRow]:
    """The officers of the file's first sheet that has the header row, or ImportProblems."""
    names = _role_names()
    rows = header_rows(filename, data, _HEADER_WORDS, REQUIRED,
                       _("Tệp có quá %(n)s cán bộ.", n=MAX_ROWS))
    if rows == []:
        raise ImportProblems([(None, _("Tệp không có cán bộ nào dưới dòng tiêu đề."))])
    if rows:
        return [_officer_row(line, picked, names) for line, picked in rows]
    raise ImportProblems(
        [
            (
                None,
                _(
                    "Không tìm thấy dòng tiêu đề có các cột “Họ và tên”, “Email” và “Vai trò” "
                    "trong %(n)s dòng đầu của tệp.",
                    n=HEADER_SEARCH_ROWS,
                ),
            )
        ]
    )


def check_officers(
    session: Session, unit: Unit, rows: list[OfficerRow], actor: Officer | None
) -> None:
    """Every row by the form's rules, and no address twice in the file: ImportProblems."""
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for row in rows:
        data = row.data.normalised()
        problems.extend(Problem(row.line, message) for message in row.problems)
        for message in input_errors(session, data, actor, unit).values():
            problems.append(Problem(row.line, message))
        if data.email and data.email in first_line:
            problems.append(
                Problem(
                    row.line,
                    _(
                        "email %(email)s trùng với dòng %(line)s.",
                        email=data.email,
                        line=first_line[data.email],
                    ),
                )
            )
        first_line.setdefault(data.email, row.line)
    if problems:
        raise ImportProblems(problems)


def import_officers(
    session: Session, unit: Unit, filename: str, data: bytes, actor: Officer | None
) -> list[Officer]:
    """The file's officers added to `unit` (flushed, not committed), or ImportProblems."""
    rows = parse_officers(filename, data)
    check_officers(session, unit, rows, actor)
    return add_officers(session, unit, [row.data for row in rows], actor)
