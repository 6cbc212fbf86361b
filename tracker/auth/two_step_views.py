"""The second step of the login, and the officer's authenticator: set it up, renew the
recovery codes, switch it off; an administrator's reset. Rules in people/two_step.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from markupsafe import Markup

from tracker.auth import bp, pending
from tracker.auth.forms import CodeForm, EnrolForm, PasswordCheckForm
from tracker.auth.views import wait_text
from tracker.core.permissions import Action, authorize
from tracker.core.security import safe_next
from tracker.extensions import db
from tracker.people import two_step
from tracker.people.logins import record_login
from tracker.people.models import Officer
from tracker.people.passwords import verify_password
from tracker.people.sessions import start_session
from tracker.people.throttle import record_attempt, wait_before_login


def _finish_login(waiting: pending.Pending):
    officer = waiting.officer
    address = request.remote_addr or ""
    record_attempt(db.session, officer.email, address, success=True)
    record_login(db.session, email=officer.email, officer=officer, address=address, success=True)
    start_session(
        db.session, officer, address=address, user_agent=request.headers.get("User-Agent", "")
    )
    login_user(officer, remember=waiting.remember)
    pending.end()


def _expired():
    flash(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), "warning")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    waiting = pending.current()
    if waiting is None or waiting.enrol:
        return _expired()
    form = CodeForm()
    if form.validate_on_submit():
        officer, address = waiting.officer, request.remote_addr or ""
        wait = wait_before_login(db.session, officer.email, address)
        if wait:
            record_attempt(db.session, officer.email, address, success=False)
            flash(
                _(
                    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(time)s.",
                    time=wait_text(wait),
                ),
                "danger",
            )
        elif two_step.verify(db.session, officer, form.code.data or ""):
            _finish_login(waiting)
            return redirect(safe_next(waiting.next))
        else:
            record_attempt(db.session, officer.email, address, success=False)
            record_login(
                db.session, email=officer.email, officer=officer, address=address, success=False
            )
            form.code.errors.append(_("Mã không đúng hoặc đã được dùng."))
        form.code.data = ""
    return render_template("auth/second_step.html", form=form)


def _enrol_page(officer: Officer, form: EnrolForm, *, at_login: bool):
    secret = pending.enrol_secret(two_step.new_secret)
    return render_template(
        "auth/enrol.html",
        form=form,
        at_login=at_login,
        secret=two_step.grouped(secret),
        qr=Markup(two_step.qr_svg(two_step.provisioning_uri(secret, officer.email))),
    )


def _try_enrol(officer: Officer, form: EnrolForm) -> list[str] | None:
    secret = pending.enrol_secret(two_step.new_secret)
    codes = two_step.enable(db.session, officer, secret, form.code.data or "")
    if codes is None:
        form.code.errors.append(_("Mã không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã mới."))
        form.code.data = ""
    return codes


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """The role requires the second step and the officer has none: set it up before anything
    else, then the login completes."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.two_step_settings"))
    waiting = pending.current()
    if waiting is None or not waiting.enrol:
        return _expired()
    form = EnrolForm()
    if form.validate_on_submit() and (codes := _try_enrol(waiting.officer, form)) is not None:
        _finish_login(waiting)
        return render_template(
            "auth/recovery_codes.html", codes=codes, next=safe_next(waiting.next)
        )
    return _enrol_page(waiting.officer, form, at_login=True)


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step_settings():
    officer = current_user._get_current_object()
    if not two_step.is_enabled(db.session, officer.id):
        form = EnrolForm()
        if form.validate_on_submit() and (codes := _try_enrol(officer, form)) is not None:
            pending.end()
            flash(_("Đã bật xác thực hai bước."), "success")
            return render_template(
                "auth/recovery_codes.html", codes=codes, next=url_for("auth.two_step_settings")
            )
        return _enrol_page(officer, form, at_login=False)
    required = two_step.must_use(officer, current_app.config.get("TRACKER_2FA_ROLES", ()))
    return render_template(
        "auth/two_step.html",
        renew_form=PasswordCheckForm(prefix="renew"),
        disable_form=PasswordCheckForm(prefix="disable"),
        required=required,
        remaining=two_step.remaining_recovery_codes(db.session, officer.id),
    )


def _password_checked(form: PasswordCheckForm) -> bool:
    if not form.validate_on_submit():
        return False
    if not verify_password(current_user.password_hash, form.password.data or ""):
        flash(_("Mật khẩu không đúng."), "danger")
        return False
    return True


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@login_required
def renew_recovery_codes():
    officer = current_user._get_current_object()
    if not two_step.is_enabled(db.session, officer.id):
        return redirect(url_for("auth.two_step_settings"))
    if not _password_checked(PasswordCheckForm(prefix="renew")):
        return redirect(url_for("auth.two_step_settings"))
    codes = two_step.renew_recovery_codes(db.session, officer)
    return render_template(
        "auth/recovery_codes.html", codes=codes, next=url_for("auth.two_step_settings")
    )


@bp.route("/account/two-step/disable", methods=["POST"])
@login_required
def disable_two_step():
    officer = current_user._get_current_object()
    if two_step.must_use(officer, current_app.config.get("TRACKER_2FA_ROLES", ())):
        flash(_("Vai trò của bạn bắt buộc xác thực hai bước: không thể tắt."), "danger")
    elif _password_checked(PasswordCheckForm(prefix="disable")):
        two_step.disable(db.session, officer)
        flash(_("Đã tắt xác thực hai bước."), "success")
    return redirect(url_for("auth.two_step_settings"))


@bp.route("/officers/<int:officer_id>/two-step", methods=["GET", "POST"])
@login_required
def reset_two_step(officer_id: int):
    """An administrator (or the unit's) removes an officer's authenticator: a lost phone."""
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        abort(404)
    authorize(current_user, Action.MANAGE_OFFICERS, officer.unit)
    form = PasswordCheckForm()
    enabled = two_step.is_enabled(db.session, officer.id)
    if request.method == "POST":
        if _password_checked(form) and two_step.reset(db.session, officer):
            flash(_("Đã đặt lại xác thực hai bước của %(name)s.", name=officer.full_name),
                  "success")
        return redirect(url_for("auth.reset_two_step", officer_id=officer.id))
    return render_template("auth/reset_two_step.html", officer=officer, enabled=enabled, form=form)
