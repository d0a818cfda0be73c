"""Locale and time-zone selection for Flask-Babel."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

LOCALE_COOKIE = "locale"


def select_locale() -> str:
    """The user's saved choice, then this browser's choice, then Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and jobs
        return current_app.config["CLI_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Times are shown in Shanghai time, whoever looks."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


class LocalName:
    """A reference row's name (skill, certificate, district), in the reader's language.

    Like a lazy translation it decides when it is shown, not when it is made, so a service
    can put it in a message without knowing who will read it.
    """

    def __init__(self, thing):
        self.zh = getattr(thing, "name_zh", None) or thing.name
        self.en = getattr(thing, "name_en", None) or self.zh

    def __str__(self) -> str:
        from flask_babel import get_locale

        return self.en if str(get_locale()) == "en" else self.zh
