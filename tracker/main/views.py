from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.core.formatting import LANGUAGE_SESSION_KEY
from tracker.core.permissions import Action, can
from tracker.core.security import safe_next
from tracker.extensions import db
from tracker.main import bp
from tracker.province.queries import COMMUNE_KINDS, has_units_below


@bp.route("/")
@login_required
def index():
    """Who oversees units below theirs (a province's inspectors and leaders) starts from the
    page of those units; a leader's home is their unit's dashboard; an officer's, their own
    tasks."""
    unit = current_user.unit
    if (
        unit.kind not in COMMUNE_KINDS
        and can(current_user, Action.OVERSEE_UNITS, unit)
        and has_units_below(db.session, unit)
    ):
        from tracker.province.views import render_overview

        return render_overview(unit)
    if can(current_user, Action.SEE_LEADER_VIEWS, unit):
        from tracker.dashboard.views import render_dashboard

        return render_dashboard(unit)
    return redirect(url_for("tasks.mine"))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "database unavailable", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/favicon.ico")
def favicon():
    # Browsers ask for it at the root on every page (and for downloads, which carry no <link>).
    return current_app.send_static_file("favicon.ico")


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang: str):
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session[LANGUAGE_SESSION_KEY] = lang
    return redirect(safe_next(request.form.get("next")))
