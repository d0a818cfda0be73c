"""WTForms for the account pages; business rules are checked by the services."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DecimalField,
    EmailField,
    FloatField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from ..labels import INDUSTRY_LABELS, KIND_LABELS
from ..models import Industry, WorkerKind
from .form_base import Form


class LoginForm(Form):
    identifier = StringField(
        _l("Mobile number or email"), validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class CredentialsForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    mobile = TelField(_l("Mobile number"), validators=[Optional(), Length(max=20)])
    email = EmailField(
        _l("Email (optional if you give a mobile number)"), validators=[Optional(), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class WorkerRegistrationForm(CredentialsForm):
    kind = RadioField(
        _l("I am"),
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in WorkerKind],
        validators=[DataRequired(message=_l("Choose what kind of worker you are."))],
    )
    district_id = SelectField(_l("Home district"), coerce=int, validators=[DataRequired()])
    max_travel_km = DecimalField(
        _l("How far can you travel (km)"),
        default=20,
        places=None,
        validators=[DataRequired(), NumberRange(min=1, max=500)],
    )
    national_id = StringField(
        _l("Identity card number (optional)"), validators=[Optional(), Length(max=20)]
    )


class FactoryRegistrationForm(CredentialsForm):
    mode = RadioField(
        _l("My factory"),
        choices=[
            SelectChoice("create", _l("is new here: register it")),
            SelectChoice("join", _l("is registered: ask to join it")),
        ],
        default="create",
        validators=[DataRequired()],
    )
    uscc = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=24)]
    )
    factory_name = StringField(_l("Registered factory name"), validators=[Length(max=120)])
    industry = SelectField(
        _l("Industry"), choices=[SelectChoice(i.value, INDUSTRY_LABELS[i]) for i in Industry]
    )
    association_id = SelectField(_l("Industry association"), coerce=int, validate_choice=False)
    site_address = StringField(_l("Site address"), validators=[Length(max=255)])
    district_id = SelectField(_l("Site district"), coerce=int, validate_choice=False)
    lat = FloatField(_l("Latitude (optional)"), validators=[Optional(), NumberRange(-90, 90)])
    lon = FloatField(_l("Longitude (optional)"), validators=[Optional(), NumberRange(-180, 180)])


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=256)]
    )
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
