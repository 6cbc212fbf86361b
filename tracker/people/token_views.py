"""The token page (Mã truy cập API): an officer's own API tokens, and for a token
administrator every token of the unit. The secret shows once, in the answer to the creation."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.clock import utcnow
from tracker.core.once import claim
from tracker.core.permissions import Action, authorize, can, may_revoke_token
from tracker.core.refusals import Refusal, show_refusal
from tracker.extensions import db
from tracker.people import bp
from tracker.people.token_forms import RevokeForm, TokenForm
from tracker.people.tokens import (
    issue_token,
    officer_tokens,
    revoke_token,
    token_by_id,
    unit_tokens,
)


def _days(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else None


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    authorize(current_user, Action.USE_API, current_user.unit)
    form = TokenForm()
    issued = None
    status = 200
    if form.validate_on_submit():
        # A double submit makes one token: the second finds the first's use of the form.
        form_token = (form.form_token.data or "")[:64]
        if form_token and claim(db.session, form_token, current_user.id) is not None:
            flash(_("Biểu mẫu này đã được gửi rồi: mã đã được tạo ở lần gửi đó."), "info")
            return redirect(url_for("people.tokens"))
        try:
            issued = issue_token(
                db.session,
                current_user,
                name=form.name.data or "",
                days=_days(form.days.data),
                scope=form.scope.data or "",
            )
        except Refusal as refusal:
            show_refusal(refusal, form)
            status = 422
        else:
            form = TokenForm(formdata=None)  # a fresh form (and form token) for the next one
    elif form.is_submitted():
        status = 400
    administers = can(current_user, Action.MANAGE_API_TOKENS, current_user.unit)
    others = None
    if administers:  # each token as the rule decides: a unit administrator, their unit only
        others = [
            t
            for t in unit_tokens(db.session, current_user.unit_id)
            if t.officer_id != current_user.id
            and can(current_user, Action.MANAGE_API_TOKENS, t.officer.unit)
        ]
    response = render_template(
        "people/tokens.html",
        form=form,
        issued=issued,
        mine=officer_tokens(db.session, current_user.id),
        others=others,
        now=utcnow(),
        revoke_form=RevokeForm(formdata=None),
    )
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int):
    token = token_by_id(db.session, token_id)
    if token is None:
        abort(404)
    if not may_revoke_token(current_user, token.officer_id, token.officer.unit):
        abort(403)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        revoke_token(db.session, token, current_user)
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(_("Đã thu hồi mã “%(name)s”.", name=token.name), "success")
    return redirect(url_for("people.tokens"))
