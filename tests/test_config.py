import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from config import ConfigError, DevelopmentConfig, ProductionConfig, TestingConfig
from tracker import create_app


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=None, INSTANCE_PATH=tmp_path)


def test_production_refuses_a_demo_date(tmp_path):
    with pytest.raises(ConfigError, match="TRACKER_DEMO_TODAY is for the demo only"):
        create_app(
            ProductionConfig,
            SECRET_KEY="k",
            TRACKER_DEMO_TODAY="2024-03-12",
            INSTANCE_PATH=tmp_path,
        )
    with pytest.raises(ConfigError, match="TRACKER_DEMO_TODAY is for the demo only"):
        create_app(
            ProductionConfig,
            SECRET_KEY="k",
            TRACKER_DEMO_TODAY=date(2024, 3, 12),
            INSTANCE_PATH=tmp_path,
        )
    # Unset or empty: the real calendar.
    app = create_app(
        ProductionConfig, SECRET_KEY="k", TRACKER_DEMO_TODAY="", INSTANCE_PATH=tmp_path
    )
    assert app.config["TRACKER_DEMO_TODAY"] is None


def test_production_with_a_demo_date_in_the_environment_stops_with_one_line(tmp_path):
    """config.py reads TRACKER_DEMO_TODAY from the environment; the scheduler's process (as the
    web's) then refuses to start, in one line and without a stack trace."""
    env = {
        **os.environ,
        "TRACKER_CONFIG": "production",
        "SECRET_KEY": "k",
        "TRACKER_DEMO_TODAY": "2024-03-12",
        "TRACKER_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    command = [str(Path(sys.executable).parent / "tracker"), "scheduler", "--list"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: TRACKER_DEMO_TODAY is for the demo only: production runs on the real date; "
        "unset TRACKER_DEMO_TODAY"
    ]
    assert "reminders.daily" not in done.stdout


def test_the_demo_date_is_read_as_a_date(tmp_path):
    app = create_app(DevelopmentConfig, TRACKER_DEMO_TODAY=" 2024-03-12 ", INSTANCE_PATH=tmp_path)
    assert app.config["TRACKER_DEMO_TODAY"] == date(2024, 3, 12)
    for bad in ("12/03/2024", "2024-02-30", "hôm nay"):
        with pytest.raises(ConfigError, match="YYYY-MM-DD"):
            create_app(DevelopmentConfig, TRACKER_DEMO_TODAY=bad, INSTANCE_PATH=tmp_path)
    # The tests keep their own calendar whatever the shell exported.
    assert TestingConfig.TRACKER_DEMO_TODAY is None


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = create_app(DevelopmentConfig, SECRET_KEY=None, INSTANCE_PATH=tmp_path)
    second = create_app(DevelopmentConfig, SECRET_KEY=None, INSTANCE_PATH=tmp_path)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_time_zone_defaults_to_ho_chi_minh(tmp_path):
    app = create_app(DevelopmentConfig, INSTANCE_PATH=tmp_path)
    assert app.config["TRACKER_TIMEZONE"] == "Asia/Ho_Chi_Minh"


def test_reminder_settings_come_from_the_configuration_only(tmp_path, monkeypatch):
    """config.py reads the environment once; the reminders read the app's configuration."""
    from tracker.reminders.settings import mail_settings, pass_time, setting

    monkeypatch.setenv("TRACKER_RETRY_MINUTES", "7")
    monkeypatch.setenv("TRACKER_REMINDER_TIME", "09:15")
    app = create_app(DevelopmentConfig, INSTANCE_PATH=tmp_path, TRACKER_MAIL_TRANSPORT="Outbox")
    assert setting("TRACKER_RETRY_MINUTES", app) == DevelopmentConfig.TRACKER_RETRY_MINUTES
    assert pass_time(app).strftime("%H:%M") == DevelopmentConfig.TRACKER_REMINDER_TIME
    settings = mail_settings(app)
    assert settings.transport == "outbox"
    assert settings.port == DevelopmentConfig.MAIL_PORT
    assert settings.max_per_connection == DevelopmentConfig.MAIL_MAX_PER_CONNECTION


def _logging_app(level: str = "INFO"):
    from types import SimpleNamespace

    return SimpleNamespace(testing=False, config={"TRACKER_LOG_LEVEL": level})


def test_actions_are_logged_once_to_stderr_where_the_process_set_up_nothing(monkeypatch):
    from tracker import configure_logging

    logger = logging.getLogger("tracker")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", False)  # nothing above it: as under gunicorn
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    configure_logging(_logging_app())
    configure_logging(_logging_app())  # a second app in the same process adds no second handler
    assert len(logger.handlers) == 1
    assert logger.level == logging.INFO
    assert not logger.propagate  # a root handler set up later (the scheduler's) repeats nothing


def test_a_process_with_its_own_logging_keeps_it(monkeypatch):
    from tracker import configure_logging

    logger = logging.getLogger("tracker")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [logging.NullHandler()])  # a logging config, pytest…
    configure_logging(_logging_app("WARNING"))
    assert logger.handlers == []
    assert logger.propagate
    assert logger.level == logging.WARNING


def test_production_obliges_admins_and_chairpersons_to_two_step_login():
    assert set(ProductionConfig.TRACKER_2FA_ROLES) == {"admin", "chairperson"}
    assert TestingConfig.TRACKER_2FA_ROLES == ()
    assert DevelopmentConfig.TRACKER_2FA_ROLES == ()
