"""Deactivate an officer, or move them to another unit: one page listing the open tasks they
lead, a new lead for each (or one for all), one action (tasks.handover)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.permissions import may_manage_officer, may_transfer
from tracker.core.refusals import Refusal, show_refusal
from tracker.extensions import db
from tracker.people.forms import HandoverForm
from tracker.people.models import Officer, Unit
from tracker.people.queries import active_officers, officer_or_404, units_by_name
from tracker.tasks import bp
from tracker.tasks.handover import (
    ALL_FIELD,
    FIELD,
    deactivate_officer,
    new_leads_from,
    open_tasks_led_by,
    transfer_officer,
)


def _transfer_targets(officer: Officer) -> list[Unit]:
    return [
        unit
        for unit in units_by_name(db.session)
        if may_transfer(current_user, officer, officer.unit, unit)
    ]


def _page(officer: Officer, form: HandoverForm, mode: str, errors: dict[str, str]):
    tasks = open_tasks_led_by(db.session, officer)
    candidates = [o for o in active_officers(db.session, officer.unit_id) if o.id != officer.id]
    return render_template(
        "people/handover.html",
        officer=officer,
        unit=officer.unit,
        form=form,
        mode=mode,
        tasks=tasks,
        candidates=candidates,
        chosen={key: request.form.get(key, "") for key in request.form},
        errors=errors,
        field_name=FIELD,
        all_field=ALL_FIELD,
    )


def _handover(officer_id: int, mode: str):
    officer = officer_or_404(officer_id)
    if not may_manage_officer(current_user, officer, officer.unit):
        abort(403)
    form = HandoverForm()
    targets: list[Unit] = []
    if mode == "transfer":
        targets = _transfer_targets(officer)
        if not targets:
            abort(403)  # no unit this officer could be moved to by this user
        form.unit_id.choices = [("", _("— Chọn đơn vị —"))] + [(str(u.id), u.name) for u in targets]
    errors: dict[str, str] = {}
    home = officer.unit.code  # back to the list the officer was on
    if form.validate_on_submit():
        tasks = open_tasks_led_by(db.session, officer)
        new_leads = new_leads_from(request.form, tasks)
        try:
            if mode == "transfer":
                raw = form.unit_id.data or ""
                unit = next((u for u in targets if str(u.id) == raw), None)
                done = transfer_officer(db.session, officer, current_user, unit, new_leads)
                message = _(
                    "Đã chuyển %(name)s sang %(unit)s; %(n)s nhiệm vụ đã giao người chủ trì mới.",
                    name=officer.full_name,
                    unit=unit.name if unit else "",
                    n=done.tasks,
                )
            else:
                done = deactivate_officer(db.session, officer, current_user, new_leads)
                message = _(
                    "Đã ngừng hoạt động tài khoản của %(name)s; %(n)s nhiệm vụ đã giao người "
                    "chủ trì mới.",
                    name=officer.full_name,
                    n=done.tasks,
                )
        except Refusal as refusal:
            # Each task's reason on its own line of the list; the rest above the page.
            errors = {k: v for k, v in refusal.errors.items() if k.startswith("lead_")}
            rest = {k: v for k, v in refusal.errors.items() if k not in errors}
            show_refusal(Refusal(rest), form)
            officer = officer_or_404(officer_id)  # as saved
        else:
            flash(message, "success")
            return redirect(url_for("people.index", unit_code=home))
    elif form.is_submitted():
        abort(400)
    return _page(officer, form, mode, errors)


@bp.route("/officers/<int:officer_id>/deactivate", methods=["GET", "POST"])
@login_required
def deactivate(officer_id: int):
    return _handover(officer_id, "deactivate")


@bp.route("/officers/<int:officer_id>/transfer", methods=["GET", "POST"])
@login_required
def transfer(officer_id: int):
    return _handover(officer_id, "transfer")
