from flask_login import login_required

from tracker.people import bp


@bp.route("/units/<unit_code>/officers")
@login_required
def index(unit_code: str):
    return "officers"  # placeholder
