"""Managing a unit's officers: add one, import a list, edit, resend the invitation, reactivate.

(Deactivating and moving an officer hand their tasks over first: tasks.handover_views.)
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.once import single_use
from tracker.core.permissions import Action, authorize, may_grant_role, may_manage_officer
from tracker.core.refusals import Refusal, show_refusal
from tracker.core.transactions import after_commit, discard
from tracker.extensions import db
from tracker.people import bp
from tracker.people.forms import ActionForm, ImportOfficersForm, OfficerForm
from tracker.people.importing import import_officers
from tracker.people.management import (
    OfficerInput,
    add_officer,
    mark_invited,
    reactivate,
    role_labels,
    update_officer,
)
from tracker.people.models import Officer, Role
from tracker.people.queries import officer_or_404, unit_or_404
from tracker.plans.importing import ImportProblems


def _officers_page(officer_or_unit) -> str:
    unit = getattr(officer_or_unit, "unit", officer_or_unit)
    return url_for("people.index", unit_code=unit.code)


def _role_choices(form: OfficerForm, unit) -> None:
    """The roles this user may grant (the operation refuses any other that is posted)."""
    form.roles.choices = [
        (value, label)
        for value, label in role_labels().items()
        if may_grant_role(current_user, Role(value), unit)
    ]


def _input(form: OfficerForm) -> OfficerInput:
    roles = [Role(v) for v in form.roles.data or [] if v in Role._value2member_map_]
    return OfficerInput(
        full_name=form.full_name.data or "",
        email=form.email.data or "",
        position=form.position.data or "",
        department=form.department.data or "",
        phone=form.phone.data or "",
        roles=roles,
    )


def invite_after_commit(officers: list[Officer]) -> None:
    """Mark each officer invited, write their letters now (the link signs what is about to be
    committed), and send them once the request's changes are committed."""
    from tracker.people.mail import invitation_letter, send_now

    inviter = current_user.full_name
    for officer in officers:
        mark_invited(db.session, officer, current_user)
    letters = [invitation_letter(officer, inviter) for officer in officers]

    def send() -> None:
        failed = send_now(letters)
        if failed:
            flash(
                _(
                    "Chưa gửi được thư mời đến: %(who)s. Máy chủ thư chưa nhận thư; hãy bấm "
                    "“Gửi lại lời mời” sau.",
                    who=", ".join(letter.to_address for letter in failed),
                ),
                "warning",
            )

    after_commit(send)


@bp.route("/units/<unit_code>/officers/new", methods=["GET", "POST"])
@login_required
@single_use
def new_officer(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_OFFICERS, unit)
    form = OfficerForm()
    _role_choices(form, unit)
    if request.method == "GET":
        form.roles.data = [Role.OFFICER.value]
    if form.validate_on_submit():
        try:
            officer = add_officer(db.session, unit, _input(form), current_user)
            invite_after_commit([officer])
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            flash(
                _(
                    "Đã thêm %(name)s. Thư mời đặt mật khẩu được gửi đến %(email)s.",
                    name=officer.full_name,
                    email=officer.email,
                ),
                "success",
            )
            return redirect(_officers_page(unit))
    return render_template("people/form.html", unit=unit, form=form, officer=None)


@bp.route("/officers/<int:officer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_officer(officer_id: int):
    officer = officer_or_404(officer_id)
    if not may_manage_officer(current_user, officer, officer.unit):
        abort(403)
    form = OfficerForm(obj=officer) if request.method == "GET" else OfficerForm()
    _role_choices(form, officer.unit)
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in officer.roles)
    if form.validate_on_submit():
        try:
            update_officer(db.session, officer, _input(form), current_user)
        except Refusal as refusal:
            show_refusal(refusal, form)
            officer = officer_or_404(officer_id)  # as saved: the page's title and actions
        else:
            flash(_("Đã lưu thông tin của %(name)s.", name=officer.full_name), "success")
            return redirect(_officers_page(officer))
    return render_template("people/form.html", unit=officer.unit, form=form, officer=officer)


def _managed(officer_id: int) -> Officer:
    officer = officer_or_404(officer_id)
    if not may_manage_officer(current_user, officer, officer.unit):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    return officer


@bp.route("/officers/<int:officer_id>/invite", methods=["POST"])
@login_required
def invite(officer_id: int):
    officer = _managed(officer_id)
    try:
        invite_after_commit([officer])
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(_("Đã gửi lại lời mời đến %(email)s.", email=officer.email), "success")
    return redirect(_officers_page(officer))


@bp.route("/officers/<int:officer_id>/reactivate", methods=["POST"])
@login_required
def reactivate_officer(officer_id: int):
    officer = _managed(officer_id)
    try:
        reactivate(db.session, officer, current_user)
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(
            _(
                "Đã mở lại tài khoản của %(name)s. Nếu cần, gửi lại lời mời để đặt mật khẩu mới.",
                name=officer.full_name,
            ),
            "success",
        )
    return redirect(_officers_page(officer))


@bp.route("/units/<unit_code>/officers/import", methods=["GET", "POST"])
@login_required
def import_list(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_OFFICERS, unit)
    form = ImportOfficersForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            officers = import_officers(
                db.session, unit, upload.filename or "", upload.read(), current_user
            )
            invite_after_commit(officers)
        except ImportProblems as exc:
            discard()
            problems = exc.messages
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash(
                _(
                    "Đã nhập %(n)s cán bộ; thư mời đặt mật khẩu được gửi đến từng người.",
                    n=len(officers),
                ),
                "success",
            )
            return redirect(_officers_page(unit))
    return render_template(
        "people/import.html", unit=unit, form=form, problems=problems, role_labels=role_labels()
    )
