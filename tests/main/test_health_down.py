from config import TestingConfig
from tracker import create_app


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    # A SQLite file inside a directory that does not exist cannot be opened.
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}",
        INSTANCE_PATH=tmp_path,
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
