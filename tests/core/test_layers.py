"""tracker/core knows no area: where a rule needs an officer or a task, it takes plain values."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "tracker" / "core"
AREAS = {
    "api", "appendix", "auth", "dashboard", "demo", "followups", "main", "meetings", "people",
    "plans", "reminders", "tasks",
}  # fmt: skip


def _areas_imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "tracker" and len(parts) > 1 and parts[1] in AREAS:
                found.add(parts[1])
    return found


def test_core_imports_no_area():
    offenders = {
        path.name: areas for path in sorted(CORE.glob("*.py")) if (areas := _areas_imported(path))
    }
    assert offenders == {}
