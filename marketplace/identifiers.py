"""Validation, normalisation and masking of personal and organisation numbers."""

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc


class IdentifierError(ValueError):
    """A number or address that fails its check; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalise_mobile(raw: str) -> str:
    """A mainland China mobile number in E.164 (+86...), or IdentifierError."""
    try:
        number = phonenumbers.parse(raw.strip(), "CN")
    except phonenumbers.NumberParseException as exc:
        raise IdentifierError(_l("This is not a phone number.")) from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise IdentifierError(_l("Enter a valid mainland China mobile number."))
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise IdentifierError(_l("Enter a mobile number, not a landline."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """A syntactically valid email address, lower-cased; no DNS look-up (may be offline)."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise IdentifierError(_l("Enter a valid email address.")) from exc
    return result.normalized.lower()


def looks_like_email(identifier: str) -> bool:
    """Login accepts either; an @ decides which."""
    return "@" in identifier


_USCC_MESSAGES = {
    stdnum_errors.InvalidLength: _l("A unified social credit code has 18 characters."),
    stdnum_errors.InvalidChecksum: _l(
        "The check digit does not match: please check the credit code."
    ),
    stdnum_errors.ValidationError: _l("This is not a valid unified social credit code."),
}
_RIC_MESSAGES = {
    stdnum_errors.InvalidLength: _l("An identity card number has 18 characters."),
    stdnum_errors.InvalidChecksum: _l(
        "The check digit does not match: please check the ID number."
    ),
    stdnum_errors.ValidationError: _l("This is not a valid identity card number."),
}


def _stdnum_validate(validate, raw: str, messages: dict) -> str:
    """Run a python-stdnum validator; its error class picks the message (most specific first)."""
    try:
        return validate(raw)
    except stdnum_errors.ValidationError as exc:
        for error_class, message in messages.items():
            if isinstance(exc, error_class):
                raise IdentifierError(message) from exc
        raise


def normalise_uscc(raw: str) -> str:
    """An 18-character unified social credit code, checked with its check digit."""
    return _stdnum_validate(uscc.validate, raw, _USCC_MESSAGES)


def normalise_national_id(raw: str) -> str:
    """An 18-digit resident identity card number, checked for date, place and check digit."""
    return _stdnum_validate(ric.validate, raw.upper(), _RIC_MESSAGES)


def mask_mobile(e164: str | None) -> str:
    """+8613812345678 -> 138****5678."""
    if not e164:
        return ""
    national = e164.removeprefix("+86")
    return f"{national[:3]}****{national[-4:]}"


def mask_national_id(number: str | None) -> str:
    """330602199001011234 -> 330***********1234 (region prefix and last four kept)."""
    if not number:
        return ""
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"


def mask_email(email: str | None) -> str:
    """li.ming@example.com -> l***@example.com."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
