"""How dates and numbers read on pages: dd/mm/yyyy, Vietnamese digit grouping."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal, get_group_symbol
from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask_babel import force_locale, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from tracker.core.clock import demo_date, local_zone, to_local, today
from tracker.core.shell import init_shell, page_menu, shell_url
from tracker.core.status import DeadlineClass, TaskState

LANGUAGE_SESSION_KEY = "lang"


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs speak the product's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get(LANGUAGE_SESSION_KEY)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return str(local_zone())


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def format_file_size(size: int | None) -> str:
    """10485760 -> "10 MB", 2621440 -> "2,5 MB" (binary megabytes, as file managers show)."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} KB"
    megabytes = Decimal(size) / (1024 * 1024)
    shown = format_number(megabytes.quantize(Decimal("0.1")), digits=1)
    return f"{shown.removesuffix(',0').removesuffix('.0')} MB"


def upload_limit() -> int:
    """The largest request (so the largest file) the server takes: MAX_CONTENT_LENGTH."""
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _locale() -> str:
    try:
        return str(get_locale() or "vi")
    except RuntimeError:  # outside a request (CLI, exports): the product's language
        return "vi"


@functools.lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def _is_whole(value) -> bool:
    # Not bool (an int) and not a signed zero (Babel writes Decimal("-0") as "-0").
    if type(value) is int:
        return True
    return type(value) is Decimal and value.is_finite() and value == value.to_integral_value() \
        and bool(value)


def format_number(
    value: int | float | Decimal | None, digits: int = 0, locale: str | None = None
) -> str:
    """12175 -> "12.175"; 27.3 -> "27,3" in Vietnamese."""
    if value is None:
        return ""
    if not digits and _is_whole(value):
        # A whole number, the common case (pages show hundreds): Python's grouping with the
        # language's separator, what Babel's "#,##0" gives, without its pattern machinery.
        return f"{int(value):,}".replace(",", _group_symbol(locale or _locale()))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale or _locale())


def format_figure(value: Decimal, locale: str | None = None) -> str:
    """A typed figure with its own decimals (at most 3): 12175 -> "12.175", 7972.5 -> "7.972,5"."""
    return format_decimal(value, format="#,##0.###", locale=locale or _locale())


def format_percent(value: Decimal | None, locale: str | None = None) -> str:
    """A rate from core.status.percent; None reads as "not applicable", never 0 %."""
    if value is None:
        return "—"
    return f"{format_number(value, 1, locale)}%"


def format_audit_value(value) -> str:
    """An audit record's stored value (JSON) as people read it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(format_audit_value(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


# The one label table of the statuses: the four deadline classes (colours in
# static/css/tracker.css), the two groupings the task list filters by, and the two workflow
# states shown as badges beside the class.
STATUS_LABELS = {
    DeadlineClass.DONE_ON_TIME.value: _l("Hoàn thành đúng hạn"),
    DeadlineClass.DONE_LATE.value: _l("Hoàn thành quá hạn"),
    DeadlineClass.OPEN_ON_TIME.value: _l("Đang thực hiện trong hạn"),
    DeadlineClass.OPEN_OVERDUE.value: _l("Quá hạn, chưa hoàn thành"),
    "open": _l("Chưa hoàn thành"),  # open_on_time + open_overdue
    "done": _l("Đã hoàn thành"),  # done_on_time + done_late
    # The workflow states an officer must see beside the class (core.status.TaskState).
    TaskState.RETURNED.value: _l("Bị trả lại"),
    TaskState.PENDING_CONFIRMATION.value: _l("Chờ xác nhận"),
}


# Colour bands of a rate, with the four status colours (the CCHC index's thresholds: 90 % and
# over full points, 70 % to under 90 % half, under 70 % none); a rate over nothing has no band.
RATE_BANDS = {
    "high": (Decimal(90), DeadlineClass.DONE_ON_TIME.value, _l("Từ %(high)s %% trở lên", high=90)),
    "medium": (
        Decimal(70),
        DeadlineClass.DONE_LATE.value,
        _l("Từ %(medium)s %% đến dưới %(high)s %%", medium=70, high=90),
    ),
    "low": (Decimal(0), DeadlineClass.OPEN_OVERDUE.value, _l("Dưới %(medium)s %%", medium=70)),
    "none": (None, DeadlineClass.OPEN_ON_TIME.value, _l("Không phát sinh")),
}


def rate_band(rate: Decimal | None) -> str:
    """The band of a rate of core.status.percent: "high", "medium", "low", or "none"."""
    if rate is None:
        return "none"
    for band, (floor, _cls, _label) in RATE_BANDS.items():
        if floor is not None and rate >= floor:
            return band
    return "low"


def status_labels(locale: str | None = None) -> dict[str, str]:
    """The labels translated: in the page's language, or in `locale` (files carry "vi")."""
    if locale is not None:
        with force_locale(locale):
            return {key: str(label) for key, label in STATUS_LABELS.items()}
    labels = g.get("status_labels")
    if labels is None:  # once per request: pages show dozens
        labels = g.status_labels = _labels_in(str(get_locale() or "vi"))
    return labels


@functools.lru_cache(maxsize=8)
def _labels_in(locale: str) -> dict[str, str]:
    # Once per language and process: the catalogues are compiled before the app starts.
    with force_locale(locale):
        return {key: str(label) for key, label in STATUS_LABELS.items()}


def status_label(cls: str) -> str:
    """A deadline class's (or grouping's) label in the page's language."""
    return status_labels()[str(cls)]


def status_badge(cls: str) -> Markup:
    """A deadline class as its coloured badge (colours in static/css/tracker.css): the one
    definition, for the templates' macro and the rows written in Python."""
    return Markup(f'<span class="badge status-{escape(cls)}">{escape(status_label(cls))}</span>')


def task_url(task_id: int) -> str:
    """The task page's URL: one `url_for` a request, then the id put in its place (lists of
    tasks link every row, and url_for costs as much as the rest of a row)."""
    parts = g.get("_task_url_parts")
    if parts is None:
        placeholder = str(2**31 - 1)
        parts = g._task_url_parts = url_for("tasks.detail", task_id=placeholder).split(
            placeholder
        )
    return f"{parts[0]}{int(task_id)}{parts[1]}"


def _request_translations():
    # Flask-Babel looks the catalogue up anew for every string; a page has hundreds.
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def init_templates(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["page_menu"] = page_menu
    app.jinja_env.globals["shell_url"] = shell_url
    init_shell(app)
    app.jinja_env.globals["task_url"] = task_url
    app.jinja_env.globals["status_badge_html"] = status_badge
    app.jinja_env.globals["demo_date"] = demo_date  # the shell's banner
    app.jinja_env.globals["product_today"] = today  # where the date picker opens
    app.jinja_env.filters["audit_value"] = format_audit_value
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["filesize"] = format_file_size
    app.jinja_env.globals["upload_limit"] = upload_limit
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_globals() -> dict:
        from tracker.core.permissions import Action, can

        return {
            "Action": Action,
            "can": can,
            "current_locale": _locale(),
            "request_path": request.path if request else "/",
        }
