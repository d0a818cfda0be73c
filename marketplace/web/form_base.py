"""The base of every web form: its text checked once, and dates kept within their meaning."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, StringField, TextAreaField
from wtforms.validators import ValidationError

from ..bounds import Span, text_problem


def _text_fields(fields):
    """Every text field, those of sub-forms and repeated rows included."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _text_fields(field.entries)
        elif isinstance(field, StringField):
            yield field


class Form(FlaskForm):
    """Every form of the app: its text is valid Unicode without control characters (bar
    newline and tab in a text area). A NUL typed into any field would fail in PostgreSQL."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            if not isinstance(field.data, str):
                continue
            problem = text_problem(field.data, multiline=isinstance(field, TextAreaField))
            if problem:
                field.errors = [*field.errors, str(problem)]
                valid = False
        return valid


class Within:
    """A date (or a Shanghai date and time, as a form gives it) inside a span around now."""

    def __init__(self, span: Span):
        self.span = span

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None:
            return
        if isinstance(value, datetime):
            inside = self.span.contains_local_time(value)
        else:
            inside = self.span.contains(value)
        if not inside:
            raise ValidationError(str(self.span.message()))
