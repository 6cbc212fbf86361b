import math
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp
from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.core.refusals import Refusal, show_refusal
from tracker.core.security import safe_next
from tracker.extensions import db
from tracker.people.logins import record_login
from tracker.people.operations import (
    authenticate,
    change_password,
    get_officer_by_email,
    normalise_email,
)
from tracker.people.throttle import record_attempt, wait_before_login


def _wait_text(wait: timedelta) -> str:
    seconds = math.ceil(wait.total_seconds())
    if seconds < 60:
        return _("%(n)s giây", n=seconds)
    return _("%(n)s phút", n=math.ceil(seconds / 60))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        address = request.remote_addr or ""
        wait = wait_before_login(db.session, email, address)
        if wait:
            # Refused unchecked, whatever the password: the answer tells nothing of it.
            record_attempt(db.session, email, address, success=False)
            record_login(
                db.session,
                email=email,
                officer=get_officer_by_email(db.session, email),
                address=address,
                success=False,
                throttled=True,
            )
            flash(
                _(
                    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(time)s.",
                    time=_wait_text(wait),
                ),
                "danger",
            )
            return render_template("auth/login.html", form=form)
        officer = authenticate(db.session, email, form.password.data or "")
        record_attempt(db.session, email, address, success=officer is not None)
        record_login(
            db.session,
            email=email,
            officer=officer or get_officer_by_email(db.session, email),
            address=address,
            success=officer is not None,
        )
        if officer is None:
            flash(_("Email hoặc mật khẩu không đúng."), "danger")
        else:
            login_user(officer, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            # the session id carries the new version (the officer, not the proxy: the commit
            # at the end of the request asks current_user who acted)
            login_user(current_user._get_current_object())
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
