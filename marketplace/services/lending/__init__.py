"""Lending (共享员工): agreements between lender and borrower, the lender's rules and settings,
what an early end does to the places, and the settlement report.
"""

from .agreements import (
    approve_agreement,
    cancel_agreement,
    recall_worker,
    refuse_agreement,
    request_agreement,
)
from .ending import end_places, hours_until
from .report import agreement_hours, agreement_report, agreements_for
from .rules import (
    check_approval,
    check_shifts,
    covered_span,
    day_bounds,
    local_date,
    local_today,
    requested_shift_ids,
)
from .settings import set_lending_rules

__all__ = [
    "agreement_hours",
    "agreement_report",
    "agreements_for",
    "approve_agreement",
    "cancel_agreement",
    "check_approval",
    "check_shifts",
    "covered_span",
    "day_bounds",
    "end_places",
    "hours_until",
    "local_date",
    "local_today",
    "recall_worker",
    "refuse_agreement",
    "request_agreement",
    "requested_shift_ids",
    "set_lending_rules",
]
