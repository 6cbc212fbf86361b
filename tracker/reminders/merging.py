"""A merger's reminder rules (plans.merging, listed in tracker.configure_merging): the new unit
takes the old units' rules if they agree, else those of the unit bringing the most officers
(its officers are most of those reminded). Officers keep their own preferences."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.people.models import Unit
from tracker.plans.merging import Carried, MergeContext
from tracker.reminders.models import ReminderPolicy, ReminderSettings


def carry_reminder_settings(session: Session, context: MergeContext) -> Carried:
    rows = {
        r.unit_id: r
        for r in session.scalars(
            select(ReminderSettings).where(
                ReminderSettings.unit_id.in_([u.id for u in context.sources])
            )
        )
    }
    if not rows:
        return Carried([_("Quy tắc nhắc việc: mặc định, như các đơn vị cũ.")], lambda new: None)
    policies = {ReminderPolicy.from_settings(rows.get(u.id)) for u in context.sources}
    if len(policies) == 1:
        origin = next(u for u in context.sources if u.id in rows)
        line = _("Quy tắc nhắc việc: của các đơn vị cũ (giống nhau).")
    else:
        origin = min(context.sources, key=lambda u: (-len(context.officers[u.id]), u.id))
        line = _(
            "Quy tắc nhắc việc: theo %(unit)s, đơn vị có nhiều cán bộ nhất (các đơn vị cũ "
            "đặt khác nhau; sửa được sau khi sáp nhập).",
            unit=origin.name,
        )
    rules = rows.get(origin.id)

    def apply(new: Unit) -> None:
        if rules is None:  # the unit chosen kept the defaults: so does the new one
            return
        session.add(
            ReminderSettings(
                unit_id=new.id,
                days_before=rules.days_before,
                on_deadline=rules.on_deadline,
                overdue_every=rules.overdue_every,
                escalate_after=rules.escalate_after,
                copy_supporters=rules.copy_supporters,
                digest_weekday=rules.digest_weekday,
                meeting_days_before=rules.meeting_days_before,
                required=rules.required,
            )
        )

    return Carried([line], apply)
