"""Pages: the reminders an officer was sent, a unit's reminders, its settings, one email, and
the development outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.permissions import Action, authorize
from tracker.core.refusals import Refusal, show_refusal
from tracker.extensions import db
from tracker.people.models import Role
from tracker.people.queries import unit_or_404
from tracker.reminders import bp
from tracker.reminders.forms import EmailPreferenceForm, PreferencesForm, SettingsForm
from tracker.reminders.models import OPTIONAL_REMINDERS, ReminderEmail
from tracker.reminders.operations import (
    SettingsInput,
    check_settings,
    save_settings,
    set_email_reminders,
    settings_of,
)
from tracker.reminders.preferences import preferences_of, save_preferences
from tracker.reminders.queries import (
    email_counts,
    officer_reminders,
    recent_emails,
    unit_reminders,
)
from tracker.reminders.settings import outbox_enabled, pass_time


@bp.route("/reminders")
@login_required
def mine():
    return render_template(
        "reminders/mine.html",
        items=officer_reminders(db.session, current_user.id),
        form=EmailPreferenceForm(formdata=None),
    )


@bp.route("/reminders/email", methods=["POST"])
@login_required
def email_preference():
    form = EmailPreferenceForm()
    if not form.validate_on_submit():
        abort(400)
    enabled = form.enabled.data == "1"
    set_email_reminders(db.session, current_user, enabled)
    if enabled:
        flash(_("Đã bật nhắc việc qua email."), "success")
    else:
        flash(_("Đã tắt nhắc việc qua email; nhắc việc vẫn hiện trong Thông báo."), "success")
    return redirect(url_for("reminders.mine"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """Cài đặt thông báo: the officer's daily email hour and the optional reminders they
    receive; those their unit requires, and overdue reminders, cannot be turned off."""
    officer = current_user
    required = settings_of(db.session, officer.unit).required
    current = preferences_of(db.session, officer.id)
    form = PreferencesForm(
        data={
            "email_reminders": officer.email_reminders,
            "email_hour": "" if current.email_hour is None else str(current.email_hour),
            "receive": [k for k in OPTIONAL_REMINDERS if k not in current.muted],
        }
    )
    if form.validate_on_submit():
        hour = form.email_hour.data
        receive = set(form.receive.data or ()) | required  # a required box cannot be cleared
        try:
            save_preferences(
                db.session,
                officer,
                email_hour=int(hour) if hour else None,
                muted=set(OPTIONAL_REMINDERS) - receive,
                required=required,
            )
            set_email_reminders(db.session, officer, bool(form.email_reminders.data))
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            flash(_("Đã lưu cài đặt thông báo."), "success")
            return redirect(url_for("reminders.preferences"))
    return render_template(
        "reminders/preferences.html",
        form=form,
        required=required,
        default_time=pass_time(),
    )


@bp.route("/units/<unit_code>/reminders")
@login_required
def unit(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.SEE_LEADER_VIEWS, unit)
    return render_template(
        "reminders/unit.html",
        unit=unit,
        items=unit_reminders(db.session, unit.id),
        counts=email_counts(db.session, unit.id),
        policy=settings_of(db.session, unit),
        outbox=outbox_enabled(),
    )


@bp.route("/units/<unit_code>/reminders/settings", methods=["GET", "POST"])
@login_required
def settings(unit_code: str):
    unit = unit_or_404(unit_code)
    authorize(current_user, Action.MANAGE_PLANS, unit)
    current = SettingsInput.from_policy(settings_of(db.session, unit))
    form = SettingsForm(
        data={
            **current.__dict__,
            "digest_weekday": "" if current.digest_weekday is None else str(current.digest_weekday),
            "required": list(current.required),
        }
    )
    if form.is_submitted():
        valid = form.validate()
        weekday = form.digest_weekday.data
        data = SettingsInput(
            days_before=form.days_before.data or "",
            on_deadline=form.on_deadline.data,
            overdue_every=form.overdue_every.data,
            escalate_after=form.escalate_after.data,
            copy_supporters=form.copy_supporters.data,
            digest_weekday=int(weekday) if weekday and weekday.isdigit() else None,
            meeting_days_before=form.meeting_days_before.data,
            required=tuple(form.required.data or ()),
        )
        refused = check_settings(data)
        for name, message in refused.items():
            field = getattr(form, name)
            if not field.errors:  # one message per field: the form's own comes first
                field.errors = [message]
        if valid and not refused:
            save_settings(db.session, unit, data)
            flash(_("Đã lưu cài đặt nhắc việc."), "success")
            return redirect(url_for("reminders.unit", unit_code=unit.code))
    return render_template("reminders/settings.html", unit=unit, form=form)


@bp.route("/reminders/emails/<int:email_id>")
@login_required
def email(email_id: int):
    """One email as it was written: to its recipient, and to the leaders of their unit."""
    email = db.session.get(ReminderEmail, email_id)
    if email is None:
        abort(404)
    if email.recipient_id != current_user.id:
        authorize(current_user, Action.READ_OUTBOX, email.recipient.unit)
    return render_template("reminders/email.html", email=email)


@bp.route("/reminders/outbox")
@login_required
def outbox():
    """Development: the latest reminder emails with what they say (TRACKER_MAIL_OUTBOX)."""
    if not outbox_enabled():
        abort(404)
    authorize(current_user, Action.READ_OUTBOX, current_user.unit)
    admin = current_user.has_role(Role.ADMIN)  # who reads every unit's
    emails = recent_emails(db.session, None if admin else current_user.unit_id)
    return render_template("reminders/outbox.html", emails=emails)
