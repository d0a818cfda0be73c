"""The filter form of the open-shift list: a GET form, so links to a filtered list can be shared."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FloatField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional, StopValidation

from ..bounds import FILTER
from ..labels import INDUSTRY_LABELS
from ..models import Industry
from ..services.shifts.listing import LOCAL_TIMEZONE, ShiftFilters
from .form_base import Form, Within
from .helpers import local_name

MAX_FILTER_KM = 500
CHOOSE_FROM_LIST = _l("Choose one of the listed options.")


def parsed(form, field) -> None:
    """Stop at the field's own parse error, so 'abc' is not also told it is out of range."""
    if field.process_errors:
        raise StopValidation()


def optional_int(value) -> int | None:
    """'' (any) becomes None; anything else must be a whole number."""
    return None if value in ("", None) else int(value)


def _choice_field(label):
    return SelectField(
        label,
        coerce=optional_int,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        validators=[Optional()],
    )


class ShiftFilterForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    district = _choice_field(_l("District"))
    industry = SelectField(
        _l("Industry"),
        choices=[SelectChoice("", _l("All industries"))]
        + [SelectChoice(i.value, INDUSTRY_LABELS[i]) for i in Industry],
        invalid_choice_message=CHOOSE_FROM_LIST,
        validators=[Optional()],
    )
    skill = _choice_field(_l("Skill"))
    day = DateField(
        _l("Day"),
        invalid_value_message=_l("Give the day as year-month-day."),
        validators=[Optional(), Within(FILTER)],
    )
    near_home = BooleanField(_l("Measure from my home"))
    lat = FloatField(
        _l("Latitude"),
        invalid_value_message=_l("Give the latitude in degrees, e.g. 30.0."),
        validators=[
            Optional(),
            parsed,
            NumberRange(-90, 90, message=_l("From -90 to 90 degrees.")),
        ],
    )
    lon = FloatField(
        _l("Longitude"),
        invalid_value_message=_l("Give the longitude in degrees, e.g. 120.5."),
        validators=[
            Optional(),
            parsed,
            NumberRange(-180, 180, message=_l("From -180 to 180 degrees.")),
        ],
    )
    within_km = FloatField(
        _l("Within (km)"),
        invalid_value_message=_l("Give a distance in kilometres."),
        validators=[
            Optional(),
            parsed,
            NumberRange(
                min=0.1, max=MAX_FILTER_KM, message=_l("Give a distance from 0.1 to 500 km.")
            ),
        ],
    )

    def fill_choices(self, districts, skills) -> None:
        """Districts and skills come from the database, in the viewer's language."""
        self.district.choices = [SelectChoice("", _l("All districts"))] + [
            SelectChoice(d.id, local_name(d)) for d in districts
        ]
        self.skill.choices = [SelectChoice("", _l("Any skill"))] + [
            SelectChoice(s.id, local_name(s), optgroup=str(INDUSTRY_LABELS[s.industry]))
            for s in skills
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._check_day() and self._check_distance() and valid

    def _check_day(self) -> bool:
        today = datetime.now(LOCAL_TIMEZONE).date()
        if self.day.data and self.day.data < today:
            self.day.errors = [*self.day.errors, _l("Choose today or a later day.")]
            return False
        return True

    def _check_distance(self) -> bool:
        if self.lat.errors or self.lon.errors or self.within_km.errors:
            return False
        has_lat, has_lon = self.lat.data is not None, self.lon.data is not None
        if has_lat != has_lon:
            missing = self.lon if has_lat else self.lat
            missing.errors = [*missing.errors, _l("Give both latitude and longitude.")]
            return False
        has_origin = has_lat or self.near_home.data
        if has_lat and self.near_home.data:
            message = _l("Measure from your home or from a point, not both.")
            self.near_home.errors = [*self.near_home.errors, message]
            return False
        if self.within_km.data is not None and not has_origin:
            message = _l("Say where to measure from: your home or a point.")
            self.within_km.errors = [*self.within_km.errors, message]
            return False
        if has_origin and self.within_km.data is None:
            message = _l("Give the distance in km.")
            self.within_km.errors = [*self.within_km.errors, message]
            return False
        return True

    def filters(self) -> ShiftFilters:
        """The validated form as the service's filters."""
        has_point = self.lat.data is not None
        return ShiftFilters(
            district_id=self.district.data,
            industry=Industry(self.industry.data) if self.industry.data else None,
            skill_id=self.skill.data,
            day=self.day.data,
            near=(self.lat.data, self.lon.data) if has_point else None,
            near_home=bool(self.near_home.data),
            within_km=self.within_km.data,
        )
