"""The words of a reminder: the in-app notice, and the daily email (subject, text, HTML).

Written in Vietnamese, as stored notices are (the email is the same for every reader; the
product's interface language is a reader's choice on the pages, not in their inbox).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask import Flask, current_app

from tracker.reminders.models import RecipientRole, ReminderKind
from tracker.reminders.settings import setting


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def quoted_title(title: str, label: str = "") -> str:
    return f"“{title}” ({label})" if label else f"“{title}”"


def status_phrase(kind: ReminderKind, days: int | None, deadline: date | None) -> str:
    """ "còn 3 ngày làm việc (hạn 15/03/2024)", "quá hạn 4 ngày làm việc (hạn …)"."""
    if kind is ReminderKind.DUE:
        return f"đến hạn hôm nay ({_d(deadline)})"
    if kind is ReminderKind.MEETING:
        left = f", còn {days} ngày làm việc" if days else ""
        return f"họp ngày {_d(deadline)}{left}"
    if kind is ReminderKind.REPORT:
        left = f", còn {days} ngày làm việc" if days else ""
        return f"hạn gửi báo cáo {_d(deadline)}{left}"
    if kind in (ReminderKind.OVERDUE, ReminderKind.ESCALATION):
        return f"quá hạn {days or 0} ngày làm việc (hạn {_d(deadline)})"
    if kind is ReminderKind.BEFORE:
        if days:
            return f"còn {days} ngày làm việc (hạn {_d(deadline)})"
        return f"hạn {_d(deadline)} (ngày nghỉ): hoàn thành trong ngày làm việc này"
    return f"hạn {_d(deadline)}" if deadline else ""


def notice_text(
    kind: ReminderKind,
    role: RecipientRole,
    *,
    title: str = "",
    label: str = "",
    deadline: date | None = None,
    days: int | None = None,
    lead_name: str = "",
    counts: tuple[int, ...] | None = None,
) -> str:
    """The in-app notification of one reminder."""
    if kind is ReminderKind.DIGEST:
        overdue, pending = counts or (0, 0)
        return (
            f"Tổng hợp tuần: {overdue} nhiệm vụ quá hạn, {pending} nhiệm vụ chờ xác nhận "
            "hoàn thành."
        )
    if kind is ReminderKind.MEETING:
        due, done, overdue = (*(counts or ()), 0, 0, 0)[:3]
        return (
            f"Họp giao ban CCHC: {status_phrase(kind, days, deadline)}. Việc của bạn trong "
            f"tháng: {due} đến hạn, {done} đã hoàn thành, {overdue} quá hạn."
        )
    if kind is ReminderKind.REPORT:
        return (
            f"Báo cáo CCHC {title}: Phụ lục 1 chưa chốt số liệu; hạn gửi báo cáo "
            f"{_d(deadline)}" + (f", còn {days} ngày làm việc." if days else " (hôm nay).")
        )
    what = quoted_title(title, label)
    if kind is ReminderKind.ESCALATION:
        who = f", chủ trì: {lead_name}" if lead_name else ", chưa có người chủ trì"
        return f"Nhiệm vụ {what} {status_phrase(kind, days, deadline)}{who}."
    prefix = "Nhắc việc (phối hợp)" if role is RecipientRole.SUPPORTER else "Nhắc việc"
    if kind is ReminderKind.DUE:
        return f"{prefix}: hôm nay ({_d(deadline)}) là hạn của nhiệm vụ {what}."
    return f"{prefix}: nhiệm vụ {what} {status_phrase(kind, days, deadline)}."


# ---------------------------------------------------------------------------- email


@dataclass(frozen=True)
class Line:
    """One task in an email."""

    title: str
    url: str
    status: str = ""
    plan: str = ""
    label: str = ""
    lead: str = ""
    supporting: bool = False


@dataclass
class Section:
    key: str
    heading: str
    lines: list[Line] = field(default_factory=list)


# The email's sections, in the order it shows them.
SECTIONS: Sequence[tuple[str, str]] = (
    ("overdue", "Nhiệm vụ quá hạn"),
    ("due", "Đến hạn hôm nay"),
    ("before", "Sắp đến hạn"),
    ("supporting", "Nhiệm vụ bạn phối hợp"),
    ("escalation", "Báo cáo lãnh đạo: nhiệm vụ quá hạn kéo dài"),
    ("prompt", "Đôn đốc của lãnh đạo"),
    ("explanation", "Yêu cầu giải trình"),
    ("meeting", "Họp giao ban CCHC: việc của bạn trong tháng"),
    ("report", "Báo cáo CCHC định kỳ chưa chốt số liệu"),
    ("other", "Nhắc việc khác"),
)


def section_of(kind: ReminderKind, role: RecipientRole) -> str:
    if kind is ReminderKind.ESCALATION:
        return "escalation"
    if kind is ReminderKind.MEETING:
        return "meeting"
    if kind is ReminderKind.REPORT:
        return "report"
    if role is RecipientRole.SUPPORTER and kind in (
        ReminderKind.BEFORE,
        ReminderKind.DUE,
        ReminderKind.OVERDUE,
    ):
        return "supporting"
    if kind in (
        ReminderKind.OVERDUE,
        ReminderKind.DUE,
        ReminderKind.BEFORE,
        ReminderKind.PROMPT,
        ReminderKind.EXPLANATION,
    ):
        return kind.value
    return "other"


@dataclass
class Digest:
    """The weekly digest of a unit, as of the day the email goes out."""

    unit_name: str
    overdue: list[Line]
    pending: list[Line]
    dashboard_url: str


@dataclass
class EmailContent:
    subject: str
    text: str
    html: str


def subject_line(day: date, sections: Iterable[Section], digest: Digest | None) -> str:
    counts = {s.key: len(s.lines) for s in sections}
    parts = []
    if counts.get("overdue"):
        parts.append(f"{counts['overdue']} quá hạn")
    if counts.get("due"):
        parts.append(f"{counts['due']} đến hạn hôm nay")
    if counts.get("before"):
        parts.append(f"{counts['before']} sắp đến hạn")
    if counts.get("supporting"):
        parts.append(f"{counts['supporting']} phối hợp")
    if counts.get("escalation"):
        parts.append(f"{counts['escalation']} quá hạn kéo dài")
    if counts.get("prompt"):
        parts.append("đôn đốc của lãnh đạo")
    if counts.get("explanation"):
        parts.append("yêu cầu giải trình")
    if counts.get("meeting"):
        parts.append("họp giao ban")
    if counts.get("report"):
        parts.append("báo cáo định kỳ chưa chốt")
    if counts.get("other"):
        parts.append(f"{counts['other']} việc khác")
    if digest is not None:
        parts.append("tổng hợp tuần")
    summary = ", ".join(parts) or "nhắc việc"
    return f"[Nhắc việc CCHC] {_d(day)}: {summary}"


def render_email(
    *,
    recipient_name: str,
    day: date,
    sections: list[Section],
    digest: Digest | None,
    reminders_url: str,
    app: Flask | None = None,
) -> EmailContent:
    app = app or current_app
    shown = [s for s in sections if s.lines]
    context = {
        "recipient_name": recipient_name,
        "day": day,
        "sections": shown,
        "digest": digest,
        "reminders_url": reminders_url,
    }
    env = app.jinja_env
    return EmailContent(
        subject=subject_line(day, shown, digest),
        text=env.get_template("reminders/email/daily.txt").render(context),
        html=env.get_template("reminders/email/daily.html").render(context),
    )


def url_builder(app: Flask | None = None) -> Callable[..., str]:
    """Absolute links to the product's pages, from `TRACKER_BASE_URL` (no request needed)."""
    app = app or current_app
    base = urlsplit(str(setting("TRACKER_BASE_URL", app)))
    adapter = app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )

    def build(endpoint: str, **values) -> str:
        return adapter.build(endpoint, values, force_external=True)

    return build
