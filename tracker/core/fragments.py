"""Rendered HTML kept across requests (core.versions): a page's part rendered once under a key
that holds the data versions it was rendered from, served again until the data moves on.

A form in a kept part carries the reader's CSRF token, which is per session and renewed: the
token is kept as a slot, filled in each time the part is served. The slot, an HTML comment, is
never what an escaped text renders (`<` becomes `&lt;`), so typed text cannot fake it.

The key is completed here with what every rendering depends on besides the caller's key: the
app, whether CSRF is on, the script root its links start with and the language. The caller's
key names the rest: the data versions (read before the data), the date, the reader's rights.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect

from tracker.core.versions import Kept

CSRF_SLOT = "<!--csrf-token-->"


def unfilled(html: str) -> str:
    """`html` rendered in this request with its CSRF token replaced by the slot."""
    token = generate_csrf()
    return html.replace(token, CSRF_SLOT) if token else html


def filled(html: str) -> Markup:
    """A kept (or unfilled) part with this request's CSRF token in its slots."""
    return Markup(html.replace(CSRF_SLOT, generate_csrf()) if CSRF_SLOT in html else html)


def rendering_key(key: tuple) -> tuple:
    """`key` completed with what any rendering of this app depends on."""
    return (
        id(current_app._get_current_object()),
        current_app.config.get("WTF_CSRF_ENABLED", True),
        request.script_root,
        str(get_locale()),
        *key,
    )


def reread_reader(session) -> None:
    """Have the logged-in officer's row read again where a part to keep uses it: it was
    loaded before the part's versions were read, and the reader may be named in the part."""
    reader = current_user._get_current_object()
    if getattr(reader, "is_authenticated", False):
        session.expire(reader, [attr.key for attr in sa_inspect(reader).mapper.column_attrs])


class KeptHtml:
    """A kind of kept HTML part (one per page part), bounded to `size` keys."""

    def __init__(self, name: str, size: int) -> None:
        self._kept: Kept[Hashable, str] = Kept(name, size)

    def unfilled(self, key: tuple, render: Callable[[], str]) -> str:
        """The part of `key` with its CSRF slots, rendered by `render()` when not kept."""
        return self._kept.get(rendering_key(key), lambda: unfilled(str(render())))

    def get(self, key: tuple, render: Callable[[], str]) -> Markup:
        """The part of `key`, its CSRF slots filled for this request."""
        return filled(self.unfilled(key, render))
