from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.core.clock import today
from tracker.core.formatting import format_date
from tracker.core.permissions import Action, authorize, can, may_manage_officer
from tracker.core.workdays import national_holidays
from tracker.extensions import db
from tracker.people import bp
from tracker.people.forms import ActionForm, CalendarDayForm, WithdrawForm
from tracker.people.management import role_labels
from tracker.people.models import UnitCalendarDay
from tracker.people.operations import set_calendar_day, withdraw_calendar_day
from tracker.people.queries import unit_officers, unit_or_404, units_by_name


@bp.route("/units/<unit_code>/officers")
@login_required
def index(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    as_of = today()
    officers = unit_officers(db.session, unit.id, as_of)
    manager = can(current_user, Action.MANAGE_OFFICERS, unit)
    return render_template(
        "people/index.html",
        unit=unit,
        officers=officers,
        as_of=as_of,
        role_labels=role_labels(),
        manager=manager,
        managed={
            item.officer.id
            for item in officers
            if manager and may_manage_officer(current_user, item.officer, unit)
        },
        # Another unit whose officers this user manages: where an officer can be moved.
        movable=manager
        and any(
            u.id != unit.id and can(current_user, Action.MANAGE_OFFICERS, u)
            for u in units_by_name(db.session)
        ),
        action_form=ActionForm(formdata=None) if manager else None,
    )


@bp.route("/units/<unit_code>/calendar", methods=["GET", "POST"])
@login_required
def calendar(unit_code: str):
    """The unit's own days off and make-up working days, on top of the national calendar."""
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.VIEW_UNIT, unit)
    form = CalendarDayForm()
    if form.is_submitted():
        authorize(current_user, Action.MANAGE_CALENDAR, unit)
        if form.validate():
            if form.day.date is None:
                form.day.errors = [*form.day.errors, _("Nhập ngày (dd/mm/yyyy).")]
            else:
                set_calendar_day(
                    db.session,
                    unit,
                    form.day.date,
                    is_working_day=form.kind.data == "work",
                    note=form.note.data or "",
                )
                flash(_("Đã lưu ngày %(day)s.", day=format_date(form.day.date)), "success")
                return redirect(url_for("people.calendar", unit_code=unit.code))
    rows = db.session.scalars(
        select(UnitCalendarDay)
        .where(UnitCalendarDay.unit_id == unit.id, UnitCalendarDay.archived_at.is_(None))
        .order_by(UnitCalendarDay.day.desc())
    ).all()
    year = today().year
    holidays = sorted(national_holidays(year, str(get_locale())).items())
    return render_template(
        "people/calendar.html",
        unit=unit,
        form=form,
        rows=rows,
        holidays=holidays,
        year=year,
        withdraw_form=WithdrawForm(formdata=None),
    )


@bp.route("/units/<unit_code>/calendar/withdraw", methods=["POST"])
@login_required
def calendar_withdraw(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_CALENDAR, unit)
    form = WithdrawForm()
    raw = (form.row_id.data or "") if form.validate_on_submit() else ""
    row = db.session.get(UnitCalendarDay, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if row is None or row.unit_id != unit.id:
        abort(404)
    withdraw_calendar_day(db.session, row)
    flash(_("Đã bỏ ngày %(day)s.", day=format_date(row.day)), "success")
    return redirect(url_for("people.calendar", unit_code=unit.code))
