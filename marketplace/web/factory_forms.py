"""WTForms for the factory staff pages; the services check the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..bounds import AGREEMENT, FILTER, SCHEDULE
from ..labels import KIND_LABELS
from ..models import Shift, WorkerKind
from ..services.shifts.shift import ShiftInput
from .form_base import Form as AppForm
from .form_base import Within
from .helpers import local_name, local_to_utc, utc_to_local

# Rows shown for skills and pickup points; "add a row" re-renders the form with one more.
EXTRA_ROWS = 2
MAX_ROWS = 20
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
LEVEL_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]
WEIGHT_CHOICES = [
    SelectChoice("1.0", _l("matters a lot")),
    SelectChoice("0.6", _l("matters")),
    SelectChoice("0.3", _l("a small plus")),
]


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (keyboard-usable without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequiredSkillRow(Form):
    skill_id = SelectField(_l("Skill"), coerce=int, validate_choice=False, default=0)
    min_level = SelectField(_l("Lowest level"), coerce=int, choices=LEVEL_CHOICES, default=1)


class PreferredSkillRow(Form):
    skill_id = SelectField(_l("Skill"), coerce=int, validate_choice=False, default=0)
    weight = SelectField(_l("How much it counts"), choices=WEIGHT_CHOICES, default="1.0")


class PickupRow(Form):
    name = StringField(_l("Pickup point"), validators=[Length(max=120)])
    lat = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90)],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180)],
    )


class ShiftForm(AppForm):
    """Field names match services.shifts.shift.ShiftInput, so its errors land beside the fields."""

    site_id = SelectField(_l("Site"), coerce=int, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=5000)])
    starts_at = DateTimeLocalField(
        _l("Starts (Shanghai time)"),
        format=LOCAL_FORMAT,
        validators=[
            DataRequired(message=_l("Enter the date and time the shift starts.")),
            Within(SCHEDULE),
        ],
    )
    ends_at = DateTimeLocalField(
        _l("Ends (Shanghai time)"),
        format=LOCAL_FORMAT,
        validators=[
            DataRequired(message=_l("Enter the date and time the shift ends.")),
            Within(SCHEDULE),
        ],
    )
    # Ranges are the service's to check: its messages say what is wanted.
    headcount = IntegerField(_l("Workers needed"), default=1, validators=[InputRequired()])
    hourly_pay_cny = DecimalField(
        _l("Hourly pay (yuan)"), places=None, validators=[InputRequired()]
    )
    dormitory_beds = IntegerField(
        _l("Dormitory beds offered"), default=0, validators=[InputRequired()]
    )
    max_distance_km = FloatField(
        _l("Workers may live up to (km)"), default=30, validators=[InputRequired()]
    )
    accepted_kinds = CheckboxesField(
        _l("Kinds of worker accepted"),
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in WorkerKind],
        default=[k.value for k in WorkerKind],
        validate_choice=False,
    )
    required_skills = FieldList(FormField(RequiredSkillRow), min_entries=EXTRA_ROWS)
    preferred_skills = FieldList(FormField(PreferredSkillRow), min_entries=EXTRA_ROWS)
    required_certificate_ids = CheckboxesField(
        _l("Certificates every worker must hold"), coerce=int, validate_choice=False
    )
    pickup_points = FieldList(FormField(PickupRow), min_entries=EXTRA_ROWS)


class RowForm(AppForm):
    """A small form repeated on a page (one per worker or agreement), told apart by its prefix.

    The page carries the token as a plain `csrf_token` field, which CSRFProtect checks on
    every POST before the view runs; a prefixed per-form token would only repeat that check.
    """

    class Meta:
        csrf = False


class ReasonForm(RowForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=1000)])


class RequiredReasonForm(RowForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=1000)],
    )


class RatingForm(RowForm):
    score = SelectField(
        _l("Score"),
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(5, 0, -1)],
        validators=[InputRequired()],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=1000)])


class SettlementFilterForm(AppForm):
    """A GET form: the period of the settlement report."""

    class Meta:
        csrf = False

    starts_on = DateField(_l("From"), validators=[Optional(), Within(FILTER)])
    ends_on = DateField(_l("To"), validators=[Optional(), Within(FILTER)])


def _skill_choices(items) -> list[SelectChoice]:
    return [SelectChoice(0, "—")] + [SelectChoice(i.id, local_name(i)) for i in items]


def set_shift_choices(form: ShiftForm, sites, skills, certificates) -> None:
    """Fill the select lists; a weight the shift already has stays a choice."""
    form.site_id.choices = [SelectChoice(s.id, f"{s.name} · {s.address}") for s in sites]
    skill_choices = _skill_choices(skills)
    for row in form.required_skills:
        row.skill_id.choices = skill_choices
    for row in form.preferred_skills:
        row.skill_id.choices = skill_choices
        known = [c.value for c in WEIGHT_CHOICES]
        value = _weight_text(row.weight.data)
        extra = [SelectChoice(value, value)] if value and value not in known else []
        row.weight.choices = [*WEIGHT_CHOICES, *extra]
    form.required_certificate_ids.choices = [
        SelectChoice(c.id, local_name(c)) for c in certificates
    ]


def _weight_text(value) -> str:
    try:
        return str(float(value))
    except (TypeError, ValueError):
        return ""


def add_rows(form: ShiftForm) -> None:
    """One more empty row for each list (the "more rows" button, without JavaScript)."""
    for rows in (form.required_skills, form.preferred_skills, form.pickup_points):
        if len(rows) < MAX_ROWS:
            rows.append_entry()


def shift_input(form: ShiftForm) -> ShiftInput:
    """The service's input from a validated form; empty rows are left out."""
    return ShiftInput(
        site_id=form.site_id.data,
        title=form.title.data or "",
        description=form.description.data or "",
        starts_at=local_to_utc(form.starts_at.data),
        ends_at=local_to_utc(form.ends_at.data),
        headcount=form.headcount.data,
        hourly_pay_cny=form.hourly_pay_cny.data,
        dormitory_beds=form.dormitory_beds.data,
        max_distance_km=form.max_distance_km.data,
        accepted_kinds=list(form.accepted_kinds.data or []),
        required_skills=[
            (row.skill_id.data, row.min_level.data)
            for row in form.required_skills
            if row.skill_id.data
        ],
        preferred_skills=[
            (row.skill_id.data, float(row.weight.data))
            for row in form.preferred_skills
            if row.skill_id.data
        ],
        required_certificate_ids=list(form.required_certificate_ids.data or []),
        pickup_points=[
            ((row.form.name.data or "").strip(), row.lat.data, row.lon.data)
            for row in form.pickup_points
            if (row.form.name.data or "").strip()
            or row.lat.data is not None
            or row.lon.data is not None
        ],
    )


