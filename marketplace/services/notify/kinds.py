"""The inbox's messages by kind, translated when read: what each notification says, and the
parameter names its emitters use. notifications.render fills them in.
"""

from flask_babel import lazy_gettext as _l

# Messages by kind: (subject, body), filled from the notification's params when read.
# Parameter names: shift, factory, worker, association, lender, borrower, title (of a
# training session), level, category, reason, resolution, hours, score, starts_at /
# expires_at (ISO times), starts_on / ends_on (ISO dates); ALIASES lists the other names
# emitters use. A kind with an "outcome" param is looked up as "kind.outcome" first.
KINDS: dict[str, tuple] = {
    "offer_made": (
        _l("You have an offer: %(shift)s"),
        _l("You are offered a place on “%(shift)s”. Please accept or decline by %(expires_at)s."),
    ),
    "offer_accepted": (
        _l("Offer accepted: %(shift)s"),
        _l("%(worker)s accepted your offer for “%(shift)s”."),
    ),
    "offer_declined": (
        _l("Offer declined: %(shift)s"),
        _l("%(worker)s declined your offer for “%(shift)s”."),
    ),
    "offer_expired": (
        _l("Offer expired: %(shift)s"),
        _l("The offer of a place on “%(shift)s” expired without an answer."),
    ),
    "application_received": (
        _l("New application: %(shift)s"),
        _l("%(worker)s applied for “%(shift)s”."),
    ),
    "application_rejected": (
        _l("Application not accepted: %(shift)s"),
        _l("Your application for “%(shift)s” was not accepted. %(reason)s"),
    ),
    "shift_changed": (
        _l("Shift changed: %(shift)s"),
        _l("“%(shift)s” has changed: it runs from %(starts_at)s to %(ends_at)s. Please check it."),
    ),
    "shift_cancelled": (
        _l("Shift cancelled: %(shift)s"),
        _l("“%(shift)s” was cancelled. Reason: %(reason)s"),
    ),
    "shift_pending_review": (
        _l("Shift to review: %(shift)s"),
        _l("A new shift, “%(shift)s”, waits for your association's review."),
    ),
    "shift_approved": (
        _l("Shift approved: %(shift)s"),
        _l("Your association approved “%(shift)s”; workers can apply now."),
    ),
    "shift_rejected": (
        _l("Shift rejected: %(shift)s"),
        _l("Your association rejected “%(shift)s”. Reason: %(reason)s"),
    ),
    "factory_verified": (
        _l("%(factory)s is verified"),
        _l("Your association verified %(factory)s; its shifts now open without review."),
    ),
    "factory_rejected": (
        _l("%(factory)s was not verified"),
        _l("Your association did not verify %(factory)s. Reason: %(reason)s"),
    ),
    "factory_suspended": (
        _l("%(factory)s is suspended"),
        _l("Your association suspended %(factory)s. Reason: %(reason)s"),
    ),
    "factory_reinstated": (
        _l("%(factory)s is reinstated"),
        _l("Your association reinstated %(factory)s."),
    ),
    "skill_verified": (
        _l("Skill verified"),
        _l("An association verified one of your skills at level %(level)s."),
    ),
    "certificate_verified": (
        _l("Certificate verified"),
        _l("An association verified one of your certificates."),
    ),
    "report_filed": (
        _l("A new report to handle"),
        _l("A report (%(category)s) was filed with your association and waits for you."),
    ),
    "report_resolved": (
        _l("Your report was resolved"),
        _l("Your association resolved your report: %(resolution)s"),
    ),
    "report_dismissed": (
        _l("Your report was dismissed"),
        _l("Your association dismissed your report: %(resolution)s"),
    ),
    "lending_requested": (
        _l("Lending request: %(worker)s"),
        _l("%(borrower)s asks %(lender)s to lend %(worker)s from %(starts_on)s to %(ends_on)s."),
    ),
    "lending_approved": (
        _l("Lending approved: %(worker)s"),
        _l(
            "%(lender)s agreed to lend %(worker)s to %(borrower)s"
            " from %(starts_on)s to %(ends_on)s."
        ),
    ),
    "lending_refused": (
        _l("Lending refused: %(worker)s"),
        _l("%(lender)s refused to lend %(worker)s to %(borrower)s. Reason: %(reason)s"),
    ),
    "lending_cancelled": (
        _l("Lending request withdrawn: %(worker)s"),
        _l("%(borrower)s withdrew its request to borrow %(worker)s."),
    ),
    "worker_recalled": (
        _l("Worker recalled: %(worker)s"),
        _l(
            "%(lender)s recalled %(worker)s from %(borrower)s; their places there have ended."
            " Reason: %(reason)s"
        ),
    ),
    "training_result": (
        _l("Training result: %(title)s"),
        _l("The result of “%(title)s” is on your profile."),
    ),
    "training_result.passed": (
        _l("Training passed: %(title)s"),
        _l("You passed “%(title)s”; what it teaches is now verified on your profile."),
    ),
    "training_result.failed": (
        _l("Training result: %(title)s"),
        _l("You did not pass “%(title)s” this time."),
    ),
    "training_cancelled": (
        _l("Training cancelled: %(title)s"),
        _l("“%(title)s” has been cancelled. Reason: %(reason)s"),
    ),
    "place_cancelled": (
        _l("Place cancelled: %(shift)s"),
        _l("%(worker)s's place on “%(shift)s” was cancelled. Reason: %(reason)s"),
    ),
    "application_cancelled": (
        _l("Place cancelled: %(shift)s"),
        _l("Your place on “%(shift)s” was cancelled. Reason: %(reason)s"),
    ),
    "application_withdrawn": (
        _l("Application withdrawn: %(shift)s"),
        _l("%(worker)s withdrew their application for “%(shift)s”."),
    ),
    "shift_completed": (
        _l("Shift completed: %(shift)s"),
        _l("You completed “%(shift)s”: %(hours)s hours recorded."),
    ),
    "marked_no_show": (
        _l("Marked as not attending: %(shift)s"),
        _l("The factory recorded that you did not come to “%(shift)s”."),
    ),
    "rating_received": (
        _l("New rating: %(shift)s"),
        _l("You were rated %(score)s out of 5 for “%(shift)s”."),
    ),
    "profile_imported": (
        _l("Your profile was changed by %(importer)s"),
        _l(
            "%(importer)s imported a staff roster that changed your %(fields)s."
            " Please check your profile; if anything is wrong, correct it or tell your association."
        ),
    ),
    "waitlist_promoted": (
        _l("A place for you: %(shift)s"),
        _l(
            "A place on “%(shift)s” became free and is offered to you."
            " Please answer by %(expires_at)s."
        ),
    ),
}
# The parts of a worker's record a notification may name (param "fields": codes, commas between).
PROFILE_FIELD_LABELS = {
    "kind": _l("kind of worker"),
    "lender": _l("lender"),
    "home": _l("home location"),
    "national_id": _l("ID number"),
    "skills": _l("skills"),
}
GENERIC = (
    _l("News from the shared-staff marketplace"),
    _l("You have a new notification; open your inbox to read it."),
)


# Other names emitters give the same parameter (the first present one is used).
ALIASES = {
    "shift": ("shift_title", "title"),
    "worker": ("worker_name",),
    "factory": ("factory_name", "name"),
}
