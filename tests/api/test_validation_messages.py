"""marshmallow's field messages in the reader's language: Chinese for zh, English for en."""

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from marketplace.extensions import db
from marketplace.models import Role
from marketplace.schemas.messages import EXACT, TEMPLATES, translate
from tests.api.conftest import error_of

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
LIST = "/api/v1/shifts?per_page=500&page=abc&industry=mining&radius_km=0&near=30,120&x=1"


def test_query_messages_in_english(client):
    fields_ = error_of(client.get(LIST), 422)["fields"]
    assert fields_ == {
        "per_page": ["Must be greater than or equal to 1 and less than or equal to 100."],
        "page": ["Not a valid integer."],
        "industry": [fields_["industry"][0]],
        "radius_km": ["Must be greater than or equal to 0.1 and less than or equal to 500."],
        "x": ["Unknown field."],
    }
    assert fields_["industry"][0].startswith("Must be one of: textiles, ")


def test_query_messages_in_chinese(client):
    fields_ = error_of(client.get(LIST, headers=ZH), 422)["fields"]
    assert fields_ == {
        "per_page": ["必须大于或等于 1 且小于或等于 100。"],
        "page": ["不是有效的整数。"],
        "industry": [fields_["industry"][0]],
        "radius_km": ["必须大于或等于 0.1 且小于或等于 500。"],
        "x": ["未知字段。"],
    }
    assert fields_["industry"][0].startswith("必须是以下之一：textiles, ")


def test_body_messages_follow_the_users_own_language(client, bearer, make_user):
    user = make_user(Role.FACTORY_STAFF)
    headers = bearer(user)
    body = {"reason": "x" * 2001, "extra": True}
    english = error_of(client.post("/api/v1/shifts/1/cancel", json=body, headers=headers), 422)
    assert english["fields"] == {
        "reason": ["The length must be between 1 and 2000."],
        "extra": ["Unknown field."],
    }
    user.locale = "zh_Hans_CN"  # the user's saved choice wins over the client's en
    db.session.commit()
    chinese = error_of(client.post("/api/v1/shifts/1/cancel", json=body, headers=headers), 422)
    assert chinese["fields"] == {"reason": ["长度必须在 1 到 2000 之间。"], "extra": ["未知字段。"]}
    missing = client.post("/api/v1/shifts/1/cancel", json={"reason": 5}, headers=headers)
    assert error_of(missing, 422)["fields"] == {"reason": ["不是有效的字符串。"]}
    required = client.post("/api/v1/shifts/1/cancel", json={}, headers=headers)
    assert error_of(required, 422)["fields"] == {"reason": ["此项为必填项。"]}


def test_our_own_messages_and_unknown_ones_pass_through(app):
    with app.test_request_context(headers=ZH):
        assert translate("Give near=lat,lon with radius_km.") == "Give near=lat,lon with radius_km."
        assert translate("Must be between -5 and 5.") == "必须在 -5 到 5 之间。"
        assert translate("Length must be 18.") == "长度必须为 18。"


@pytest.mark.parametrize(
    ("validator", "bad"),
    [
        (validate.Range(min=1, max=5), 9),
        (validate.Range(min=1, max=5, min_inclusive=False, max_inclusive=False), 9),
        (validate.Range(min=1, max=5, min_inclusive=False), 9),
        (validate.Range(min=1, max=5, max_inclusive=False), 9),
        (validate.Range(min=1), 0),
        (validate.Range(min=1, min_inclusive=False), 0),
        (validate.Range(max=0), 1),
        (validate.Range(max=0, max_inclusive=False), 1),
        (validate.Length(min=2), "z"),
        (validate.Length(max=0), "z"),
        (validate.Length(min=2, max=3), "zzzz"),
        (validate.Length(equal=3), "z"),
        (validate.OneOf(["a", "b"]), "z"),
        (validate.Equal("a"), "z"),
        (validate.ContainsOnly(["a"]), ["z"]),
        (validate.ContainsNoneOf(["z"]), ["z"]),
        (validate.NoneOf(["z"]), "z"),
        (validate.Regexp("^a$"), "z"),
    ],
)
def test_every_validator_message_is_translated(app, validator, bad):
    """marshmallow's wording is matched: an upgrade that changes it fails here, not silently."""
    with pytest.raises(ValidationError) as raised:
        validator(bad)
    (message,) = raised.value.messages
    with app.test_request_context(headers=ZH):
        translated = translate(message)
    assert translated != message and not translated.isascii(), message


def test_the_field_messages_our_schemas_meet_are_known():
    for text in (
        fields.Field.default_error_messages["required"],
        fields.Field.default_error_messages["null"],
        fields.Integer.default_error_messages["invalid"],
        fields.Number.default_error_messages["invalid"],
        fields.String.default_error_messages["invalid"],
        fields.Boolean.default_error_messages["invalid"],
        fields.Date.default_error_messages["invalid"],
        fields.List.default_error_messages["invalid"],
        fields.Dict.default_error_messages["invalid"],
        fields.Nested.default_error_messages["type"],
        fields.Decimal.default_error_messages["special"],
        Schema._default_error_messages["unknown"],
        Schema._default_error_messages["type"],
    ):
        assert text in EXACT, text
    assert fields.Enum.default_error_messages["unknown"] in TEMPLATES


@pytest.mark.parametrize(
    "url,body",
    [
        ("/api/v1/shifts", {"starts_at": "0001-01-01T00:00:00+08:00"}),
        ("/api/v1/placement-runs", {"window_starts_at": "0001-01-01T00:00:00+08:00"}),
        ("/api/v1/training-sessions", {"starts_at": "0001-01-01T00:00:00+08:00"}),
    ],
)
def test_a_time_with_no_utc_equivalent_is_a_field_error(client, bearer, make_user, url, body):
    headers = bearer(make_user(Role.ADMIN))
    field = next(iter(body))
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