def shift_form_data(shift: Shift) -> dict:
    """The form's data for editing a shift, with empty rows to add more."""
    blank = [{}] * EXTRA_ROWS
    return {
        "site_id": shift.site_id,
        "title": shift.title,
        "description": shift.description,
        "starts_at": utc_to_local(shift.starts_at),
        "ends_at": utc_to_local(shift.ends_at),
        "headcount": shift.headcount,
        "hourly_pay_cny": shift.hourly_pay_cny,
        "dormitory_beds": shift.dormitory_beds,
        "max_distance_km": shift.max_distance_km,
        "accepted_kinds": sorted(k.value for k in shift.accepted_kinds),
        "required_skills": [
            {"skill_id": r.skill_id, "min_level": r.min_level} for r in shift.required_skills
        ]
        + blank,
        "preferred_skills": [
            {"skill_id": p.skill_id, "weight": _weight_text(p.weight)}
            for p in shift.preferred_skills
        ]
        + blank,
        "required_certificate_ids": [c.certificate_type_id for c in shift.required_certificates],
        "pickup_points": [{"name": p.name, "lat": p.lat, "lon": p.lon} for p in shift.pickup_points]
        + blank,
    }


class LendingRulesForm(RowForm):
    """A lender's own rules; field names match the Factory columns, to prefill from it."""

    lending_cap = IntegerField(
        _l("Staff out on loan at once, at most (empty: no limit)"), validators=[Optional()]
    )
    lending_max_extra_days = IntegerField(
        _l("Days a loan may run beyond the shifts it is for"), validators=[InputRequired()]
    )


PAYER_CHOICES = [
    SelectChoice("lender", _l("The lending employer")),
    SelectChoice("borrower", _l("We, the borrowing factory")),
]


class LendingRequestForm(AppForm):
    """Ask an idle employee's employer to lend them to us for a period."""

    starts_on = DateField(_l("First day"), validators=[DataRequired(), Within(AGREEMENT)])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(), Within(AGREEMENT)])
    wage_payer = SelectField(_l("Who pays the wages"), choices=PAYER_CHOICES, default="lender")
    insurance_payer = SelectField(
        _l("Who pays the insurance"), choices=PAYER_CHOICES, default="lender"
    )
    settlement_rate_cny = DecimalField(
        _l("What we pay the employer per hour worked (yuan)"),
        places=2,
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("Note to the employer (optional)"), validators=[Length(max=2000)])
