"""Validation of credit codes, identity numbers, phones and emails, with real examples."""

import pytest

from marketplace.identifiers import (
    IdentifierError,
    mask_mobile,
    mask_national_id,
    normalise_email,
    normalise_mobile,
    normalise_national_id,
    normalise_uscc,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("91110000600037341L", "91110000600037341L"),  # a real, registered company
        ("9 1 110000 600037341L", "91110000600037341L"),  # spaces as people type them
        ("91330602000000019W", "91330602000000019W"),
    ],
)
def test_valid_credit_codes_are_accepted_and_compacted(raw, expected):
    assert normalise_uscc(raw) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("91110000600037341K", "check digit"),  # one character wrong
        ("91110000600037341", "18 characters"),  # one short
        ("A1110000600037341L", "not a valid"),  # registering authority must be a digit
        ("91110000600O37341L", "not a valid"),  # the letter O is never used
    ],
)
def test_invalid_credit_codes_are_refused_with_the_reason(raw, reason):
    with pytest.raises(IdentifierError) as excinfo:
        normalise_uscc(raw)
    assert reason in str(excinfo.value)


def test_valid_identity_numbers_are_accepted():
    assert normalise_national_id("360426199101010071") == "360426199101010071"
    # A lower-case x check digit is the same number as upper-case X.
    assert normalise_national_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("360426199101010072", "check digit"),
        ("36042619910101007", "18 characters"),
        ("360426199113010079", "not a valid"),  # month 13
        ("990426199101010079", "not a valid"),  # no such region code
    ],
)
def test_invalid_identity_numbers_are_refused_with_the_reason(raw, reason):
    with pytest.raises(IdentifierError) as excinfo:
        normalise_national_id(raw)
    assert reason in str(excinfo.value)


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "+86 139-0575-1234", "008615857512345"]
)
def test_mainland_mobiles_are_normalised_to_e164(raw):
    assert normalise_mobile(raw).startswith("+861")
    assert len(normalise_mobile(raw)) == 14


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("12345678901", "valid mainland"),  # no such mobile prefix
        ("0575-88888888", "landline"),  # a Shaoxing fixed line
        ("+852 9123 4567", "valid mainland"),  # Hong Kong mobile
        ("phone", "not a phone"),
        ("1381234567", "valid mainland"),  # ten digits
    ],
)
def test_other_numbers_are_refused(raw, reason):
    with pytest.raises(IdentifierError) as excinfo:
        normalise_mobile(raw)
    assert reason in str(excinfo.value)


def test_emails_are_checked_without_network_and_lower_cased():
    assert normalise_email("Li.Ming@Example.COM") == "li.ming@example.com"
    for bad in ["li.ming", "li@", "@example.com", "li ming@example.com"]:
        with pytest.raises(IdentifierError):
            normalise_email(bad)


def test_masks_hide_the_middle_of_personal_numbers():
    assert mask_mobile("+8613812345678") == "138****5678"
    assert mask_national_id("360426199101010071") == "360***********0071"
    assert "19910101" not in mask_national_id("360426199101010071")
