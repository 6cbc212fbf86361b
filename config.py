"""Configuration classes; every setting can come from the environment.

`create_app()` picks the class named by ``TRACKER_CONFIG`` (development by default).
"""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


class ConfigError(RuntimeError):
    """A setting the app refuses to start with; the message says which and what to do."""


def demo_date(value: date | str | None) -> date | None:
    """TRACKER_DEMO_TODAY as a date: a `date`, or text written YYYY-MM-DD; empty means none."""
    if value is None or type(value) is date:
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"TRACKER_DEMO_TODAY must be a date written YYYY-MM-DD (e.g. 2024-03-12), not {text!r}"
        ) from None


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}  # noqa: RUF012
    TRACKER_TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Asia/Ho_Chi_Minh")
    TRACKER_UPLOAD_DIR = os.environ.get("TRACKER_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = _int("TRACKER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    TRACKER_LOG_LEVEL = os.environ.get("TRACKER_LOG_LEVEL", "INFO").upper()
    # The demo's fixed date (YYYY-MM-DD; `make run` sets 2024-03-12, the date of the demo ward's
    # report): the app and the scheduler then live on that day, at the real time of day (see
    # tracker/core/clock.py). Refused in production; empty means the real calendar.
    TRACKER_DEMO_TODAY: date | str | None = os.environ.get("TRACKER_DEMO_TODAY") or None

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = TRACKER_TIMEZONE
    LANGUAGES = ("vi", "en")

    SESSION_PROTECTION = "strong"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A session not used for this long ends on the server (people/sessions.py).
    TRACKER_SESSION_IDLE_HOURS = float(os.environ.get("TRACKER_SESSION_IDLE_HOURS", 8))
    # Roles whose officers must log in with a second step (people/two_step.py), comma-separated
    # role values; none by default, administrators and chairpersons in production.
    TRACKER_2FA_ROLES = tuple(
        r.strip() for r in os.environ.get("TRACKER_2FA_ROLES", "").split(",") if r.strip()
    )
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch still submits

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "tracker@localhost")

    MAIL_TIMEOUT = _float("MAIL_TIMEOUT", 30.0)  # seconds, per SMTP command
    # Servers often cap the messages of one session: a fresh connection after this many
    # (0: one connection for the whole delivery).
    MAIL_MAX_PER_CONNECTION = _int("MAIL_MAX_PER_CONNECTION", 100)

    # Reminders (read through tracker/reminders/settings.py)
    TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000")  # email links
    TRACKER_REMINDER_TIME = os.environ.get("TRACKER_REMINDER_TIME", "07:30")  # daily pass, HH:MM
    TRACKER_RETRY_MINUTES = _int("TRACKER_RETRY_MINUTES", 2)  # how often queued emails retry
    TRACKER_MAIL_WORKERS = _int("TRACKER_MAIL_WORKERS", 2)  # SMTP connections at once
    # PostgreSQL: a `tracker scheduler` started on another host waits for the active one's
    # advisory lock, trying every this many seconds (tracker/reminders/leader.py).
    TRACKER_SCHEDULER_LOCK_SECONDS = _float("TRACKER_SCHEDULER_LOCK_SECONDS", 5.0)
    # smtp, or outbox (development: nothing leaves the machine)
    TRACKER_MAIL_TRANSPORT = os.environ.get("TRACKER_MAIL_TRANSPORT", "smtp")
    TRACKER_MAIL_OUTBOX = _bool("TRACKER_MAIL_OUTBOX")  # /reminders/outbox outside debug mode

    # Backups (tracker/backup): where the nightly archive goes and when (HH:MM, local time);
    # how many are kept is a setting in the database (`tracker backup retention`).
    TRACKER_BACKUP_DIR = os.environ.get("TRACKER_BACKUP_DIR", str(INSTANCE_DIR / "backups"))
    TRACKER_BACKUP_TIME = os.environ.get("TRACKER_BACKUP_TIME", "02:30")
    TRACKER_BACKUP_LABEL = os.environ.get("TRACKER_BACKUP_LABEL", "")  # default: database name
    # The right-hand side of reminder emails' Message-ID (default: the sender's domain).
    TRACKER_MESSAGE_ID_DOMAIN = os.environ.get("TRACKER_MESSAGE_ID_DOMAIN", "")

    TESTING = False
    DEBUG = False

    @classmethod
    def prepare(cls, config: dict, instance_path: Path) -> None:
        """Finish settings that depend on the environment at start-up."""
        config["TRACKER_DEMO_TODAY"] = demo_date(config.get("TRACKER_DEMO_TODAY"))


class DevelopmentConfig(Config):
    DEBUG = True

    @classmethod
    def prepare(cls, config: dict, instance_path: Path) -> None:
        super().prepare(config, instance_path)
        if not config.get("SECRET_KEY"):
            # Generated once and kept, so sessions survive a restart.
            instance_path.mkdir(parents=True, exist_ok=True)
            key_file = instance_path / "secret_key"
            if not key_file.exists():
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            config["SECRET_KEY"] = key_file.read_text().strip()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TRACKER_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    SESSION_PROTECTION = "strong"
    TRACKER_DEMO_TODAY = None  # a shell that ran the demo does not move the tests' calendar


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # Production is served over HTTPS (see the README's deployment notes): browsers remember it.
    TRACKER_HSTS_SECONDS = int(os.environ.get("TRACKER_HSTS_SECONDS", 31536000))
    TRACKER_2FA_ROLES = tuple(
        r.strip()
        for r in os.environ.get("TRACKER_2FA_ROLES", "admin,chairperson").split(",")
        if r.strip()
    )

    @classmethod
    def prepare(cls, config: dict, instance_path: Path) -> None:
        super().prepare(config, instance_path)
        if not config.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY must be set in production")
        if config["TRACKER_DEMO_TODAY"] is not None:
            # Deadlines, reminders and figures would all be those of another day.
            raise ConfigError(
                "TRACKER_DEMO_TODAY is for the demo only: production runs on the real date; "
                "unset TRACKER_DEMO_TODAY"
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
