"""The units pages: the tree, a unit's form, closing, its administrators, its settings, and
who logged in. Views parse, authorize, call one operation, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.once import single_use
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Refusal, show_refusal
from tracker.extensions import db
from tracker.people import bp
from tracker.people.logins import PER_PAGE, login_history
from tracker.people.models import Officer, Unit, UnitKind
from tracker.people.queries import unit_or_404
from tracker.people.two_step import TWO_STEP_PRESETS
from tracker.people.unit_forms import (
    KIND_LABELS,
    ButtonForm,
    UnitAdminForm,
    UnitForm,
    UnitSettingsForm,
)
from tracker.people.units import (
    LATE_EXTENSIONS,
    UnitInput,
    close_unit,
    create_unit,
    reopen_unit,
    set_unit_admin,
    unit_officers_with_roles,
    unit_tree,
    update_settings,
    update_unit,
)


@bp.route("/units")
@login_required
def units():
    """The units the administrator manages: their own and every one below it."""
    home = current_user.unit
    authorize(current_user, Action.MANAGE_UNITS, home)
    return render_template(
        "people/units.html",
        rows=unit_tree(db.session, home),
        kind_labels=KIND_LABELS,
        button_form=ButtonForm(formdata=None),
    )


def parent_choices(form: UnitForm, unit: Unit | None) -> None:
    """The units one may put a unit under: those one manages, open, not the unit or below it."""
    rows = unit_tree(db.session, current_user.unit)
    below: set[int] = set()
    if unit is not None:
        below = {row.unit.id for row in unit_tree(db.session, unit)}
    choices = [
        (row.unit.code, "— " * row.depth + row.unit.name)
        for row in rows
        if row.unit.id not in below and row.unit.is_open
    ]
    if unit is not None and unit.parent is None:
        choices.insert(0, ("", _("(Không có — đơn vị cấp cao nhất)")))
    elif unit is not None and unit.parent.code not in {code for code, _label in choices}:
        # the administrator's own unit sits under one they do not manage: it may stay there
        choices.insert(0, (unit.parent.code, unit.parent.name))
    form.parent.choices = choices


def unit_input(form: UnitForm) -> UnitInput:
    errors = {}
    try:
        kind = UnitKind(form.kind.data or "")
    except ValueError:
        kind = UnitKind.WARD
        errors["kind"] = _("Chọn cấp, loại đơn vị trong danh sách.")
    code = form.parent.data or ""
    parent = None
    if code:
        # a code no unit could have (NUL, too long) is not looked up: PostgreSQL refuses NUL
        clean = "\x00" not in code and len(code) <= 64
        parent = db.session.scalar(db.select(Unit).where(Unit.code == code)) if clean else None
        if parent is None:
            errors["parent"] = _("Chọn đơn vị cấp trên trong danh sách.")
    if errors:
        raise Refusal(errors)
    return UnitInput(
        name=form.name.data or "", short_name=form.short_name.data or "", kind=kind, parent=parent
    )


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
@single_use
def unit_new():
    authorize(current_user, Action.MANAGE_UNITS, current_user.unit)
    form = UnitForm()
    parent_choices(form, None)
    if request.method == "GET":
        form.parent.data = request.args.get("parent", current_user.unit.code)[:64]
        form.kind.data = UnitKind.WARD.value
    if form.validate_on_submit():
        try:
            unit = create_unit(db.session, current_user, form.code.data or "", unit_input(form))
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            flash(_("Đã tạo đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("people.units"))
    return render_template("people/unit_form.html", form=form, unit=None)


@bp.route("/units/<unit_code>/edit", methods=["GET", "POST"])
@login_required
def unit_edit(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_UNITS, unit)
    form = UnitForm(obj=unit if request.method == "GET" else None)
    parent_choices(form, unit)
    if request.method == "GET":
        form.parent.data = unit.parent.code if unit.parent else ""
        form.kind.data = unit.kind.value
    if form.validate_on_submit():
        try:
            update_unit(db.session, current_user, unit, unit_input(form))
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            flash(_("Đã lưu đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("people.units"))
    return render_template("people/unit_form.html", form=form, unit=unit)


@bp.route("/units/<unit_code>/close", methods=["POST"])
@login_required
def unit_close(unit_code: str):
    return _open_or_close(unit_code, close_unit, _("Đã đóng đơn vị %(name)s."))


@bp.route("/units/<unit_code>/reopen", methods=["POST"])
@login_required
def unit_reopen(unit_code: str):
    return _open_or_close(unit_code, reopen_unit, _("Đã mở lại đơn vị %(name)s."))


def _open_or_close(unit_code: str, operation, done: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_UNITS, unit)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        operation(db.session, unit)
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(done % {"name": unit.name}, "success")
    return redirect(url_for("people.units"))


@bp.route("/units/<unit_code>/admins", methods=["GET", "POST"])
@login_required
def unit_admins(unit_code: str):
    """Who administers the unit (quản trị đơn vị): its officers, each named or not."""
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.ASSIGN_UNIT_ADMINS, unit)
    form = UnitAdminForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        raw = form.officer_id.data or ""
        officer = db.session.get(Officer, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if officer is None or officer.unit_id != unit.id or form.admin.data not in ("0", "1"):
            abort(404)
        try:
            set_unit_admin(db.session, unit, officer, form.admin.data == "1")
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            message = (
                _("%(name)s là quản trị đơn vị.", name=officer.full_name)
                if form.admin.data == "1"
                else _("%(name)s không còn là quản trị đơn vị.", name=officer.full_name)
            )
            flash(message, "success")
        return redirect(url_for("people.unit_admins", unit_code=unit.code))
    return render_template(
        "people/unit_admins.html",
        unit=unit,
        officers=unit_officers_with_roles(db.session, unit.id),
        form=UnitAdminForm(formdata=None),
    )


@bp.route("/units/<unit_code>/settings", methods=["GET", "POST"])
@login_required
def unit_settings(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_UNIT_SETTINGS, unit)
    form = UnitSettingsForm(obj=unit if request.method == "GET" else None)
    if request.method == "GET":
        form.late_extensions.data = next(
            key for key, value in LATE_EXTENSIONS.items() if value is unit.late_extension_counts
        )
        form.two_step.data = next(
            (key for key, value in TWO_STEP_PRESETS.items() if value == unit.two_step_roles),
            "inherit",
        )
    if form.validate_on_submit():
        try:
            update_settings(
                db.session,
                unit,
                name=form.name.data or "",
                short_name=form.short_name.data or "",
                late_extensions=form.late_extensions.data or "",
                two_step=form.two_step.data or "inherit",
            )
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            flash(_("Đã lưu cài đặt của đơn vị."), "success")
            return redirect(url_for("people.unit_settings", unit_code=unit.code))
    return render_template("people/unit_settings.html", unit=unit, form=form)


@bp.route("/units/<unit_code>/logins")
@login_required
def logins(unit_code: str):
    """Lịch sử đăng nhập: who logged in when, from where, and the failed attempts."""
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_LOGINS, unit)
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), 100_000)
    rows, total = login_history(db.session, unit.id, page)
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "people/logins.html", unit=unit, rows=rows, total=total, page=page, pages=pages,
        may_edit=can(current_user, Action.MANAGE_UNIT_SETTINGS, unit),
    )
