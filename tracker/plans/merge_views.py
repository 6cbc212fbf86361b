"""Merging units (plans.merging): the system administrator's form, a preview, the merger."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.once import single_use
from tracker.core.permissions import Action, authorize, can
from tracker.core.refusals import Refusal, show_refusal
from tracker.extensions import db
from tracker.people.models import UnitKind
from tracker.people.unit_forms import KIND_LABELS, MergeForm
from tracker.people.unit_views import parent_choices, unit_input
from tracker.people.units import unit_tree
from tracker.plans import bp
from tracker.plans.merging import merge_units, preview_merge


@bp.route("/units/merge", methods=["GET", "POST"])
@login_required
@single_use
def merge():
    home = current_user.unit
    authorize(current_user, Action.MERGE_UNITS, home)
    form = MergeForm()
    parent_choices(form, None)
    if not form.is_submitted():
        form.kind.data = UnitKind.WARD.value  # most mergers of 2025 made wards and communes
    # The open units one may merge: at and below one's own, without the top itself.
    candidates = [
        row.unit
        for row in unit_tree(db.session, home)[1:]
        if row.unit.is_open and can(current_user, Action.MERGE_UNITS, row.unit)
    ]
    form.sources.choices = [(u.code, u.name) for u in candidates]
    preview = None
    if form.validate_on_submit():
        by_code = {u.code: u for u in candidates}
        chosen = [by_code[c] for c in dict.fromkeys(form.sources.data or []) if c in by_code]
        try:
            if len(chosen) != len(set(form.sources.data or [])):
                raise Refusal(_("Chọn các đơn vị trong danh sách."), "sources")
            data = unit_input(form)
            preview = preview_merge(db.session, current_user, chosen, data.parent)
            if form.confirm.data == "1" and form.submit.data:
                new = merge_units(db.session, current_user, chosen, form.code.data or "", data)
                flash(
                    _("Đã sáp nhập %(names)s vào %(unit)s.",
                      names=", ".join(u.name for u in chosen), unit=new.name),
                    "success",
                )
                return redirect(url_for("plans.index", unit_code=new.code))
            form.confirm.data = "1"
        except Refusal as refusal:
            show_refusal(refusal, form)
            preview = None
            form.confirm.data = ""
    return render_template(
        "plans/merge.html", form=form, preview=preview, kind_labels=KIND_LABELS
    )
