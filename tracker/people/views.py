from flask import render_template
from flask_login import current_user, login_required

from tracker.core.clock import today
from tracker.core.permissions import Action, authorize
from tracker.core.web import unit_or_404
from tracker.extensions import db
from tracker.people import bp
from tracker.people.queries import unit_officers


@bp.route("/units/<unit_code>/officers")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    as_of = today()
    return render_template(
        "people/index.html",
        unit=unit,
        officers=unit_officers(db.session, unit.id, as_of),
        as_of=as_of,
    )
