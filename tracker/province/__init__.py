"""The province page: every commune below a province (a city of old, the nation) with its
figures, for the leaders and inspectors who oversee them."""

from flask import Blueprint

bp = Blueprint("province", __name__)

from tracker.province import views  # noqa: E402,F401
