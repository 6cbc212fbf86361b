"""Reading a write request's body: JSON or multipart form, checked field by field.

Whatever arrives, the answer is a clean ApiError, never a 500: a body that is not JSON (or not
an object) is a 400; an unknown field or a value of the wrong type a 422 naming the field; a body
over the limit a 413. Strings are bounded by their columns and may not hold NUL (PostgreSQL
refuses it); integers are bounded by what an id column holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _

from tracker.api.errors import ApiError

MAX_JSON_BYTES = 256 * 1024  # a task is a few kilobytes; files go as multipart
MAX_INT = 2**31 - 1
MAX_LIST = 500
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True)
class Spec:
    """A field of a request body: its kind and bounds. kinds: string, integer, date, ids, choice."""

    kind: str
    max_length: int = 0  # strings
    choices: tuple[str, ...] = ()  # choice
    nullable: bool = True  # null accepted (and given to the operation as None)


def _unprocessable(fields: dict[str, str]) -> ApiError:
    return ApiError(422, _("Dữ liệu gửi lên chưa hợp lệ: xem từng trường."), fields=fields)


def _check_string(value: Any, spec: Spec) -> tuple[Any, str]:
    if not isinstance(value, str):
        return None, _("Cần một chuỗi ký tự.")
    if "\x00" in value:
        return None, _("Chuỗi không được chứa ký tự NUL.")
    if spec.max_length and len(value) > spec.max_length:
        return None, _("Tối đa %(n)s ký tự.", n=spec.max_length)
    if spec.kind == "choice" and value not in spec.choices:
        return None, _("Chỉ nhận một trong: %(values)s.", values=", ".join(spec.choices))
    return value, ""


def _check_integer(value: Any) -> tuple[Any, str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None, _("Cần một số nguyên.")
    if not (0 <= value <= MAX_INT):
        return None, _("Số nằm ngoài khoảng cho phép.")
    return value, ""


def _check_date(value: Any) -> tuple[Any, str]:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value), ""
        except ValueError:
            pass
    return None, _("Cần một ngày có thật, dạng YYYY-MM-DD (ví dụ 2024-03-12).")


def _check_ids(value: Any) -> tuple[Any, str]:
    if not isinstance(value, list):
        return None, _("Cần một danh sách số nguyên.")
    if len(value) > MAX_LIST:
        return None, _("Danh sách tối đa %(n)s phần tử.", n=MAX_LIST)
    ids = []
    for item in value:
        number, problem = _check_integer(item)
        if problem:
            return None, _("Cần một danh sách số nguyên.")
        ids.append(number)
    return ids, ""


def check_fields(raw: dict[str, Any], specs: dict[str, Spec]) -> dict[str, Any]:
    """The body's fields converted (only those present), or a 422 naming each bad one."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in raw.items():
        spec = specs.get(name)
        if spec is None:
            problems[name] = _("Trường này không được hỗ trợ.")
            continue
        if value is None:
            if spec.nullable:
                values[name] = None
            else:
                problems[name] = _("Trường này không được để trống (null).")
            continue
        if spec.kind in ("string", "choice"):
            converted, problem = _check_string(value, spec)
        elif spec.kind == "integer":
            converted, problem = _check_integer(value)
        elif spec.kind == "date":
            converted, problem = _check_date(value)
        else:
            converted, problem = _check_ids(value)
        if problem:
            problems[name] = problem
        else:
            values[name] = converted
    if problems:
        raise _unprocessable(problems)
    return values


def json_body(specs: dict[str, Spec], *, optional: bool = False) -> dict[str, Any]:
    """The JSON object of the request, checked against `specs`. `optional`: no body is {}."""
    if optional and not request.content_length and not request.get_data(cache=True):
        return {}
    if request.mimetype != "application/json":
        raise ApiError(400, _("Cần thân yêu cầu JSON (Content-Type: application/json)."))
    too_large = ApiError(
        413, _("Thân yêu cầu JSON quá lớn (tối đa %(n)s KB).", n=MAX_JSON_BYTES // 1024)
    )
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise too_large
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:
        raise too_large
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ApiError(400, _("Thân yêu cầu không phải JSON hợp lệ.")) from None
    if not isinstance(body, dict):
        raise ApiError(400, _("Thân yêu cầu phải là một đối tượng JSON ({...})."))
    return check_fields(body, specs)


def form_body(specs: dict[str, Spec], files: tuple[str, ...]) -> tuple[dict[str, Any], dict]:
    """A multipart/form-data body: its text fields converted like JSON ones (integers and dates
    as text) and its files by name. A body over MAX_CONTENT_LENGTH is a 413 (werkzeug)."""
    form, uploads = request.form, request.files  # reading them may raise the 413
    raw: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in form:
        if len(form.getlist(name)) > 1:
            problems[name] = _("Trường này chỉ nhận một giá trị.")
            continue
        text = form[name]
        spec = specs.get(name)
        if spec is not None and spec.kind == "integer":
            raw[name] = int(text) if _DIGITS.fullmatch(text) else text
        else:
            raw[name] = text
    for name in uploads:
        if name not in files:
            problems[name] = _("Trường này không được hỗ trợ.")
        elif len(uploads.getlist(name)) > 1:
            problems[name] = _("Chỉ gửi một tệp.")
    if problems:
        raise _unprocessable(problems)
    values = check_fields(raw, specs)
    return values, {name: uploads[name] for name in uploads}


def if_match_version() -> int | None:
    """The task version of an `If-Match: "7"` header (None without one); a 400 if unreadable."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not _DIGITS.fullmatch(value) or int(value) > MAX_INT:
        raise ApiError(
            400, _("Tiêu đề If-Match cần phiên bản của nhiệm vụ, ví dụ If-Match: \"3\".")
        )
    return int(value)
