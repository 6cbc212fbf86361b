from tracker.api import bp  # noqa: F401
