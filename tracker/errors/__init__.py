"""Error pages: HTML for people, JSON for the API and for clients that ask for it."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.extensions import db

_KEPT_HEADERS = frozenset({"allow", "retry-after", "www-authenticate"})


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    accept = request.accept_mimetypes
    return best == "application/json" and accept[best] > accept["text/html"]


def _messages() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần đăng nhập."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy trang hoặc dữ liệu yêu cầu."),
        405: _("Phương thức không được hỗ trợ."),
        413: _("Tệp tải lên quá lớn."),
        500: _("Đã có lỗi trong hệ thống. Thao tác chưa được lưu; vui lòng thử lại."),
    }


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code) or _("Đã có lỗi.")
    if _wants_json():
        return jsonify(error={"status": code, "message": message}), code
    return make_response(render_template("errors/error.html", code=code, message=message)), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                "Vui lòng tải lại trang và thử lại."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            db.session.rollback()
        response, code = render_error(error.code, getattr(error, "user_message", None))
        # What the error says to clients besides its page: the methods a 405 allows, etc.
        for name, value in error.get_headers():
            if name.lower() in _KEPT_HEADERS:
                response.headers[name] = value
        return response, code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(InternalServerError.code)
