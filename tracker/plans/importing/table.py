"""A list in a spreadsheet (officers, issued documents): a header row found by its words among
the first rows, then one record a row. The plan import reads its own, richer layout."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.plans.importing.cells import cell_text, fold
from tracker.plans.importing.problems import ImportProblems
from tracker.plans.importing.reading import HEADER_SEARCH_ROWS, MAX_ROWS, read_tables

HeaderWords = Iterable[tuple[str, Iterable[str]]]


def column_of(text: str, header_words: HeaderWords) -> str | None:
    """The column a header cell names: the first whose words (folded) the cell holds."""
    words = f" {fold(text)} "
    for column, keys in header_words:
        if any(f" {key} " in words for key in keys):
            return column
    return None


def header_rows(
    filename: str, data: bytes, header_words: HeaderWords, required: Iterable[str],
    too_many: str,
) -> list[tuple[int, dict[str, str]]] | None:
    """The non-blank rows under the header row of the file's first table that has one, as
    (line, {column: text}); None when no table has a header with every required column.
    More than MAX_ROWS rows: ImportProblems saying `too_many`."""
    header_words, required = tuple(header_words), tuple(required)
    with read_tables(filename, data) as tables:
        for rows in tables:
            columns: dict[str, int] = {}
            found: list[tuple[int, dict[str, str]]] = []
            for line, values in rows:
                cells = [cell_text(v) for v in values]
                if not columns:
                    if line > HEADER_SEARCH_ROWS:
                        break
                    for i, text in enumerate(cells):
                        if (column := column_of(text, header_words)) and column not in columns:
                            columns[column] = i
                    if not all(c in columns for c in required):
                        columns = {}
                    continue
                picked = {c: cells[i] if i < len(cells) else "" for c, i in columns.items()}
                if not any(picked.values()):
                    continue
                if len(found) >= MAX_ROWS:
                    raise ImportProblems([(None, too_many)])
                found.append((line, picked))
            if columns:
                return found
    return None
