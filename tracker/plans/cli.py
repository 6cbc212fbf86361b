"""`tracker plan …`: import a plan from a spreadsheet, export one."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.core.audit import acting_as
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import UnitKind
from tracker.people.operations import get_unit_by_code
from tracker.people.units import UnitInput
from tracker.plans.exporting import export_filename, export_plan_xlsx, load_plan_for_export
from tracker.plans.importing import (
    NO_APPENDIX_ROW,
    ImportProblems,
    PlanMetadata,
    import_plan_file,
    parse_appendix_row,
    parse_document_date,
    parse_years,
)
from tracker.plans.merging import merge_units, preview_merge
from tracker.plans.models import APPENDIX_ROWS, PlanKind


@click.group("plan")
def plan_group() -> None:
    """Import and export plans."""


def _parsed(parse, value: str | None, param: str):
    try:
        return parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=param) from None


@plan_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="Unit code, e.g. vinh-hoa.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in PlanKind]),
    help="Kind of plan (default: guessed from the title).",
)
@click.option("--title", help="Title (default: the file's title row, else the file name).")
@click.option("--document", "document_number", help="Document number, e.g. '39/QĐ-UBND'.")
@click.option("--document-date", help="Document date, dd/mm/yyyy or YYYY-MM-DD.")
@click.option("--years", help="2024 or 2023-2024 (default: the file's, else the document's year).")
@click.option(
    "--appendix-row",
    help=f"Row of the quarterly report's appendix: {', '.join(APPENDIX_ROWS)} or "
    f"{NO_APPENDIX_ROW} (default: from the kind).",
)
def import_command(
    file: Path, unit_code, kind, title, document_number, document_date, years, appendix_row
) -> None:
    """Import a plan from an .xlsx, .csv or Word .docx FILE; a file with bad rows imports
    nothing."""
    span = _parsed(parse_years, years, "--years")
    metadata = PlanMetadata(
        kind=PlanKind(kind) if kind else None,
        title=title,
        document_number=document_number,
        document_date=_parsed(parse_document_date, document_date, "--document-date"),
        start_year=span[0] if span else None,
        end_year=span[1] if span else None,
        appendix_row=_parsed(parse_appendix_row, appendix_row, "--appendix-row"),
    )
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
    unit = get_unit_by_code(db.session, unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    try:
        with acting_as(None):
            plan = import_plan_file(db.session, unit, file.name, data, metadata)
            db.session.commit()
    except ImportProblems as exc:
        db.session.rollback()
        for problem in exc.messages:
            click.echo(problem, err=True)
        count = len(exc.problems)
        raise click.ClickException(
            f"{file.name}: nothing imported, {count} problem{'s' if count != 1 else ''}"
        ) from None
    click.echo(f"imported plan {plan.id}: {plan.title}")


@plan_group.command("export")
@click.argument("plan_id", type=click.IntRange(1, 2**31 - 1))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx file to write (default: named after the plan, in this folder).",
)
def export_command(plan_id: int, output: Path | None) -> None:
    """Write plan PLAN_ID as an .xlsx file."""
    plan = load_plan_for_export(db.session, plan_id)
    if plan is None:
        raise click.ClickException(f"no plan with id {plan_id}")
    output = output or Path(export_filename(plan))
    try:
        output.write_bytes(export_plan_xlsx(plan))
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}")


@click.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--code", required=True, help="The new unit's code, e.g. phuong-nha-trang.")
@click.option("--name", required=True, help="Its name as printed: “Phường Nha Trang”.")
@click.option("--short-name", default="", help="Its short name.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in UnitKind]),
    default=UnitKind.WARD.value,
    show_default=True,
)
@click.option("--parent", "parent_code", required=True, help="The unit above it (its code).")
@click.option("--yes", is_flag=True, help="Merge; without it, only show what would move.")
def merge_command(
    sources: tuple[str, ...], code: str, name: str, short_name: str, kind: str,
    parent_code: str, yes: bool,
) -> None:
    """Merge units SOURCES… into a new unit (sáp nhập): officers and open plans move, the
    old units close and keep their past figures. Shows what would move; --yes merges."""
    units = []
    for unit_code in (*sources, parent_code):
        unit = get_unit_by_code(db.session, unit_code)
        if unit is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
        units.append(unit)
    *merged, parent = units
    try:
        preview = preview_merge(db.session, None, merged, parent)
        for unit in preview.sources:
            click.echo(f"{unit.code} ({unit.name}):")
            click.echo(f"  officers moving: {len(preview.officers[unit.id])}")
            for plan in preview.moving[unit.id]:
                click.echo(
                    f"  plan moving: {plan.id} {plan.title} "
                    f"({preview.open_tasks.get(plan.id, 0)} open tasks)"
                )
            for plan in preview.staying[unit.id]:
                click.echo(f"  plan staying: {plan.id} {plan.title}")
        click.echo(f"calendar days carried: {len(preview.calendar)}")
        if preview.calendar_conflicts:
            days = ", ".join(f"{d:%d/%m/%Y}" for d in preview.calendar_conflicts)
            click.echo(f"days the units disagree on (national calendar): {days}")
        for carried in preview.carried:
            for line in carried.lines:
                click.echo(line)
        if not yes:
            click.echo("nothing changed (add --yes to merge)")
            return
        with acting_as(None):
            data = UnitInput(name=name, short_name=short_name, kind=UnitKind(kind), parent=parent)
            new = merge_units(db.session, None, merged, code, data)
            db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"merged {', '.join(sources)} into {new.code} (unit {new.id})")
