"""marshmallow's own validation messages in the reader's language.

marshmallow's messages are English, and filled in as it validates ("Must be greater than or
equal to 1 and less than or equal to 5."). The error handler reads each one back here: an
exact message is looked up; a filled-in template is matched, and its values are put into the
template's translation. One place covers every schema, those of resources added later too.
Messages our own code raises are translated already and pass through unchanged.
"""

import re

from flask_babel import lazy_gettext as _l

# Fixed messages of marshmallow's fields and schemas (and webargs's), with our wording.
EXACT = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Field may not be null.": _l("This field may not be null."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Not a valid number."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid string."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid aware datetime.": _l("Give a date and time with its time zone."),
    "Not a valid naive datetime.": _l("Give a date and time without a time zone."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid time.": _l("Not a valid time."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid tuple.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid object."),
    "Invalid input type.": _l("Not a valid object."),
    "Invalid type.": _l("Not a valid object."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid value."),
    "Not a valid email address.": _l("Enter a valid email address."),
    "Not a valid URL.": _l("Not a valid URL."),
    "Not a valid UUID.": _l("Not a valid UUID."),
    "String does not match expected pattern.": _l("This does not have the expected form."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Not a valid number."),
    "Shorter than minimum length 1.": _l("This field may not be empty."),
}

# Templates marshmallow fills in (validate.Range, Length, OneOf, Equal, ContainsOnly,
# NoneOf, fields.Enum) and the one of schemas.common.Int; {name} marks a filled-in value.
TEMPLATES = {
    "Must be greater than or equal to {min} and less than or equal to {max}.": _l(
        "Must be greater than or equal to {min} and less than or equal to {max}."
    ),
    "Must be greater than or equal to {min} and less than {max}.": _l(
        "Must be greater than or equal to {min} and less than {max}."
    ),
    "Must be greater than {min} and less than or equal to {max}.": _l(
        "Must be greater than {min} and less than or equal to {max}."
    ),
    "Must be greater than {min} and less than {max}.": _l(
        "Must be greater than {min} and less than {max}."
    ),
    "Must be greater than or equal to {min}.": _l("Must be greater than or equal to {min}."),
    "Must be greater than {min}.": _l("Must be greater than {min}."),
    "Must be less than or equal to {max}.": _l("Must be less than or equal to {max}."),
    "Must be less than {max}.": _l("Must be less than {max}."),
    "Must be between {min} and {max}.": _l("Must be between {min} and {max}."),
    "Shorter than minimum length {min}.": _l("Shorter than the minimum length {min}."),
    "Longer than maximum length {max}.": _l("Longer than the maximum length {max}."),
    "Length must be between {min} and {max}.": _l("The length must be between {min} and {max}."),
    "Length must be {equal}.": _l("The length must be {equal}."),
    "Must be one of: {choices}.": _l("Must be one of: {choices}."),
    "Must be equal to {other}.": _l("Must be equal to {other}."),
    "One or more of the choices you made was not in: {choices}.": _l(
        "One or more of the choices is not one of: {choices}."
    ),
    "One or more of the choices you made was in: {values}.": _l(
        "One or more of the choices is one of: {values}."
    ),
}


def _pattern(template: str) -> re.Pattern:
    """The template as a regular expression with one named group per {name}."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(template)), re.S)


_PATTERNS = [(_pattern(english), translated) for english, translated in TEMPLATES.items()]


def translate(message) -> str:
    """The message in the current request's language (unknown ones as they are)."""
    if not isinstance(message, str):
        return str(message)
    if message in EXACT:
        return str(EXACT[message])
    for pattern, translated in _PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return str(translated).format(**found.groupdict())
    return message
