import math
from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp
from tracker.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    SetPasswordForm,
)
from tracker.auth.pending import begin_second_step, second_step_needed
from tracker.core.forms import Form
from tracker.core.refusals import Refusal, show_refusal
from tracker.core.security import safe_next
from tracker.core.transactions import after_commit
from tracker.extensions import db
from tracker.people.links import Purpose, officer_for_token
from tracker.people.logins import record_login
from tracker.people.mail import reset_letter, send_in_background, stand_in
from tracker.people.operations import (
    authenticate,
    change_password,
    get_officer_by_email,
    normalise_email,
    set_password,
)
from tracker.people.sessions import end_session, end_session_by_id, open_sessions, start_session
from tracker.people.throttle import record_attempt, reset_request_pace, wait_before_login


def wait_text(wait: timedelta) -> str:
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
                    time=wait_text(wait),
                ),
                "danger",
            )
            return render_template("auth/login.html", form=form)
        officer = authenticate(db.session, email, form.password.data or "")
        if officer is not None and (second := second_step_needed(officer)):
            # Not logged in yet, and not counted a success: the throttle's count goes on
            # through the second step (people/throttle.py).
            begin_second_step(
                officer,
                remember=bool(form.remember.data),
                next_url=request.args.get("next") or "",
                enrol=second == "enrol",
            )
            return redirect(url_for("auth.enrol" if second == "enrol" else "auth.second_step"))
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
            start_session(
                db.session,
                officer,
                address=address,
                user_agent=request.headers.get("User-Agent", ""),
            )
            login_user(officer, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated and current_user.session_key:
        # Ended on the server: the session or remember cookie, if captured, is refused after.
        end_session(db.session, current_user.session_key, "logout")
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


@bp.route("/account/sessions")
@login_required
def sessions():
    """Where the officer is logged in (device, address, last seen), each one to end."""
    return render_template(
        "auth/sessions.html", sessions=open_sessions(db.session, current_user), form=Form()
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_one_session(session_id: int):
    if not Form().validate_on_submit():
        abort(400)
    if not end_session_by_id(db.session, current_user, session_id):
        abort(404)
    flash(_("Đã kết thúc phiên đăng nhập."), "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """The same answer whether or not the address is an active officer's, in about the same
    time: the email, if any, is sent by a thread of its own after the answer."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = (form.email.data or "")[:254]
        address_may, letter_may = reset_request_pace(
            db.session, normalise_email(email), request.remote_addr or ""
        )
        if not address_may:
            flash(
                _("Đã có quá nhiều yêu cầu đặt lại mật khẩu từ máy này. Vui lòng thử lại sau."),
                "danger",
            )
            return render_template("auth/forgot.html", form=form), 429
        officer = get_officer_by_email(db.session, email)
        found = officer is not None and officer.active and letter_may
        # The same work either way: a letter written (to a stand-in), a thread started.
        letter = reset_letter(officer if found else stand_in(email))
        after_commit(lambda: send_in_background([letter] if found else []))
        flash(
            _(
                "Nếu %(email)s là email của một cán bộ đang hoạt động, thư có đường dẫn đặt lại "
                "mật khẩu đã được gửi đến đó. Đường dẫn dùng được một lần, trong 2 giờ.",
                email=(form.email.data or "").strip()[:254],
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _set_password_page(token: str, purpose: Purpose, title: str):
    try:
        officer = officer_for_token(db.session, token, purpose)
    except Refusal as refusal:
        page = render_template("auth/link_refused.html", message=refusal.message)
        return _no_referrer(page), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(officer, form.new_password.data or "")
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            if current_user.is_authenticated:
                logout_user()
            message = _("Đã đặt mật khẩu. Mời đăng nhập bằng email %(email)s.", email=officer.email)
            flash(message, "success")
            return redirect(url_for("auth.login"))
    page = render_template("auth/set_password.html", form=form, officer=officer, title=title)
    return _no_referrer(page)


def _no_referrer(page: str):
    """The link's token is in the address: no other site learns it from a Referer."""
    response = make_response(page)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    return _set_password_page(token, Purpose.INVITATION, _("Đặt mật khẩu"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, Purpose.RESET, _("Đặt lại mật khẩu"))
