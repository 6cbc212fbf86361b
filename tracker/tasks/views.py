from pathlib import Path

from flask import abort, current_app, render_template, send_file
from flask_login import current_user, login_required

from tracker.core.clock import today
from tracker.core.permissions import Action, authorize
from tracker.core.status import deadline_class
from tracker.extensions import db
from tracker.tasks import bp
from tracker.tasks.models import Evidence
from tracker.tasks.queries import officer_tasks, task_history, task_with_details


@bp.route("/my-tasks")
@login_required
def mine():
    rows = officer_tasks(db.session, current_user.id, today())
    sections = {
        "overdue": [r for r in rows if r.status == "open_overdue"],
        "open": [r for r in rows if r.status == "open_on_time"],
        "done": [r for r in rows if r.status.is_done],
    }
    return render_template("tasks/mine.html", sections=sections, as_of=today())


@bp.route("/tasks/<int:task_id>")
@login_required
def detail(task_id: int):
    task = task_with_details(db.session, task_id)
    if task is None or task.plan.archived_at is not None:
        abort(404)
    authorize(current_user, Action.VIEW_UNIT, task.plan.unit)
    return render_template(
        "tasks/detail.html",
        task=task,
        status=deadline_class(task, today()),
        history=task_history(db.session, task),
    )


@bp.route("/evidence/<int:evidence_id>/file")
@login_required
def evidence_file(evidence_id: int):
    """Evidence files live outside static files and go only to those who may see the task."""
    evidence = db.get_or_404(Evidence, evidence_id)
    authorize(current_user, Action.VIEW_UNIT, evidence.task.plan.unit)
    if not evidence.stored_name or evidence.archived_at is not None:
        abort(404)
    path = Path(current_app.config["TRACKER_UPLOAD_DIR"]) / evidence.stored_name
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=evidence.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=evidence.file_name or evidence.stored_name,
    )
