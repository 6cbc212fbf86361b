from flask_login import login_required

from tracker.tasks import bp


@bp.route("/my-tasks")
@login_required
def mine():
    return "my tasks"  # placeholder
