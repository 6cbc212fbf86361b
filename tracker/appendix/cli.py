"""`tracker appendix`: the table of Phụ lục 1 of one unit and period, as JSON, .xlsx or .docx.

With a reporting period of exactly those dates, its table is the page's (its typed figures; a
submitted period's frozen snapshot); otherwise the rows computed from the tasks, as of --to.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from tracker.appendix.exporting import Context, appendix_docx, appendix_xlsx
from tracker.appendix.models import ReportingPeriod
from tracker.appendix.service import live_table, period_table
from tracker.extensions import db
from tracker.people.operations import get_unit_by_code


def _day(value: str, param: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=param) from None


@click.command("appendix")
@click.option("--unit", "unit_code", required=True, help="Unit code, e.g. vinh-hoa.")
@click.option("--from", "start", required=True, help="First day of the period, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Cut-off day of the period, YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx", "docx"]), default="json",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (required for xlsx and docx; json goes to stdout without it).")
def appendix_command(unit_code: str, start: str, end: str, fmt: str, output: Path | None):
    """Phụ lục 1 of a unit for a reporting period."""
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    unit = get_unit_by_code(db.session, unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    if fmt != "json" and output is None:
        raise click.ClickException(f"--format {fmt} writes a file: give it with -o FILE")
    period = db.session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.unit_id == unit.id, ReportingPeriod.start == first,
               ReportingPeriod.end == last)
        .order_by(ReportingPeriod.id)
        .limit(1)
    )
    table = (period_table(db.session, period) if period is not None
             else live_table(db.session, unit.id, first, last))
    if fmt == "json":
        lines = [json.dumps(row.as_json(), ensure_ascii=False) for row in table.rows]
        text = "[\n" + ",\n".join(lines) + "\n]\n"
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
        return
    ctx = Context(
        unit_name=unit.name,
        parent_name=unit.parent.name if unit.parent else "",
        period_label=period.label if period else f"{first:%d/%m/%Y} – {last:%d/%m/%Y}",
        start=first,
        end=last,
    )
    content = appendix_xlsx(table, ctx) if fmt == "xlsx" else appendix_docx(table, ctx)
    try:
        output.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"{output}: {len(table.rows)} rows")
