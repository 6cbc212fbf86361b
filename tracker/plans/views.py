from typing import NamedTuple

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from tracker.core.clock import today
from tracker.core.dates import parse_date
from tracker.core.formatting import format_date
from tracker.core.fragments import KeptHtml, filled, reread_reader
from tracker.core.permissions import Action, authorize, can
from tracker.core.status import confirmed_late, deadline_class, in_plan_on, tally
from tracker.core.versions import with_version
from tracker.extensions import db
from tracker.people.models import Unit
from tracker.people.queries import kept_active_officer_rows, unit_or_404
from tracker.plans import bp
from tracker.plans.merging import merged_from
from tracker.plans.models import Plan
from tracker.plans.queries import plan_summaries
from tracker.plans.rendering import task_rows
from tracker.tasks.forms import BulkAssignForm, officer_choice
from tracker.tasks.queries import kept_plan_task_lines


def requested_as_of():
    """The `as_of` date of the query string, or today; a bad one is said, not fatal."""
    raw = request.args.get("as_of", "")
    if raw:
        parsed = parse_date(raw)
        if parsed is not None:
            return parsed
        flash(
            _("Ngày “%(value)s” không hợp lệ; đang hiển thị số liệu đến hôm nay.", value=raw),
            "warning",
        )
    return today()


@bp.route("/units/<unit_code>/plans")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    as_of = requested_as_of()
    summaries = plan_summaries(db.session, unit.id, as_of)
    return render_template(
        "plans/index.html",
        unit=unit,
        summaries=summaries,
        as_of=as_of,
        merged_from=merged_from(db.session, unit),
        merged_into=db.session.get(Unit, unit.merged_into_id) if unit.merged_into_id else None,
    )


def _status_on(task, as_of):
    """The task's class as of the date, or why the date's figures do not count it."""
    if in_plan_on(task, as_of):
        return deadline_class(task, as_of)
    if task.withdrawn_on is not None and task.withdrawn_on <= as_of:
        return _("Đã rút ngày %(day)s", day=format_date(task.withdrawn_on))
    return _("Giao ngày %(day)s", day=format_date(task.entered_on))


# The body of a plan's page, kept under its unit's data version, the date and the reader's
# rights (the rest of the key: core.fragments).
_BODIES = KeptHtml("plan pages", 256)


@bp.route("/plans/<int:plan_id>")
@login_required
def detail(plan_id: int):
    # The plan with its unit's data version, read before the data kept under it.
    found = with_version(db.session, Plan, plan_id)
    if found is None:
        abort(404)
    plan, version = found
    authorize(current_user, Action.VIEW_UNIT, plan.unit)
    as_of = requested_as_of()
    rights = _Rights(
        assign=can(current_user, Action.ASSIGN_TASK, plan.unit),
        manage=can(current_user, Action.MANAGE_PLANS, plan),
        issue=not plan.archived_at
        and plan.unit.kind.value in ("province", "city", "district")
        and can(current_user, Action.ISSUE_TO_UNITS, plan),
    )
    key = ("plan", plan.id, version, as_of, today(), rights)
    # Empty: the page names an officer of another unit, whose version the key lacks.
    kept = _BODIES.unfilled(key, lambda: _body(plan, version, as_of, rights, to_keep=True))
    body = filled(kept if kept else _body(plan, version, as_of, rights))
    return render_template("plans/detail.html", plan=plan, body=body)


class _Rights(NamedTuple):
    assign: bool  # bulk assignment of the plan's tasks
    manage: bool  # edit, fields, next year, archive
    issue: bool  # issue the whole plan to the communes below


def _body(plan: Plan, version: int, as_of, rights: _Rights, to_keep: bool = False) -> str:
    """The page's body; with `to_keep`, "" when it names an officer of another unit."""
    lines = kept_plan_task_lines(db.session, plan, version)
    if to_keep:
        if not lines.covered or (plan.leader is not None
                                 and plan.leader.unit_id != plan.unit_id):
            return ""
        if plan.leader_id == current_user.id:
            reread_reader(db.session)  # loaded before the version, named in the page
    tasks = lines.lines
    by_group: dict = {}
    for task in tasks:
        by_group.setdefault(task.group, []).append((task, _status_on(task, as_of)))
    groups = sorted(by_group.items(), key=lambda g: g[0].ordinal if g[0] else 0)
    assign_form = None
    if rights.assign:
        assign_form = BulkAssignForm(formdata=None)
        officers = kept_active_officer_rows(db.session, plan.unit_id, version)
        assign_form.lead_officer_id.choices = [SelectChoice("", _("— Chủ trì —"))] + [
            officer_choice(o) for o in officers
        ]
    return render_template(
        "plans/_detail_body.html",
        plan=plan,
        groups=groups,
        summary=tally(tasks, as_of),
        late=confirmed_late(tasks, as_of),
        as_of=as_of,
        assign_form=assign_form,
        manage=rights.manage,
        issue=rights.issue,
        plan_task_rows=task_rows,
    )
