"""tracker: the administrative-reform workflow tracker of a ward People's Committee."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import CONFIGS, INSTANCE_DIR, Config

ROOT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    """Build the application. Starts no scheduler and runs no migration."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("TRACKER_CONFIG", "development")]
    app = Flask(
        __name__,
        instance_path=str(overrides.pop("INSTANCE_PATH", INSTANCE_DIR)),
        template_folder=str(ROOT_DIR / "templates"),
        static_folder="static",
    )
    configure_settings(app, config, overrides)
    configure_logging(app)
    configure_extensions(app)
    configure_transactions(app)
    configure_templates(app)
    configure_blueprints(app)
    configure_reminders(app)
    configure_task_page(app)
    configure_merging(app)
    configure_scheduler(app)
    configure_cli(app)
    return app


def configure_settings(app: Flask, config: type[Config], overrides: dict) -> None:
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.prepare(app.config, Path(app.instance_path))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(app: Flask) -> None:
    """Operations log one INFO line per action, each area to its logger under `tracker`
    (tracker.tasks, tracker.meetings…). Where the process set up no logging of its own (gunicorn,
    `flask run`, the CLI), they go once to stderr; otherwise (a logging config, pytest) to it."""
    logger = logging.getLogger("tracker")  # Flask's app.logger too: same name
    logger.setLevel(app.config["TRACKER_LOG_LEVEL"])
    if app.testing or logger.hasHandlers():  # set up already, or by an earlier create_app
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.propagate = False  # a root handler added later (the scheduler's) would repeat it


def configure_extensions(app: Flask) -> None:
    from tracker import models  # noqa: F401  (every model registered before migrations run)
    from tracker.auth import init_login
    from tracker.core import database  # noqa: F401  (engine event listeners)
    from tracker.core.formatting import select_locale, select_timezone
    from tracker.extensions import babel, csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    init_login(app)


def configure_transactions(app: Flask) -> None:
    from tracker.core import transactions

    transactions.init_app(app)


def configure_templates(app: Flask) -> None:
    from tracker.core.formatting import init_templates

    init_templates(app)


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` bounded to what an id column holds: a huge number is a 404, not a 500."""

    regex = r"[0-9]+"  # ASCII digits only: \d and str.isdigit() also accept "١"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def configure_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    from tracker import (
        api,
        appendix,
        auth,
        dashboard,
        followups,
        main,
        meetings,
        people,
        plans,
        province,
        reminders,
        tasks,
    )
    from tracker.core.security import init_security
    from tracker.documents.views import bp as documents_bp
    from tracker.errors import init_errors
    from tracker.tasks.list_views import bp as tasks_list_bp

    app.register_blueprint(main.blueprint())
    app.register_blueprint(auth.blueprint())
    app.register_blueprint(people.blueprint())
    app.register_blueprint(plans.blueprint())
    app.register_blueprint(tasks.blueprint())
    app.register_blueprint(tasks_list_bp)
    app.register_blueprint(dashboard.blueprint())
    app.register_blueprint(reminders.blueprint())
    app.register_blueprint(followups.blueprint())
    app.register_blueprint(meetings.blueprint())
    app.register_blueprint(appendix.blueprint())
    app.register_blueprint(documents_bp)
    app.register_blueprint(province.blueprint())
    app.register_blueprint(api.blueprint(), url_prefix="/api/v1")
    init_errors(app)
    init_security(app)


def configure_reminders(app: Flask) -> None:
    """Every source of reminders, in one list: an area that reminds adds its source here (with
    the lines its reminders carry in an email, if any: the engine imports no area above it).
    Each pass (`tracker scheduler`, `tracker reminders run`) selects from these."""
    from tracker.appendix.reminders import report_reminders
    from tracker.meetings.reminders import email_lines, meeting_reminders
    from tracker.reminders.models import ReminderKind
    from tracker.reminders.selection import (
        SOURCES_KEY,
        ReminderSource,
        deadline_reminders,
        weekly_digests,
    )

    app.extensions[SOURCES_KEY] = (
        ReminderSource(deadline_reminders),
        ReminderSource(weekly_digests),
        # A meeting reminder's email lists the officer's month under it.
        ReminderSource(meeting_reminders, ReminderKind.MEETING, email_lines),
        # A commune's Phụ lục 1 not frozen as the province's due date nears.
        ReminderSource(report_reminders),
    )


def configure_task_page(app: Flask) -> None:
    """What higher areas add to the task page, in one list (tasks knows none of them)."""
    from tracker.followups.views import task_section
    from tracker.reminders.queries import day_lines
    from tracker.tasks.cascade_views import cascade_section
    from tracker.tasks.notices import NOTICE_LINES
    from tracker.tasks.views import TASK_SECTIONS

    app.extensions[TASK_SECTIONS] = (cascade_section, task_section)
    app.extensions[NOTICE_LINES] = day_lines  # the reminders listed under a day's notice


def configure_merging(app: Flask) -> None:
    """What areas above plans carry to the unit a merger makes, in one list (plans.merging)."""
    from tracker.appendix.merging import carry_periods
    from tracker.plans.merging import MERGE_CARRIERS
    from tracker.reminders.merging import carry_reminder_settings

    app.extensions[MERGE_CARRIERS] = (carry_reminder_settings, carry_periods)


def configure_scheduler(app: Flask) -> None:
    """The scheduler process's jobs besides the reminders' own, in one list."""
    from tracker.backup.jobs import add_backup_jobs
    from tracker.reminders.jobs import SCHEDULER_JOBS

    app.extensions[SCHEDULER_JOBS] = (add_backup_jobs,)


def configure_cli(app: Flask) -> None:
    from tracker.cli import register_commands

    register_commands(app)
