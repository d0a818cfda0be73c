"""The Blueprint every API resource uses: flask-smorest's, with a stricter parser.

webargs ignores unknown query parameters by default; here every location follows the
schema, and our schemas reject unknown fields, so `?distrct=3` is a 422, not a silent no-op.
"""

import flask_smorest
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()
