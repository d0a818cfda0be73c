"""What every API schema shares: strictness, the error body, pagination."""

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from ..bounds import INT_MAX, Span, text_problem

# INT_MAX: the widest integer every database column here holds (PostgreSQL's INTEGER):
# anything larger is refused as input (422), before it could overflow a query (a 500).
_FITS = validate.Range(min=-INT_MAX - 1, max=INT_MAX, error="Must be between {min} and {max}.")


class Int(fields.Integer):
    """An integer that fits the database's columns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, _FITS)


class ConfiguredInt(Int):
    """An integer from `minimum` to the app's config[max_key], refused (422) past either.

    api/__init__.py writes the same bounds into the OpenAPI document of each app.
    """

    def __init__(self, max_key: str, *args, minimum: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_key, self.minimum = max_key, minimum

    def maximum(self) -> int:
        return current_app.config[self.max_key]

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        bounds = validate.Range(self.minimum, self.maximum(), error=_FITS.error)
        return bounds(number)


class UtcDateTime(fields.AwareDateTime):
    """A date and time with its offset, read as UTC (how the services and the database keep it)."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError:  # e.g. 0001-01-01T00:00+08:00 has no UTC time
            raise ValidationError(str(_l("Not a valid date and time."))) from None


# Fields whose text may run over several lines (newline and tab allowed); a field can also
# say so itself with metadata={"multiline": True}. All other text is one line.
MULTILINE_FIELDS = frozenset({"comment", "note", "reason", "description", "resolution"})
_NESTING_CHECKED = 4  # deeper values fit no field here; marshmallow refuses them by type


def _text_problem_in(value, multiline: bool, depth: int = 0):
    """The first problem with any text in a value (its strings, lists and mapping keys)."""
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if depth >= _NESTING_CHECKED:
        return None
    if isinstance(value, Mapping):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    for item in items:
        problem = _text_problem_in(item, multiline, depth + 1)
        if problem:
            return problem
    return None


class Within(validate.Validator):
    """A date or time inside a span around now (marketplace.bounds), or a per-field 422."""

    def __init__(self, span: Span):
        self.span = span

    def __call__(self, value):
        if value is not None and not self.span.contains(value):
            raise ValidationError(str(self.span.message()))
        return value


def bounded(field_cls, span: Span, description: str = "", **kwargs):
    """A date or time field refused outside `span`, the range said in the API document."""
    text = f"{description.rstrip('.')}. {span.describe()}" if description else span.describe()
    return field_cls(validate=Within(span), metadata={"description": text}, **kwargs)


class StrictSchema(Schema):
    """Explicit fields only: an unknown field in the input is an error, never ignored.

    Every text in the input, whatever the field, is checked here once: valid Unicode and no
    control characters (bar newline and tab in multi-line fields). A lone surrogate or a NUL
    would otherwise reach the database driver and fail there (a 500).
    """

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_bad_text(self, data, **kwargs):
        if not isinstance(data, Mapping):
            return data  # marshmallow itself says the input is not an object
        by_key = {f.data_key or name: f for name, f in self.load_fields.items()}
        errors = {}
        for key in data:
            field = by_key.get(key)
            if isinstance(field, fields.Nested) or (
                isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)
            ):
                continue  # a nested schema checks its own fields
            multiline = key in MULTILINE_FIELDS or bool(field and field.metadata.get("multiline"))
            problem = _text_problem_in(key, False) or _text_problem_in(data[key], multiline)
            if problem:
                errors[key if isinstance(key, str) and not text_problem(key) else "_schema"] = [
                    str(problem)
                ]
        if errors:
            raise ValidationError(errors)
        return data


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


class Cursor(fields.String):
    """An opaque place in a list, for the client to send back as it came.

    It holds the (time, id) of the last item already seen; loaded as that tuple.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        when, item_id = value
        text = f"{when.astimezone(UTC).isoformat()}|{item_id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            when, item_id = raw.split("|")
            when, item_id = datetime.fromisoformat(when), int(item_id)
            if when.tzinfo is None or not 0 < item_id <= INT_MAX:
                raise ValueError("not a place this list gives out")
            when = when.astimezone(UTC)  # a time at the very edge of the calendar overflows
        except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
            raise ValidationError(str(_l("This cursor is not one the list gave out."))) from None
        return (when, item_id)
