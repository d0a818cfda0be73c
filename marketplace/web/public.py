"""Pages anyone can see: the open shifts, and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..i18n import LOCALE_COOKIE
from ..services import reference, shifts
from ..services.accounts import set_locale
from .helpers import safe_next_url

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    page = request.args.get("page", 1, type=int)
    district_id = request.args.get("district", type=int)
    listing = shifts.list_open_shifts(
        page=page, per_page=current_app.config["SHIFTS_PER_PAGE"], district_id=district_id
    )
    districts = reference.districts()
    return render_template(
        "public/index.html", listing=listing, districts=districts, district_id=district_id
    )


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session (and on the account)."""
    locale = request.form.get("locale", "")
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if set_locale(user, locale):
        session[LOCALE_COOKIE] = locale
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))
