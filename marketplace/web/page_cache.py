"""Whole pages for anonymous visitors, kept a few seconds in each process.

On a crisis morning thousands of people open the same list of open shifts at once. Rendering
it takes about ten milliseconds; handing out a copy made a moment ago takes a fraction of one.
A copy is at most PAGE_CACHE_SECONDS old and nothing relies on it for correctness: applying
and every other action read the database and answer from it. Signed-in users, whose pages
differ (their language, what they applied for), always get a fresh page, as does anyone with a
message waiting to be shown; and a page that wrote to the session or rendered a CSRF token is
never kept, so no one's token or message reaches another.
"""

import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

EXTENSION = "page_cache"


class PageStore:
    """A bounded map of page copies, each dropped once older than `seconds`; thread-safe."""

    def __init__(self, seconds: float, max_entries: int) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, now: float):
        """The copy under `key` if it is still fresh, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, page = entry
            if now - stored_at >= self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return page

    def put(self, key, page, now: float) -> None:
        """Keep `page`, dropping the least recently used copy when full."""
        with self._lock:
            self._entries[key] = (now, page)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app) -> None:
    """Give the app its own store (apps built side by side in tests share nothing)."""
    app.extensions[EXTENSION] = PageStore(
        app.config["PAGE_CACHE_SECONDS"], app.config["PAGE_CACHE_ENTRIES"]
    )


def _store() -> PageStore:
    return current_app.extensions[EXTENSION]


def _cacheable() -> bool:
    return (
        request.method == "GET"
        and _store().seconds > 0
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _personal() -> bool:
    # Flask-WTF writes the session only for a visitor's first token; later ones sit in g.
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return session.modified or token_field in g


def cached_for_anonymous(view):
    """Serve anonymous GETs of `view` from a copy at most PAGE_CACHE_SECONDS old."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        # The full path, not the parsed filters: the page links back to it verbatim.
        key = (request.endpoint, str(get_locale()), request.full_path)
        page = _store().get(key, time.monotonic())
        if page is None:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200 or _personal():
                return response
            page = (response.get_data(), response.content_type)
            _store().put(key, page, time.monotonic())
        body, content_type = page
        response = Response(body, content_type=content_type)
        # The language comes from the session cookie or from Accept-Language.
        response.vary.update(("Cookie", "Accept-Language"))
        return response

    return wrapper
