"""The return-to-work dashboard: an association's figures (moderators) or the city's (admins)."""

from dataclasses import fields

from flask import Blueprint, render_template, request
from flask_babel import format_date, format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import DateField
from wtforms.validators import Optional

from .. import policy
from ..bounds import FILTER
from ..errors import Invalid
from ..i18n import LocalName
from ..labels import INDUSTRY_LABELS
from ..models import Industry, WorkerKind
from ..services.organisations import reference
from ..services.stats import map as stats_map
from ..services.stats import queries as stats
from ..services.stats.figures import Figures
from . import charts
from .downloads import csv_response
from .form_base import Form, Within
from .helpers import acting_user, apply_field_errors, id_arg

bp = Blueprint("dashboard", __name__, url_prefix="/association")

KIND_SHORT_LABELS = {
    WorkerKind.IDLE_EMPLOYEE: _l("Idle employees"),
    WorkerKind.CROSS_INDUSTRY: _l("Cross-industry staff"),
    WorkerKind.RETIREE: _l("Retirees"),
    WorkerKind.VOLUNTEER: _l("Volunteers"),
    WorkerKind.EXPERT: _l("Experts"),
}
FIGURE_LABELS = {
    "shifts_posted": _l("Shifts posted"),
    "places_posted": _l("Places posted"),
    "places_filled": _l("Places filled"),
    "fill_rate": _l("Fill rate"),
    "median_hours_to_fill": _l("Median hours to fill"),
    "applications": _l("Applications"),
    "applications_per_place": _l("Applications per place"),
    "hours_worked": _l("Hours worked"),
    "places_taken": _l("Places taken"),
    "no_shows": _l("No-shows"),
    "no_show_rate": _l("No-show rate"),
    "late_cancellations": _l("Late cancellations"),
    "late_cancel_rate": _l("Late-cancel rate"),
}


class DashboardForm(Form):
    """The window: a GET form, so that a chosen window is a link one can share."""

    class Meta:
        csrf = False

    first_day = DateField(_l("From"), validators=[Optional(), Within(FILTER)])
    last_day = DateField(_l("up to and including"), validators=[Optional(), Within(FILTER)])


def _scope() -> int | None:
    """The moderator's association; for admins ?association=, or the whole city without it."""
    chosen = id_arg("association")
    if policy.is_admin(current_user):
        return chosen
    return chosen or current_user.association_id


def _load(form: DashboardForm):
    """The statistics for the form's window, or None with the errors put on the form."""
    if not form.validate():
        return None
    try:
        return stats.statistics(acting_user(), _scope(), form.first_day.data, form.last_day.data)
    except Invalid as error:
        apply_field_errors(form, error)
        return None


def _refused(form: DashboardForm):
    """The page with the window's errors beside its fields, and no figures."""
    return render_template("association/dashboard.html", form=form, stats=None), 422


@bp.route("/dashboard")
@login_required
def dashboard():
    form = DashboardForm(request.args)
    found = _load(form)
    if found is None:
        return _refused(form)
    return render_template(
        "association/dashboard.html",
        form=form,
        stats=found,
        associations=reference.associations() if policy.is_admin(current_user) else [],
        places_map=_map(found),
        **_charts(found),
    )


def _map(found: stats.Statistics) -> charts.ScatterMap:
    points = stats_map.map_points(acting_user(), _scope(), found.first_day, found.last_day)
    districts = [(d.lat, d.lon, str(LocalName(d))) for d in points.districts]
    return charts.scatter_map(points.places, points.workers, districts)


def _charts(found: stats.Statistics) -> dict:
    days = list(found.by_day)
    rates = [f.fill_rate for f in found.by_day.values()]
    titles = [
        f"{format_date(day, 'short')}: {format_percent(rate) if rate is not None else '–'}"
        for day, rate in zip(days, rates, strict=True)
    ]
    industries = [
        (str(INDUSTRY_LABELS[Industry(i)]), [f.places_posted, f.places_filled])
        for i, f in found.by_industry.items()
    ]
    kinds = [(str(KIND_SHORT_LABELS[WorkerKind(k)]), [n]) for k, n in found.workers_by_kind.items()]
    return {
        "fill_line": charts.rate_line([format_date(d, "M/d") for d in days], rates, titles),
        "industry_bars": charts.bars(
            industries, [str(_l("Places posted")), str(_l("Places filled"))]
        ),
        "kind_bars": charts.bars(kinds, [str(_l("Workers placed"))]),
    }


@bp.route("/dashboard.csv")
@login_required
def dashboard_csv():
    form = DashboardForm(request.args)
    found = _load(form)
    if found is None:
        return _refused(form)
    header = [_l("Group"), _l("Value"), *FIGURE_LABELS.values()]
    return csv_response(
        f"statistics-{found.first_day}-{found.last_day}.csv", header, _csv_rows(found)
    )


def _figure_cells(figures: Figures) -> list:
    return [getattr(figures, field.name) for field in fields(Figures)]


def _csv_rows(found: stats.Statistics):
    yield [str(_l("Total")), "", *_figure_cells(found.total)]
    for day, f in found.by_day.items():
        yield [str(_l("Day")), day.isoformat(), *_figure_cells(f)]
    for district, f in found.by_district.items():
        yield [str(_l("District")), str(LocalName(district)), *_figure_cells(f)]
    for industry, f in found.by_industry.items():
        yield [str(_l("Industry")), str(INDUSTRY_LABELS[Industry(industry)]), *_figure_cells(f)]
