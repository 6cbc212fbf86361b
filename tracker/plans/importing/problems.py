"""What is wrong with a file: each problem with its line, all of them raised together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import has_request_context
from flask_babel import gettext


def _(msgid: str, /, **params: Any) -> str:
    """gettext on pages (the reader's language); the product's language (Vietnamese) elsewhere.

    The CLI has an app context but no request, and the locale selector needs one.
    """
    if has_request_context():
        return gettext(msgid, **params)
    return msgid % params if params else msgid


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None  # the spreadsheet's row number (the CSV record number); None: the whole file
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Dòng %(line)s: %(reason)s", line=self.line, reason=self.message)


class ImportProblems(Exception):
    """The file cannot be imported; `problems` lists every reason, in line order."""

    def __init__(self, problems: Iterable[Problem | tuple[int | None, str]]):
        items = [p if isinstance(p, Problem) else Problem(*p) for p in problems]
        self.problems: list[Problem] = sorted(
            items, key=lambda p: (p.line is not None, p.line or 0)
        )
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]
