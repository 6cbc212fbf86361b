"""Reading a plan from a spreadsheet (.xlsx) or a CSV file, and creating it.

The file is checked whole before anything is written, in three steps, one module each:

reading.py    the rows of the file: an .xlsx workbook's sheets, or a CSV in whatever encoding
              and delimiter; a file that is neither is refused whole
parsing.py    `parse_plan_file(filename, data)`: the title block, a header row matched loosely
              (header.py), group heading rows and task rows (deadlines.py, cells.py) read into a
              `ParsedPlan`, or `ImportProblems` listing every bad row with its line number
creating.py   `import_plan(session, unit, parsed, metadata)`: officers matched by name within
              the unit, then the Plan, its TaskGroups and Tasks; flushes, never commits. Unknown
              officers are reported the same way, and then nothing is created

metadata.py holds what the form or the command line may give (`PlanMetadata`) and how it is
read; problems.py the problems and their messages. `import_plan_file()` parses and creates in
one go, and reports the problems of both steps together.
"""

from tracker.plans.importing.cells import split_names
from tracker.plans.importing.creating import import_plan, import_plan_file
from tracker.plans.importing.deadlines import RECURRING_PREFIXES, Deadline, parse_deadline
from tracker.plans.importing.header import COLUMN_LABELS, header_column
from tracker.plans.importing.metadata import (
    DEFAULT_APPENDIX_ROW,
    DOCUMENT_NUMBER_MAX,
    NO_APPENDIX_ROW,
    TITLE_MAX,
    PlanMetadata,
    guess_kind,
    parse_appendix_row,
    parse_document_date,
    parse_years,
)
from tracker.plans.importing.parsing import (
    ParsedGroup,
    ParsedPlan,
    ParsedTask,
    parse_plan_file,
)
from tracker.plans.importing.problems import ImportProblems, Problem
from tracker.plans.importing.reading import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_LINE,
    MAX_ROWS,
)

__all__ = [
    "COLUMN_LABELS",
    "DEFAULT_APPENDIX_ROW",
    "DOCUMENT_NUMBER_MAX",
    "HEADER_SEARCH_ROWS",
    "MAX_COLUMNS",
    "MAX_LINE",
    "MAX_ROWS",
    "NO_APPENDIX_ROW",
    "RECURRING_PREFIXES",
    "TITLE_MAX",
    "Deadline",
    "ImportProblems",
    "ParsedGroup",
    "ParsedPlan",
    "ParsedTask",
    "PlanMetadata",
    "Problem",
    "guess_kind",
    "header_column",
    "import_plan",
    "import_plan_file",
    "parse_appendix_row",
    "parse_deadline",
    "parse_document_date",
    "parse_plan_file",
    "parse_years",
    "split_names",
]
