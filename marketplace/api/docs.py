"""The API's docs page: Swagger UI served by the app itself (no CDN, works offline).

Our own page rather than flask-smorest's, whose template starts Swagger UI from an inline
script that the Content-Security-Policy refuses; here api-docs.js does it from a file.
"""

from flask import Blueprint, abort, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

# Only what the page loads; the bundle's own index.html points at an example from elsewhere.
FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")


@bp.get("")
def page():
    """The interactive documentation of /api/v1/openapi.json."""
    spec_url = url_for("api-docs.openapi_json")
    return render_template("api/docs.html", spec_url=spec_url)


@bp.get("/static/<filename>")
def static_file(filename: str):
    """One of Swagger UI's files, cached for a day."""
    if filename not in FILES:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
