"""What every response and every request of a server facing the internet gets, in one place.

- Headers: a Content-Security-Policy with no inline script (the pages load their scripts from
  /static), no framing (the confirm and return buttons cannot be clickjacked), no sniffing, a
  referrer kept on the site, HSTS where the app runs behind HTTPS (production), and no caching
  of a download (evidence files, exports).
- A request carrying a NUL character anywhere (query, form, file name, JSON) is refused before
  any view sees it: PostgreSQL refuses NUL in text, and no person types one.
- `safe_next`: the one way to follow a `next` given by a request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Bootstrap's components and a few templates set style attributes; no script runs there.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def safe_next(target: str | None) -> str:
    """`target` if it is a path of this site, else the home page. Browsers read a backslash as
    a slash and drop tabs and newlines, so "/\\evil.example" and "/\\t/evil.example" would leave
    the site: refused like "//evil.example" and "https://evil.example"."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.index")


class NulCharacter(BadRequest):
    """A request with a NUL character: answered 400 with a message, nothing saved."""

    def __init__(self) -> None:
        super().__init__()
        # Shown as it stands by the error page (werkzeug's own descriptions are English).
        self.user_message = _("Dữ liệu gửi lên có ký tự không hợp lệ (NUL); chưa có gì được lưu.")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul() -> None:
    if "\x00" in request.path or any(
        _has_nul(k) or _has_nul(v) for k, v in request.args.items(multi=True)
    ):
        raise NulCharacter()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        if _has_nul(request.get_json(silent=True)):
            raise NulCharacter()
        return
    if any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True)):
        raise NulCharacter()
    if any(_has_nul(f.filename or "") for f in request.files.values()):
        raise NulCharacter()


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if "attachment" in headers.get("Content-Disposition", ""):
        # Evidence files and exports hold the unit's data: no cache keeps a copy.
        headers["Cache-Control"] = "private, no-store"
    seconds = _hsts_seconds()
    if seconds:
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    return response


def _hsts_seconds() -> int:
    from flask import current_app

    return int(current_app.config.get("TRACKER_HSTS_SECONDS") or 0)


def init_security(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_headers)
