"""JSON API under /api/v1: flask-smorest blueprints, one module per resource.

Adding a resource:
1. schemas in marketplace/schemas/<resource>.py (StrictSchema: explicit fields, dump_only
   server values, load_only secrets, one schema per role's view where they differ);
2. marketplace/api/<resource>.py with `blp = Blueprint(...)` (from .base) and thin views: parse with
   @blp.arguments, call one service with current_actor(), return what @blp.response dumps;
   mark views that need a login with @auth_required(blp), document other refusals with
   @blp.alt_response(404, response="NOT_FOUND") and the like;
3. the module's name in RESOURCES below, and its tests in tests/api/.
The OpenAPI document (/api/v1/openapi.json) and the docs page pick it up by themselves.
"""

from importlib import import_module

from flask import Flask
from marshmallow import fields
from marshmallow.validate import Range, Regexp

from ..bounds import MULTILINE_PATTERN, SINGLE_LINE_PATTERN

URL_PREFIX = "/api/v1"
RESOURCES = (
    "auth",
    "tokens",
    "reference",
    "shifts",
    "applications",
    "placement_runs",
    "statistics",
    "factories",
    "lending",
    "associations",
    "moderation",
    "reports",
    "training",
    "workers",
    "notifications",
)


def _configured_bounds(app: Flask):
    """An apispec attribute function: a ConfiguredInt's bounds as this app's config sets them."""
    from ..schemas.common import ConfiguredInt

    def bounds(converter, field, **kwargs) -> dict:
        if not isinstance(field, ConfiguredInt):
            return {}
        return {"minimum": field.minimum, "maximum": app.config[field.max_key]}

    return bounds


def _exclusive_bounds(converter, field, **kwargs) -> dict:
    """apispec writes a Range's bounds but not that one excludes its end (OpenAPI 3.0 flags)."""
    flags = {}
    for validator in field.validators:
        if isinstance(validator, Range):
            if validator.min is not None and not validator.min_inclusive:
                flags["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive:
                flags["exclusiveMaximum"] = True
    return flags


def _text_rules(converter, field, **kwargs) -> dict:
    """The text rule every input string obeys (schemas/common.py), as a pattern in the document."""
    from ..schemas.common import MULTILINE_FIELDS

    if type(field) not in (fields.String, fields.Str) or field.dump_only:
        return {}
    if any(isinstance(v, Regexp) for v in field.validators) or "pattern" in field.metadata:
        return {}
    multiline = field.name in MULTILINE_FIELDS or field.metadata.get("multiline")
    return {"pattern": MULTILINE_PATTERN if multiline else SINGLE_LINE_PATTERN}


def register(app: Flask) -> None:
    """Make the app's Api object, register the resources and serve the docs page's files."""
    from ..extensions import MarketplaceApi
    from . import docs
    from .security import security_schemes

    api = MarketplaceApi(app)  # one per app: it holds the app's OpenAPI document
    api.ma_plugin.converter.add_attribute_function(_configured_bounds(app))
    api.ma_plugin.converter.add_attribute_function(_exclusive_bounds)
    api.ma_plugin.converter.add_attribute_function(_text_rules)
    for name, scheme in security_schemes(app.config["SESSION_COOKIE_NAME"]).items():
        api.spec.components.security_scheme(name, scheme)
    for name in RESOURCES:
        module = import_module(f".{name}", __name__)
        api.register_blueprint(module.blp, url_prefix=f"{URL_PREFIX}{module.blp.url_prefix}")
    app.register_blueprint(docs.bp)
