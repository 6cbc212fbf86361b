import pytest

from config import DevelopmentConfig, ProductionConfig
from tracker import create_app


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=None, INSTANCE_PATH=tmp_path)


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = create_app(DevelopmentConfig, SECRET_KEY=None, INSTANCE_PATH=tmp_path)
    second = create_app(DevelopmentConfig, SECRET_KEY=None, INSTANCE_PATH=tmp_path)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_time_zone_defaults_to_ho_chi_minh(tmp_path):
    app = create_app(DevelopmentConfig, INSTANCE_PATH=tmp_path)
    assert app.config["TRACKER_TIMEZONE"] == "Asia/Ho_Chi_Minh"
