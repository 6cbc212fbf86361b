"""The layers (STYLE.md, "Layers"): tracker/core knows no area, and a lower area never imports a
higher one: core < people < plans < tasks < the areas that read (dashboard, api, meetings,
appendix, reminders, followups), which do not import each other. A higher area plugs into a lower
one through the lists where the app is built (`tracker.configure_reminders`, ...)."""

from __future__ import annotations

import ast
from pathlib import Path

TRACKER = Path(__file__).resolve().parents[2] / "tracker"
CORE = TRACKER / "core"
READING = ("dashboard", "api", "meetings", "appendix", "reminders", "followups")
# documents (the register of issued documents) sits between plans and tasks: a task's evidence
# is a register entry.
RANK = {"core": 0, "people": 1, "plans": 2, "documents": 2.5, "tasks": 3} | {
    area: 4 for area in READING
}
# The province page reads the communes' dashboards, meetings and Phụ lục 1 periods.
RANK["province"] = 5
# The app's own glue, above every ranked area (login, the home page, the demo data, error pages,
# backups of the whole database).
UNRANKED = {"auth", "main", "demo", "errors", "backup"}
APP_MODULES = {"models", "cli"}  # tracker/models.py (every model), tracker/cli.py: glue too
AREAS = set(RANK) | UNRANKED | APP_MODULES
# Known exceptions: (importing area, or module under tracker/, imported area) -> why.
KNOWN = {
    ("plans", "tasks"): "structural: a plan is its tasks (its pages, import and export list them)",
    ("people/queries.py", "plans"): "the unit's officer page counts the tasks each officer leads",
    ("people/queries.py", "tasks"): "the unit's officer page counts the tasks each officer leads",
    ("meetings/reminders.py", "reminders"): "the meetings' reminder source speaks the engine's "
    "types (Due, SelectionContext, Line); the app lists it in configure_reminders",
    ("appendix/reminders.py", "reminders"): "the report reminders' source (communes that have "
    "not frozen their table) speaks the engine's types; the app lists it in configure_reminders",
    ("meetings/agenda.py", "followups"): "a meeting's agenda lists the month's follow-ups",
    ("followups/operations.py", "reminders"): "a prompt or an explanation request is queued "
    "as a reminder email",
    ("followups/views.py", "reminders"): "a leader's follow-up email is sent at once",
    ("people/importing.py", "plans"): "the officers' import reads the file with the plan "
    "import's readers and lists its problems the same way (one reader, not a copy)",
    ("appendix/report_sources.py", "meetings"): "the quarterly report counts the period's "
    "review meetings and takes the items the leaders marked as recommendations (section V)",
    ("people/officer_views.py", "plans"): "the officers' import page shows the import's problems",
    ("documents/views.py", "tasks"): "an entry's page lists the tasks whose evidence it is",
}


def _imported_names(path: Path) -> list[str]:
    """Every module `path` imports, anywhere in it, relative imports resolved."""
    package = path.relative_to(TRACKER.parent).with_suffix("").parts[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            # `from tracker import meetings` (a module) as well as `from tracker.meetings import x`
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def _areas_imported(path: Path) -> set[str]:
    found = set()
    for name in _imported_names(path):
        parts = name.split(".")
        if parts[0] == "tracker" and len(parts) > 1 and parts[1] in AREAS:
            found.add(parts[1])
    return found


def _upward_imports() -> dict[tuple[str, str], str]:
    """(module under tracker/, imported area) -> the importing area, for every import of an area
    at the same rank or higher (inside a function too)."""
    found = {}
    for area, rank in RANK.items():
        for path in sorted((TRACKER / area).rglob("*.py")):
            for imported in _areas_imported(path) - {area}:
                if imported not in RANK or RANK[imported] >= rank:
                    found[(path.relative_to(TRACKER).as_posix(), imported)] = area
    return found


def test_core_imports_no_area():
    offenders = {
        path.name: areas
        for path in sorted(CORE.rglob("*.py"))
        if (areas := _areas_imported(path) - {"core"})
    }
    assert offenders == {}


def test_every_area_has_its_place():
    packages = {p.name for p in TRACKER.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(RANK) | UNRANKED


def test_no_area_imports_a_higher_or_a_sibling_one():
    offenders = sorted(
        f"{module} imports tracker.{imported}"
        for (module, imported), area in _upward_imports().items()
        if (area, imported) not in KNOWN and (module, imported) not in KNOWN
    )
    assert offenders == []


def test_the_known_exceptions_are_all_still_needed():
    found = _upward_imports()
    used = {(area, imported) for (_, imported), area in found.items()} | set(found)
    assert set(KNOWN) - used == set()


def test_the_reminder_engine_imports_no_meetings():
    """The meetings' source gives its email lines through the app's list of sources."""
    offenders = [
        path.relative_to(TRACKER).as_posix()
        for path in sorted((TRACKER / "reminders").rglob("*.py"))
        if "meetings" in _areas_imported(path)
    ]
    assert offenders == []


def test_an_area_package_imports_its_views_only_when_registered():
    """`import tracker.documents.models` runs tracker/people/__init__.py first: if that imported
    the people's views, they would import tasks, which import documents.models half-loaded.
    So an area's __init__ imports its views inside `blueprint()`, never at module level."""
    eager = []
    for init in TRACKER.glob("*/__init__.py"):
        for node in ast.parse(init.read_text()).body:
            if isinstance(node, ast.ImportFrom):
                names = [alias.name for alias in node.names]
                if any(name.endswith("views") or name == "writes" for name in names):
                    eager.append(f"{init.parent.name}: {', '.join(names)}")
    assert eager == []
