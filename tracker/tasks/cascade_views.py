"""Issuing one task to many communes (tasks.cascade): the province's form, and the parent's
and children's sections of the task page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from tracker.core.clock import today
from tracker.core.once import single_use
from tracker.core.permissions import Action, authorize, can, may_be_confirmer
from tracker.core.refusals import Refusal, show_refusal
from tracker.extensions import db
from tracker.people.models import Role
from tracker.people.queries import active_officers, unit_or_404
from tracker.plans.models import Plan, PlanKind
from tracker.tasks import bp
from tracker.tasks.cascade import (
    children_of,
    close_parent,
    has_children,
    issuable_units,
    issue_plan,
    issue_task,
    may_close,
    parent_of,
    plan_tasks_to_issue,
    preview_issue_plan,
)
from tracker.tasks.forms import ConfirmForm, IssueForm, IssuePlanForm, officer_choice
from tracker.tasks.models import Task
from tracker.tasks.operations import TaskInput
from tracker.tasks.views import TaskSection


def _fill(form: IssueForm, unit, targets) -> None:
    officers = active_officers(db.session, unit.id, with_roles=True)
    form.lead_officer_id.choices = [SelectChoice("", _("— Chọn cán bộ —"))] + [
        officer_choice(o) for o in officers
    ]
    form.confirmer_id.choices = [SelectChoice("", _("— Chọn lãnh đạo —"))] + [
        officer_choice(o) for o in officers if may_be_confirmer(o, unit)
    ]
    form.unit_ids.choices = [SelectChoice(str(u.id), u.name) for u in targets]
    if request.method == "GET":
        chair = next((o for o in officers if o.has_role(Role.CHAIRPERSON)), None)
        form.confirmer_id.data = chair.id if chair else None
        if any(o.id == current_user.id for o in officers):
            form.lead_officer_id.data = current_user.id


@bp.route("/units/<unit_code>/issue", methods=["GET", "POST"])
@login_required
@single_use
def issue(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.ISSUE_TO_UNITS, unit)
    targets = issuable_units(db.session, unit)
    form = IssueForm()
    _fill(form, unit, targets)
    if form.validate_on_submit():
        chosen = (
            [u.id for u in targets]
            if form.all_units.data != "chosen"
            else list(form.unit_ids.data or [])
        )
        data = TaskInput(
            title=form.title.data or "",
            deliverable=form.deliverable.data or "",
            lead_officer_id=form.lead_officer_id.data,
            confirmer_id=form.confirmer_id.data,
            deadline=form.deadline.date,
            notes=form.notes.data or "",
        )
        try:
            result = issue_task(db.session, unit, data, chosen, current_user)
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            if result.notice:
                flash(result.notice, "warning")
            flash(
                _("Đã giao nhiệm vụ cho %(n)s xã, phường.", n=len(result.children)), "success"
            )
            return redirect(url_for("tasks.detail", task_id=result.parent.id))
    elif form.is_submitted():
        flash(_("Chưa giao: xem các mục được đánh dấu bên dưới."), "danger")
    return render_template("tasks/issue.html", form=form, unit=unit, targets=targets)


@bp.route("/plans/<int:plan_id>/issue", methods=["GET", "POST"])
@login_required
@single_use
def issue_whole_plan(plan_id: int):
    """A whole plan issued to the communes: choose them, see what will be created, confirm."""
    plan = db.get_or_404(Plan, plan_id)
    authorize(current_user, Action.ISSUE_TO_UNITS, plan)
    unit = plan.unit
    targets = issuable_units(db.session, unit)
    form = IssuePlanForm()
    form.unit_ids.choices = [SelectChoice(str(u.id), u.name) for u in targets]
    preview = None
    if form.validate_on_submit():
        chosen = (
            [u.id for u in targets]
            if form.all_units.data != "chosen"
            else list(form.unit_ids.data or [])
        )
        try:
            preview = preview_issue_plan(db.session, plan, chosen, current_user)
            confirmed = form.submit.data and form.confirm.data == _fingerprint(preview)
            if form.submit.data and not confirmed:
                # The communes or the plan changed since the preview: show what is now true.
                flash(_("Danh sách đã thay đổi so với bản xem trước: xem lại rồi xác nhận."),
                      "warning")
            if confirmed:
                children = issue_plan(
                    db.session, plan, chosen, current_user, [t.id for t in preview.tasks]
                )
                flash(
                    _(
                        "Đã giao %(tasks)s nhiệm vụ của kế hoạch cho %(units)s xã, phường "
                        "(%(n)s nhiệm vụ được tạo).",
                        tasks=len({c.parent_task_id for c in children}),
                        units=len({c.plan_id for c in children}),
                        n=len(children),
                    ),
                    "success",
                )
                return redirect(url_for("plans.detail", plan_id=plan.id))
            form.confirm.data = _fingerprint(preview)
        except Refusal as refusal:
            show_refusal(refusal, form)
            preview = None
            form.confirm.data = ""
    elif form.is_submitted():
        form.confirm.data = ""
        flash(_("Chưa giao: xem các mục được đánh dấu bên dưới."), "danger")
    return render_template(
        "tasks/issue_plan.html",
        form=form,
        plan=plan,
        unit=unit,
        targets=targets,
        preview=preview,
        pending=plan_tasks_to_issue(db.session, plan) if preview is None else preview.tasks,
    )


def _fingerprint(preview) -> str:
    """What the officer saw in the preview: the confirmation issues exactly that or nothing."""
    units = ".".join(str(u.id) for u in preview.targets)
    tasks = ".".join(str(t.id) for t in preview.tasks)
    return f"{units}:{tasks}"


def cascade_section(task: Task):
    """The task page's section (listed in tracker.configure_task_page): a parent's children,
    "n/N xã đã hoàn thành", the laggards first; a child's link to the task it copies."""
    if task.parent_task_id is not None:
        parent = parent_of(db.session, task)
        visible = can(current_user, Action.VIEW_UNIT, parent.plan.unit)
        return TaskSection("tasks/_cascade_child.html", {"parent": parent, "visible": visible})
    if task.plan.kind is not PlanKind.ASSIGNED_TO_LOWER_LEVEL and not has_children(
        db.session, task
    ):
        return TaskSection("tasks/_empty_section.html", {})
    children = children_of(db.session, task, today())
    return TaskSection(
        "tasks/_cascade_parent.html",
        {"children": children, "may_close": may_close(db.session, task, children, current_user)},
    )


@bp.route("/tasks/<int:task_id>/close-issued", methods=["POST"])
@login_required
def close_issued(task_id: int):
    """The province's leader closes a task issued to communes once all have done it."""
    task = db.get_or_404(Task, task_id)
    authorize(current_user, Action.CONFIRM_COMPLETION, task)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        close_parent(db.session, task, current_user)
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(_("Đã xác nhận hoàn thành: tất cả xã, phường đã hoàn thành."), "success")
    return redirect(url_for("tasks.detail", task_id=task.id) + "#communes")
