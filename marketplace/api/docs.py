"""The docs page's Swagger UI files, served by the app itself (no CDN, works offline).

flask-smorest renders the page at /api/v1/docs and points it here (OPENAPI_SWAGGER_UI_URL).
"""

from flask import Blueprint, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

# Only what the page loads; the bundle's own index.html points at an example from elsewhere.
FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})

bp = Blueprint("api_docs_static", __name__, url_prefix="/api/v1/docs/static")


@bp.get("/<filename>")
def static_file(filename: str):
    """One of Swagger UI's files, cached for a day."""
    if filename not in FILES:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
