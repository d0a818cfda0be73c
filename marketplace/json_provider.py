"""Flask's JSON, reading request bodies: one nested too deeply is malformed, not a crash."""

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        # request.get_json turns a ValueError into 400 Bad Request; a RecursionError (a small
        # body nesting lists a thousand deep) would escape as a 500.
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
