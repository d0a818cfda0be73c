"""WTForms for the association pages; the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import DataRequired

OBJECTIVE_CHOICES = [
    SelectChoice("fill", _l("Fill as many places as possible, then the best matches")),
    SelectChoice("score", _l("The best matches overall")),
]


class PlacementRunForm(FlaskForm):
    starts_on = DateField(_l("Shifts starting from"), validators=[DataRequired()])
    ends_on = DateField(_l("up to and including"), validators=[DataRequired()])
    objective = SelectField(_l("Aim"), choices=OBJECTIVE_CHOICES, default="fill")


class RunDecisionForm(FlaskForm):
    """Only the CSRF token: the decision is the button, the chosen proposals are checkboxes."""
