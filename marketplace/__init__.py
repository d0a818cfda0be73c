"""The shared-staff marketplace: create_app() builds the Flask application."""

import os

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, INSTANCE_DIR, get_config


def create_app(config: type | str | None = None, **overrides) -> Flask:
    """Build the app from a config class (or its name) plus keyword overrides."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
    )
    config_cls = config if isinstance(config, type) else get_config(config)
    if hasattr(config_cls, "check"):
        config_cls.check()
    app.config.from_object(config_cls)
    app.config.update(overrides)
    INSTANCE_DIR.mkdir(exist_ok=True)
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        # Behind a proxy every request comes from the proxy; without this, throttling
        # and audit would see one address for everybody.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_logging(app)
    register_extensions(app)
    register_security_headers(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def register_logging(app: Flask) -> None:
    from .request_log import register as register_request_log

    register_request_log(app)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table on the metadata)
    from .api import security as api_security
    from .extensions import babel, csrf, db, login_manager, migrate
    from .i18n import select_locale, select_timezone
    from .json_provider import JSONProvider
    from .services.ranking import index as matching_index  # noqa: F401  (its flush hook stamps changes)
    from .web.auth import load_user_from_session_token

    app.json = JSONProvider(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    # Before CSRFProtect's own hook: a request is known to carry a valid API token (and so
    # to need no CSRF token) before the CSRF check runs.
    api_security.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's own message is English only; this one is in the catalogues.
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our server-side session rows do this job
    login_manager.user_loader(load_user_from_session_token)


def register_security_headers(app: Flask) -> None:
    from .web import security_headers

    security_headers.init_app(app)


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in URLs, bounded by what the database's INTEGER columns hold.

    A larger number cannot name a row, so it is a 404 rather than an overflow inside a query.
    """

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIntConverter
    from .api import register as register_api
    from .web import page_cache
    from .web.account import bp as account_bp
    from .web.association import bp as association_bp
    from .web.auth import bp as auth_bp
    from .web.dashboard import bp as dashboard_bp
    from .web.factory import bp as factory_bp
    from .web.health import bp as health_bp
    from .web.moderation import bp as moderation_bp
    from .web.public import bp as public_bp
    from .web.roster import bp as roster_bp
    from .web.training_admin import bp as training_admin_bp
    from .web.worker import bp as worker_bp

    page_cache.init_app(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(association_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(training_admin_bp)
    app.register_blueprint(worker_bp)
    app.register_blueprint(factory_bp)
    app.register_blueprint(roster_bp)
    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    from .web.errors import register as register_web_errors

    register_web_errors(app)


def register_commands(app: Flask) -> None:
    from .cli import register as register_cli

    register_cli(app)


def register_template_helpers(app: Flask) -> None:
    from .web.helpers import register as register_helpers

    register_helpers(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Enforce foreign keys on SQLite (off by default) and wait on locks."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        path = next(row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main")
        cursor.close()
        if path and not _sqlite_file_writable(path):
            # SQLite quietly opens a file it may not write read-only, and the connection stays
            # read-only for good: remember it, so it is replaced once the file is writable.
            connection_record.info["read_only_sqlite_file"] = path


def _sqlite_file_writable(path: str) -> bool:
    # The directory too: a write creates the journal beside the file.
    return os.access(path, os.W_OK) and os.access(os.path.dirname(path) or ".", os.W_OK)


@event.listens_for(Pool, "checkout")
def _replace_read_only_sqlite(dbapi_connection, connection_record, connection_proxy) -> None:
    """Hand out a fresh connection in place of one opened read-only, once writes are possible."""
    path = connection_record.info.get("read_only_sqlite_file")
    if path and _sqlite_file_writable(path):
        raise DisconnectionError("the SQLite file can be written again")  # the pool reconnects
