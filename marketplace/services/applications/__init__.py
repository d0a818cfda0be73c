"""Applications: applying and the waiting list, offers and their expiry, eligibility, attendance,
ratings, and what of a worker's contact an application's reader may see.
"""

from .applying import (
    apply,
    fill_from_waitlist,
    live_offer_count,
    load_application,
    lock_shift,
    offer_deadline,
    promote_from_waitlist,
    record,
    require_state,
    staff_application,
    tell_factory,
    tell_worker,
    transition,
    worker_application,
)
from .attendance import cancel, check_in, check_out, mark_no_show, rate, reliability, worked_hours
from .eligibility import (
    agreement_id_for,
    approved_agreement,
    failed_conditions,
    local_date,
    require_eligible,
)
from .offer_expiry import expire_offer, expire_offers
from .offers import accept, decline, invite, make_offer, offer, offer_unasked, reject, withdraw
from .worker_contact import masked_contact

__all__ = [
    "accept",
    "agreement_id_for",
    "apply",
    "approved_agreement",
    "cancel",
    "check_in",
    "check_out",
    "decline",
    "expire_offer",
    "expire_offers",
    "failed_conditions",
    "fill_from_waitlist",
    "invite",
    "live_offer_count",
    "load_application",
    "local_date",
    "lock_shift",
    "make_offer",
    "mark_no_show",
    "masked_contact",
    "offer",
    "offer_deadline",
    "offer_unasked",
    "promote_from_waitlist",
    "rate",
    "record",
    "reject",
    "reliability",
    "require_eligible",
    "require_state",
    "staff_application",
    "tell_factory",
    "tell_worker",
    "transition",
    "withdraw",
    "worked_hours",
    "worker_application",
]
