"""WTForms for the worker pages; the services check the rules and name the field at fault."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ..bounds import CERTIFICATE, SCHEDULE
from ..labels import KIND_LABELS
from ..models import WorkerKind
from ..services.applications.applying import NOTE_MAX_LENGTH
from ..services.applications.attendance import TEXT_MAX_LENGTH
from ..services.workers.profile import CERTIFICATE_NUMBER_MAX
from .form_base import Form, Within

LEVEL_CHOICES = [
    SelectChoice(1, _l("1 — beginner")),
    SelectChoice(2, _l("2 — can work with help")),
    SelectChoice(3, _l("3 — works alone")),
    SelectChoice(4, _l("4 — experienced")),
    SelectChoice(5, _l("5 — can teach others")),
]


class NumberField(FloatField):
    """A decimal number; a typo keeps what was typed and says so in the user's language."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = float(valuelist[0].strip().replace(",", "."))
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Enter a number, e.g. 29.99.")) from exc


class LocalDateTimeField(DateTimeLocalField):
    """Date and time in Shanghai time, as the browser's date-time picker sends it."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter a date and time, e.g. 2020-02-18 08:00.")) from exc


class LocalDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter a date, e.g. 2021-12-31.")) from exc


class ProfileForm(Form):
    kind = RadioField(
        _l("I am"),
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in WorkerKind],
        validators=[InputRequired(message=_l("Choose what kind of worker you are."))],
    )
    lender_factory_id = SelectField(
        _l("My employer, who lends me (idle employees only)"), coerce=int, validate_choice=False
    )
    home_source = RadioField(
        _l("Where I live"),
        choices=[
            SelectChoice("district", _l("In my district (its centre is used)")),
            SelectChoice("coordinates", _l("At these coordinates")),
        ],
        default="district",
        validators=[InputRequired(message=_l("Choose how to give your home location."))],
    )
    district_id = SelectField(_l("District"), coerce=int, validate_choice=False)
    lat = NumberField(_l("Latitude"), validators=[Optional()])
    lon = NumberField(_l("Longitude"), validators=[Optional()])
    max_travel_km = NumberField(
        _l("How far can you travel (km)"),
        validators=[InputRequired(message=_l("Enter a distance."))],
    )
    needs_housing = BooleanField(_l("I need a dormitory bed"))


class SkillForm(Form):
    skill_id = SelectField(_l("Skill"), coerce=int, validate_choice=False)
    level = SelectField(_l("Level"), coerce=int, choices=LEVEL_CHOICES, validate_choice=False)


class CertificateForm(Form):
    certificate_type_id = SelectField(_l("Certificate"), coerce=int, validate_choice=False)
    number = StringField(_l("Certificate number"), validators=[Length(max=CERTIFICATE_NUMBER_MAX)])
    valid_until = LocalDateField(
        _l("Valid until (empty if it does not expire)"),
        validators=[Optional(), Within(CERTIFICATE)],
    )


class AvailabilityForm(Form):
    starts_at = LocalDateTimeField(
        _l("From"),
        validators=[InputRequired(message=_l("Enter a date and time.")), Within(SCHEDULE)],
    )
    ends_at = LocalDateTimeField(
        _l("Until"),
        validators=[InputRequired(message=_l("Enter a date and time.")), Within(SCHEDULE)],
    )


class ApplyForm(Form):
    note = TextAreaField(
        _l("A note to the factory (optional)"), validators=[Length(max=NOTE_MAX_LENGTH)]
    )


class CancelForm(Form):
    reason = TextAreaField(
        _l("Why you cancel (the factory reads this)"), validators=[Length(max=TEXT_MAX_LENGTH)]
    )


class RateForm(Form):
    score = SelectField(
        _l("How was it? (5 is best)"),
        choices=[SelectChoice(str(n), str(n)) for n in range(5, 0, -1)],
        default="5",
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=TEXT_MAX_LENGTH)])


class ActionForm(Form):
    """Only the CSRF token: the action is the button."""
