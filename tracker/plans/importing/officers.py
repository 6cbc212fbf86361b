"""Who a "Chủ trì" or "Phối hợp" cell names: an officer of the unit by name, by position
("Công chức Tư pháp – Hộ tịch") or by department, since real plans name a post or a department
rather than a person.

Matching ignores diacritics, case, spacing and punctuation (cells.fold), but an exact name
(diacritics kept) is tried first, so "Lê Văn Hà" and "Lê Văn Hạ" stay two people. The keys are
tried in order and the first one any active officer fits decides: one officer is the match,
several are an ambiguity listed with their names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tracker.people.models import Officer
from tracker.people.operations import normalise_name
from tracker.plans.importing.cells import fold, split_names
from tracker.plans.importing.problems import _


def _department(officer: Officer) -> str:
    # The officers area adds Officer.department; until it does, no officer has one.
    return getattr(officer, "department", "") or ""


# The keys a cell is matched on, in order. A new key (a department code…) is one more line.
KEYS: tuple[tuple[str, Callable[[Officer], str]], ...] = (
    ("name", lambda officer: officer.full_name),
    ("position", lambda officer: officer.position),
    ("department", _department),
)


def _exact(text: str) -> str:
    return normalise_name(text).casefold()


def _described(officer: Officer) -> str:
    return f"{officer.full_name} ({officer.position})" if officer.position else officer.full_name


@dataclass(frozen=True, slots=True)
class Found:
    officers: tuple[Officer, ...] = ()  # the match(es): one, or several for "A và B"
    problem: str = ""  # why not, when nothing matched


class OfficerMatcher:
    """The unit's officers indexed by every key; `find` and `find_each` read a cell."""

    def __init__(self, officers: Iterable[Officer]):
        self.exact: dict[str, list[Officer]] = {}
        self.folded: dict[str, dict[str, list[Officer]]] = {name: {} for name, _key in KEYS}
        for officer in officers:
            self.exact.setdefault(_exact(officer.full_name), []).append(officer)
            for name, key in KEYS:
                if value := fold(key(officer)):
                    self.folded[name].setdefault(value, []).append(officer)

    def find(self, text: str) -> Found:
        """The one active officer `text` names; else the reason, ready for the problem list."""
        same_name = self.exact.get(_exact(text), [])
        active = [o for o in same_name if o.active]
        if len(active) > 1:
            return Found(
                problem=_(
                    "có %(n)s cán bộ cùng tên “%(name)s” trong đơn vị; hãy sửa tên cho khác "
                    "nhau trước khi nhập",
                    n=len(active),
                    name=text,
                )
            )
        if active:
            return Found((active[0],))
        plain = fold(text)
        for name, _key in KEYS:
            fits = [o for o in self.folded[name].get(plain, []) if o.active]
            if len(fits) == 1:
                return Found((fits[0],))
            if fits:
                return Found(
                    problem=_(
                        "“%(text)s” khớp với %(n)s cán bộ: %(names)s; hãy ghi họ tên người "
                        "chủ trì hoặc phối hợp",
                        text=text,
                        n=len(fits),
                        names="; ".join(_described(o) for o in fits),
                    )
                )
        if same_name or self.folded["name"].get(plain):
            return Found(
                problem=_("cán bộ “%(name)s” đã ngừng hoạt động trong đơn vị", name=text)
            )
        return Found(problem=_("không tìm thấy cán bộ “%(name)s” trong đơn vị", name=text))

    def find_each(self, text: str) -> Found:
        """`find`, or, when the cell is not one body, the names it joins with " - " or " và "
        ("Nguyễn Văn A và Trần Thị B"), each of which must be found."""
        found = self.find(text)
        if found.officers:
            return found
        names = split_names(text)
        if len(names) < 2:
            return found
        parts = [self.find(name) for name in names]
        if all(part.officers for part in parts):
            return Found(tuple(o for part in parts for o in part.officers))
        return found
