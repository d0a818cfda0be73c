"""Spreadsheet downloads: a factory's shifts, placements and settlement; an association's
placements. Each table is a list of (column label, value of a row) in the reader's language.
"""

from datetime import timedelta

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..labels import KIND_LABELS, SHIFT_STATUS_LABELS
from ..models import ApplicationStatus, WorkerKind, utcnow
from ..services.platform import exports
from ..services.shifts import factory_queries
from ..services.shifts.listing import LOCAL_TIMEZONE
from .dashboard import DashboardForm
from .dashboard import bp as association_bp
from .downloads import table_response
from .factory_base import AGREEMENT_LABELS, APPLICATION_LABELS, factory_arg
from .factory_base import bp as factory_bp
from .factory_forms import SettlementFilterForm
from .helpers import acting_user, association_in_view

SHIFT_COLUMNS = (
    (_l("Shift"), lambda s: s.id),
    (_l("Title"), lambda s: s.title),
    (_l("Site"), lambda s: s.site.name),
    (_l("Starts"), lambda s: s.starts_at),
    (_l("Ends"), lambda s: s.ends_at),
    (_l("Headcount"), lambda s: s.headcount),
    (_l("Places filled"), lambda s: s.accepted_count),
    (_l("Hourly pay (CNY)"), lambda s: s.hourly_pay_cny),
    (_l("Status"), lambda s: str(SHIFT_STATUS_LABELS[s.status])),
)
PLACEMENT_COLUMNS = (
    (_l("Shift"), lambda p: p.shift_id),
    (_l("Title"), lambda p: p.shift_title),
    (_l("Factory"), lambda p: p.factory_name),
    (_l("Starts"), lambda p: p.starts_at),
    (_l("Ends"), lambda p: p.ends_at),
    (_l("Worker"), lambda p: p.worker_name),
    (_l("Kind"), lambda p: str(KIND_LABELS[WorkerKind(p.worker_kind)])),
    (_l("Status"), lambda p: str(APPLICATION_LABELS[ApplicationStatus(p.status)])),
    (_l("Checked in"), lambda p: p.checked_in_at),
    (_l("Checked out"), lambda p: p.checked_out_at),
    (_l("Hours"), lambda p: p.hours),
    (_l("On loan"), lambda p: str(_l("yes")) if p.lent else ""),
)
SETTLEMENT_COLUMNS = (
    (_l("Agreement"), lambda line: line.agreement.id),
    (_l("Worker"), lambda line: line.worker_name),
    (_l("Lender"), lambda line: line.lender_name),
    (_l("Borrower"), lambda line: line.borrower_name),
    (_l("From"), lambda line: line.starts_on),
    (_l("To"), lambda line: line.ends_on),
    (_l("Status"), lambda line: str(AGREEMENT_LABELS[line.status])),
    (_l("Hours"), lambda line: line.hours),
    (_l("Rate (CNY per hour)"), lambda line: line.settlement_rate_cny),
    (_l("Amount due (CNY)"), lambda line: line.amount_due_cny),
)


def _table(fmt: str, stem: str, columns, items):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    header = [label for label, _ in columns]
    rows = ([value(item) for _, value in columns] for item in items)
    return table_response(fmt, stem, header, rows, title=stem)


def _window() -> tuple:
    """The ?first_day=&last_day= window (the dashboard's form), by default the last 4 weeks."""
    form = DashboardForm(request.args)
    if not form.validate():
        abort(422)
    last = form.last_day.data or utcnow().astimezone(LOCAL_TIMEZONE).date()
    return form.first_day.data or last - timedelta(days=27), last


@factory_bp.get("/export/shifts.<fmt>")
@login_required
def export_shifts(fmt: str):
    shifts = exports.factory_shifts(acting_user(), factory_arg())
    return _table(fmt, "shifts", SHIFT_COLUMNS, shifts)


@factory_bp.get("/export/placements.<fmt>")
@login_required
def export_placements(fmt: str):
    placements = exports.factory_placements(acting_user(), factory_arg(), *_window())
    return _table(fmt, "placements", PLACEMENT_COLUMNS, placements)


@factory_bp.get("/export/settlement.<fmt>")
@login_required
def export_settlement(fmt: str):
    form = SettlementFilterForm(request.args)  # the period the report page shows
    if not form.validate():
        abort(422)
    report = factory_queries.settlement(
        acting_user(), factory_arg(), starts_on=form.starts_on.data, ends_on=form.ends_on.data
    )
    return _table(fmt, "settlement", SETTLEMENT_COLUMNS, report.lines)


@association_bp.get("/export/placements.<fmt>")
@login_required
def export_association_placements(fmt: str):
    placements = exports.association_placements(acting_user(), association_in_view(), *_window())
    return _table(fmt, "placements", PLACEMENT_COLUMNS, placements)
