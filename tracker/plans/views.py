from flask_login import login_required

from tracker.plans import bp


@bp.route("/units/<unit_code>/plans")
@login_required
def index(unit_code: str):
    return "plans"  # placeholder, replaced by the plans pages
