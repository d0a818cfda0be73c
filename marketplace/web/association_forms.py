"""WTForms for the association pages; the services check the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..bounds import SCHEDULE
from .form_base import Form, Within

OBJECTIVE_CHOICES = [
    SelectChoice("fill", _l("Fill as many places as possible, then the best matches")),
    SelectChoice("score", _l("The best matches overall")),
]


class PlacementRunForm(Form):
    starts_on = DateField(_l("Shifts starting from"), validators=[DataRequired(), Within(SCHEDULE)])
    ends_on = DateField(_l("up to and including"), validators=[DataRequired(), Within(SCHEDULE)])
    objective = SelectField(_l("Aim"), choices=OBJECTIVE_CHOICES, default="fill")


class RunDecisionForm(Form):
    """Only the CSRF token: the decision is the button, the chosen proposals are checkboxes."""


class DecisionForm(Form):
    """A moderator's decision: the reason where the decision needs one, a level for skills."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    level = IntegerField(_l("Level"), validators=[Optional(), NumberRange(min=1, max=5)])


class TrainingForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    grant = SelectField(_l("Grants"), validators=[DataRequired()])
    level_granted = IntegerField(
        _l("Skill level granted (1-5)"), validators=[Optional(), NumberRange(min=1, max=5)]
    )
    starts_at = DateTimeLocalField(
        _l("Starts (Shanghai time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(), Within(SCHEDULE)],
    )
    ends_at = DateTimeLocalField(
        _l("Ends (Shanghai time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(), Within(SCHEDULE)],
    )
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(min=1)])
