"""What every API schema shares: strictness, the error body, pagination."""

from marshmallow import RAISE, Schema, fields, validate

# The widest integer every database column here holds (PostgreSQL's INTEGER): anything
# larger is refused as input (422), before it could overflow a query (a 500).
INT_MAX = 2**31 - 1
_FITS = validate.Range(min=-INT_MAX - 1, max=INT_MAX, error="Must be between {min} and {max}.")


class Int(fields.Integer):
    """An integer that fits the database's columns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, _FITS)


class StrictSchema(Schema):
    """Explicit fields only: an unknown field in the input is an error, never ignored."""

    class Meta:
        unknown = RAISE


class ErrorDetailSchema(StrictSchema):
    code = fields.String(
        required=True, metadata={"description": "Stable machine-readable reason, e.g. forbidden"}
    )
    message = fields.String(required=True, metadata={"description": "In the reader's language"})
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Messages by field name (dotted for nested fields)"},
    )


class ErrorSchema(StrictSchema):
    """Every error under /api/v1 has this shape, whatever its status."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class PageArgsSchema(StrictSchema):
    page = Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = Int(load_default=20, validate=validate.Range(min=1, max=100))


class PageSchema(StrictSchema):
    """Page pagination: the items of one page and where it is in the whole."""

    page = fields.Integer(dump_only=True)
    per_page = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    pages = fields.Integer(dump_only=True)
