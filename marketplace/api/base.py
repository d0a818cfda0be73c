"""The Blueprint every API resource uses: flask-smorest's, with a stricter parser.

webargs ignores unknown query parameters by default; here every location follows the
schema, and our schemas reject unknown fields, so `?distrct=3` is a 422, not a silent no-op.
"""

import json

import flask_smorest
from webargs.flaskparser import FlaskParser

from .security import auth_required, current_actor


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)

    def _raw_load_json(self, req):
        # A small body can nest lists a thousand deep; the decoder then runs out of stack.
        # That is malformed input (400), like any other JSON it cannot read.
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "[", 0) from None  # doc "" means none


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema, *, location="json", required=None, **kwargs):
        """A body is documented as required exactly when the server needs one.

        That is when its schema has a required field (a missing body is then a 422 naming
        it); a body of optional fields only may be left out, as an empty one would be.
        """
        if required is None:
            instance = schema() if isinstance(schema, type) else schema
            required = location != "json" or any(f.required for f in instance.fields.values())
        return super().arguments(schema, location=location, required=required, **kwargs)


def post_action(blp: Blueprint, rule: str, name: str, summary: str, call, *, response, body=None):
    """Register POST `rule` (one id in the URL): the view hands (actor, id, body) to `call`.

    The API's verbs (offer, approve, verify, ...) are all this shape: a login, an optional
    body, one service call, the object back; 404 and 409 documented as the services raise them.
    """

    def view(*args, **path_ids):
        data = args[0] if args else {}
        (object_id,) = path_ids.values()
        return call(current_actor(), object_id, data)

    view.__name__ = name
    view.__doc__ = summary
    decorated = blp.alt_response(409, response="CONFLICT")(view)
    decorated = blp.alt_response(404, response="NOT_FOUND")(decorated)
    decorated = blp.response(200, response)(decorated)
    if body is not None:
        decorated = blp.arguments(body)(decorated)
    blp.post(rule)(auth_required(blp)(decorated))
