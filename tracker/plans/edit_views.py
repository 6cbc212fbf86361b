"""Plan pages that change a plan: new, edit, archive, next year's, its fields."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.forms import Form
from tracker.core.once import single_use
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Conflict, Refusal, show_refusal
from tracker.core.transactions import discard
from tracker.extensions import db
from tracker.people.models import Role
from tracker.people.queries import active_officers, unit_or_404
from tracker.plans import bp
from tracker.plans.editing import (
    FieldsInput,
    archive_plan,
    create_plan,
    plan_leaders,
    save_fields,
    unarchive_plan,
    update_plan,
)
from tracker.plans.forms import PlanForm, plan_input
from tracker.plans.models import Plan
from tracker.plans.next_year import draft_tasks, next_year_input, start_next_year
from tracker.plans.queries import archived_plans, plans_like


def _submitted(form: PlanForm, save):
    """Run `save` on what was typed; every problem, typed or refused, shown at once. The
    result, or None when the form must be shown again."""
    typed_ok = form.validate()
    try:
        result = save(form.data_input())
    except Conflict as conflict:
        show_refusal(conflict, form)
        # Saving again, knowingly, goes over the other leader's change.
        form.version.data = str(conflict.current_version)
        return None
    except Refusal as refusal:
        show_refusal(refusal, form)
        return None
    if not typed_ok:
        discard()
        return None
    return result


@bp.route("/units/<unit_code>/plans/new", methods=["GET", "POST"])
@login_required
@single_use
def create(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_PLANS, unit)
    form = PlanForm(plan_leaders(db.session, unit.id))
    if form.is_submitted():
        plan = _submitted(form, lambda data: create_plan(db.session, unit, data, current_user))
        if plan is not None:
            flash(_("Đã tạo kế hoạch “%(title)s”. Hãy thêm lĩnh vực và nhiệm vụ.",
                    title=plan.title), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form, unit=unit, plan=None)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    authorize(current_user, Action.MANAGE_PLANS, plan)
    form = PlanForm(plan_leaders(db.session, plan.unit_id))
    if not form.is_submitted():
        form.fill(plan_input(plan))
    elif _submitted(form, lambda data: update_plan(db.session, plan, data, current_user)):
        flash(_("Đã lưu kế hoạch."), "success")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form, unit=plan.unit, plan=plan)


@bp.route("/plans/<int:plan_id>/archive", methods=["POST"])
@login_required
def archive(plan_id: int):
    return _archiving(plan_id, archive_plan, _("Đã lưu trữ kế hoạch: không còn trong danh sách "
                                               "và số liệu; có thể khôi phục."))


@bp.route("/plans/<int:plan_id>/unarchive", methods=["POST"])
@login_required
def unarchive(plan_id: int):
    return _archiving(plan_id, unarchive_plan, _("Đã khôi phục kế hoạch."))


def _archiving(plan_id: int, operation, done: str):
    plan = db.get_or_404(Plan, plan_id)
    authorize(current_user, Action.MANAGE_PLANS, plan)
    form = Form()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn; hãy thử lại."), "warning")
    else:
        try:
            operation(db.session, plan, current_user)
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash(done, "success")
    return redirect(url_for("plans.detail", plan_id=plan_id))


@bp.route("/units/<unit_code>/plans/archived")
@login_required
def archived(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    return render_template("plans/archived.html", unit=unit,
                           plans=archived_plans(db.session, unit.id))


@bp.route("/plans/<int:plan_id>/next-year", methods=["GET", "POST"])
@login_required
@single_use
def next_year(plan_id: int):
    """Next year's plan from this one: the particulars to type, the tasks as they will be."""
    plan = db.get_or_404(Plan, plan_id)
    authorize(current_user, Action.MANAGE_PLANS, plan)
    form = PlanForm(plan_leaders(db.session, plan.unit_id))
    if not form.is_submitted():
        form.fill(next_year_input(plan))
    else:
        result = _submitted(
            form, lambda data: start_next_year(db.session, plan, data, current_user)
        )
        if result is not None:
            flash(_("Đã lập kế hoạch “%(title)s” từ kế hoạch năm trước: %(n)s nhiệm vụ.",
                    title=result.plan.title, n=result.tasks), "success")
            if result.to_assign:
                flash(_("%(n)s nhiệm vụ chưa có người chủ trì (người chủ trì cũ đã nghỉ), cần "
                        "giao: %(tasks)s.", n=len(result.to_assign),
                        tasks="; ".join(f"{t.ordinal}. {t.title}" for t in result.to_assign)),
                      "warning")
            return redirect(url_for("plans.detail", plan_id=result.plan.id))
    return render_template("plans/next_year.html", form=form, plan=plan,
                           drafts=draft_tasks(db.session, plan),
                           existing=plans_like(db.session, plan.unit_id, plan.kind,
                                               plan.start_year + 1))


def _number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else None


def _fields_input(plan: Plan) -> FieldsInput:
    data = FieldsInput(new_name=request.form.get("new_name", ""))
    for group in plan.groups:
        if (name := request.form.get(f"name-{group.id}")) is not None:
            data.names[group.id] = name
        data.positions[group.id] = _number(request.form.get(f"position-{group.id}", ""))
        if (raw := request.form.get(f"overseer-{group.id}")) is not None:
            data.overseers[group.id] = _number(raw) if raw else None
    move = request.form.get("move", "")
    direction, _sep, group_id = move.partition("-")
    if direction in ("up", "down") and (number := _number(group_id)) is not None:
        data.move = (number, -1 if direction == "up" else 1)
    return data


@bp.route("/plans/<int:plan_id>/fields", methods=["GET", "POST"])
@login_required
def fields(plan_id: int):
    """The plan's fields (lĩnh vực): names, order, and the vice chairperson overseeing each
    (Thông báo phân công: the chairperson's, ASSIGN_TASK)."""
    plan = db.get_or_404(Plan, plan_id)
    authorize(current_user, Action.MANAGE_PLANS, plan)
    may_assign = can(current_user, Action.ASSIGN_TASK, plan.unit)
    vice_chairs = [
        o
        for o in active_officers(db.session, plan.unit_id, with_roles=True)
        if o.has_role(Role.VICE_CHAIRPERSON)
    ]
    form = Form()
    if form.validate_on_submit():
        try:
            # A leader who may not assign sees the overseers disabled (not posted); a forged
            # overseer is refused by the operation.
            save_fields(db.session, plan, _fields_input(plan), current_user)
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash(_("Đã lưu các lĩnh vực của kế hoạch."), "success")
            return redirect(url_for("plans.fields", plan_id=plan.id))
    return render_template("plans/fields.html", plan=plan, vice_chairs=vice_chairs, form=form,
                           may_assign=may_assign)
