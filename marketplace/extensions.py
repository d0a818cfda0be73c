"""Extension objects only; they are bound to the app in create_app()."""

from flask import g
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .schemas.common import ErrorSchema

# Named constraints so that Alembic can alter them later, on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()


class TokenAwareCSRFProtect(CSRFProtect):
    """CSRF on every state-changing request, except one authenticated by an API token.

    A bearer token is never sent by a browser on its own, so it cannot be forged
    cross-site; api/security.py sets the flag only after the token has been checked.
    """

    def protect(self, *args, **kwargs):
        if g.get("authenticated_by_token"):
            return None
        return super().protect(*args, **kwargs)


class MarketplaceApi(Api):
    """flask-smorest, with errors rendered by web/errors.py in the one shape of the API."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass  # web/errors.py handles HTTPException for pages and for /api alike


csrf = TokenAwareCSRFProtect()
# No module-level Api object: flask-smorest keeps the app and its OpenAPI document on the
# object itself, so apps built at once in several threads would overwrite each other's.
# create_app makes one per app (api/__init__.py); it is found in app.extensions.
