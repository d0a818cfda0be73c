"""Display names for enum values, translated: used by the pages and by services (the roster
template and its matching read the kind labels), so they live below both."""

from flask_babel import lazy_gettext as _l

from .models import Industry, ShiftStatus, VerificationStatus, WorkerKind

KIND_LABELS = {
    WorkerKind.IDLE_EMPLOYEE: _l("an idle employee lent by my employer"),
    WorkerKind.CROSS_INDUSTRY: _l("idle staff from another industry"),
    WorkerKind.RETIREE: _l("a retiree"),
    WorkerKind.VOLUNTEER: _l("a volunteer"),
    WorkerKind.EXPERT: _l("an expert"),
}

INDUSTRY_LABELS = {
    Industry.TEXTILES: _l("Weaving, dyeing and finishing"),
    Industry.GARMENTS: _l("Garments"),
    Industry.HOSIERY: _l("Hosiery"),
    Industry.BEARINGS: _l("Bearings"),
    Industry.MEDICAL_SUPPLIES: _l("Masks and protective wear"),
    Industry.LOGISTICS: _l("Warehouse and logistics"),
    Industry.ELECTRICAL: _l("Electrical work"),
    Industry.PACKAGING: _l("Packaging"),
    Industry.CATERING: _l("Canteen and catering"),
    Industry.ECOMMERCE: _l("Live-stream selling"),
    Industry.SMART_MANUFACTURING: _l("Smart manufacturing"),
    Industry.GENERAL: _l("General"),
}

SHIFT_STATUS_LABELS = {
    ShiftStatus.DRAFT: _l("Draft"),
    ShiftStatus.PENDING_REVIEW: _l("Waiting for review"),
    ShiftStatus.OPEN: _l("Open"),
    ShiftStatus.REJECTED: _l("Rejected"),
    ShiftStatus.CANCELLED: _l("Cancelled"),
    ShiftStatus.COMPLETED: _l("Completed"),
}

VERIFICATION_LABELS = {
    VerificationStatus.PENDING: _l("Waiting for verification"),
    VerificationStatus.VERIFIED: _l("Verified"),
    VerificationStatus.REJECTED: _l("Rejected"),
    VerificationStatus.SUSPENDED: _l("Suspended"),
}
