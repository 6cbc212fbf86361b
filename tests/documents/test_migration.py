"""The migration that makes each task's evidence an entry of its unit's register."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from tests.test_migrations import migration_app  # noqa: F401
from tracker.extensions import db

BEFORE = "51b75f079334"  # the revision before the register


def test_evidence_becomes_register_entries(migration_app):  # noqa: F811
    upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, kind, short_name, created_at)"
                          " VALUES (1, 'vh', 'Phường Vĩnh Hòa', 'ward', '', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO plans (id, unit_id, kind, title, document_number, start_year, "
            "end_year, created_at) VALUES (1, 1, 'annual_reform', 'KH', '39/QĐ-UBND', "
            "2024, 2024, CURRENT_TIMESTAMP)"))
        for task_id in (1, 2):
            conn.execute(text(
                "INSERT INTO tasks (id, plan_id, ordinal, title, deliverable, recurrence_note,"
                " notes, state, progress_percent, search_text, version, entered_on,"
                " withdrawn_reason,"
                " deadline_history, completion_history, lead_history, created_at)"
                " VALUES (:id,"
                " 1, :id, 'Việc', 'KH', '', '', 'done', 100, '', 1, '2024-01-31', '', '[]', '[]',"
                " '[]', CURRENT_TIMESTAMP)"),
                {"id": task_id})
        for evidence_id, task_id, number, day, archived in [
            (1, 1, "333/KH-UBND", "2024-03-04", None),
            (2, 2, "333 /KH-UBND", "2024-03-04", None),  # the same document, typed loosely
            (3, 2, "", None, None),  # a supporting officer's working file
            (4, 1, "1/KH-UBND", "2024-01-02", "2024-01-03 00:00:00"),  # a returned one
            (5, 1, "2549/UBND", "2023-12-22", None),
        ]:
            conn.execute(text(
                "INSERT INTO evidence (id, task_id, document_number, document_date, summary,"
                " archived_at, created_at) VALUES (:id, :task, :number, :day, 'Trích yếu',"
                " :archived, CURRENT_TIMESTAMP)"),
                {"id": evidence_id, "task": task_id, "number": number, "day": day,
                 "archived": archived})
    upgrade()
    with db.engine.connect() as conn:
        entries = conn.execute(text(
            "SELECT id, unit_id, number, number_key, year, kind, subject FROM issued_documents"
            " ORDER BY id")).all()
        links = dict(conn.execute(text("SELECT id, document_id FROM evidence")).all())
    assert [e[1:] for e in entries] == [
        (1, "333/KH-UBND", "333/KH-UBND", 2024, "plan", "Trích yếu"),
        (1, "2549/UBND", "2549/UBND", 2023, "official_letter", "Trích yếu"),
    ]
    assert links == {1: entries[0][0], 2: entries[0][0], 3: None, 4: None, 5: entries[1][0]}
