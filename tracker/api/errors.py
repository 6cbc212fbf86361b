"""The API's one error shape: `{"error": {"status": N, "message": "...", "fields": {...}}}`.

`fields` (only when there are some) maps a request field to its Vietnamese message, the way a
page puts a message under a form field; `current_version` comes with a stale-version 409.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


class ApiError(Exception):
    """An error answered as JSON with its status (and headers, e.g. WWW-Authenticate)."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        fields: dict[str, str] | None = None,
        current_version: int | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.fields = fields or {}
        self.current_version = current_version

    def response(self) -> Response:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        if self.current_version is not None:
            body["current_version"] = self.current_version
        response = jsonify(error=body)
        response.status_code = self.status
        response.headers.update(self.headers)
        return response
