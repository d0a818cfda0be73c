"""Pages anyone can see: the open shifts, one shift, and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..errors import Invalid
from ..extensions import csrf
from ..i18n import LOCALE_COOKIE
from ..services.accounts.registration import set_locale
from ..services.organisations import reference
from ..services.shifts import listing
from .helpers import apply_field_errors, page_arg, safe_next_url
from .listing_forms import ShiftFilterForm
from .page_cache import cached_for_anonymous

bp = Blueprint("public", __name__)


@bp.get("/")
@cached_for_anonymous
def index():
    form = ShiftFilterForm(request.args)
    form.fill_choices(reference.districts(), listing.filter_skills())
    if not form.validate():
        return render_template("public/index.html", form=form, listing=None), 400
    filters = form.filters()
    try:
        found = listing.list_shifts(
            page=page_arg(),
            per_page=current_app.config["SHIFTS_PER_PAGE"],
            filters=filters,
            viewer=_viewer(),
        )
    except Invalid as exc:
        apply_field_errors(form, exc)
        return render_template("public/index.html", form=form, listing=None), 400
    filtered = filters != listing.ShiftFilters()
    return render_template("public/index.html", form=form, listing=found, filtered=filtered)


@bp.get("/shifts/<int:shift_id>")
@cached_for_anonymous
def shift(shift_id: int):
    shift = listing.public_shift(shift_id)
    return render_template(
        "shifts/detail.html", shift=shift, open=listing.is_open_for_applications(shift)
    )


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.post("/language")
@csrf.exempt
def set_language():
    """Remember the chosen language in the session (and on the account).

    Only a signed-in user's choice is saved on the account, so only theirs is CSRF-checked:
    a forged request could at most switch an anonymous visitor's language.
    """
    if current_user.is_authenticated:
        csrf.protect()
    locale = request.form.get("locale", "")
    if set_locale(_viewer(), locale):
        session[LOCALE_COOKIE] = locale
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))
