"""Register, log in, log out."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from ..errors import Invalid, Throttled, Unauthenticated
from ..services.accounts import registration as accounts
from ..services.accounts import sessions
from ..services.organisations import factories, reference
from .forms import FactoryRegistrationForm, LoginForm, WorkerRegistrationForm
from .helpers import apply_field_errors, safe_next_url

bp = Blueprint("auth", __name__, url_prefix="/auth")


def load_user_from_session_token(token: str):
    """Flask-Login's loader: the cookie's token must name a live session row."""
    return sessions.load_session(token)


def _district_choices():
    return [SelectChoice(d.id, d.name) for d in reference.districts()]


def _association_choices():
    return [SelectChoice(a.id, a.name) for a in reference.associations()]


def _credentials(form) -> accounts.Credentials:
    return accounts.Credentials(
        name=form.name.data or "",
        password=form.password.data or "",
        mobile=form.mobile.data or "",
        email=form.email.data or "",
    )


def _throttled(template: str, form, error: Throttled):
    flash(str(error.message), "error")
    return render_template(template, form=form), 429, {"Retry-After": str(error.retry_after)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = sessions.log_in(
                form.identifier.data,
                form.password.data,
                ip=request.remote_addr,
                user_agent=request.user_agent.string,
            )
        except Throttled as exc:
            return _throttled("auth/login.html", form, exc)
        except Unauthenticated as exc:
            flash(str(exc.message), "error")
            return render_template("auth/login.html", form=form), 401
        return _start_session(user)
    return render_template("auth/login.html", form=form)


def _start_session(user):
    """A fresh session for the new login: nothing from before survives (fixation)."""
    if current_user.is_authenticated:  # logging in again ends the earlier session
        sessions.log_out(current_user._get_current_object())
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(safe_next_url(request.args.get("next")) or url_for("account.index"))


@bp.post("/logout")
@login_required
def logout():
    sessions.log_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/register/worker", methods=["GET", "POST"])
def register_worker():
    form = WorkerRegistrationForm()
    form.district_id.choices = _district_choices()
    if form.validate_on_submit():
        signup = accounts.WorkerSignup(
            kind=form.kind.data,
            district_id=form.district_id.data,
            national_id=form.national_id.data or "",
            max_travel_km=float(form.max_travel_km.data),
        )
        try:
            accounts.register_worker(_credentials(form), signup, ip=request.remote_addr)
        except Throttled as exc:
            return _throttled("auth/register_worker.html", form, exc)
        except Invalid as exc:
            apply_field_errors(form, exc)
        else:
            return _registered()
    return render_template("auth/register_worker.html", form=form), 422 if form.errors else 200


@bp.route("/register/factory", methods=["GET", "POST"])
def register_factory():
    form = FactoryRegistrationForm()
    form.district_id.choices = _district_choices()
    form.association_id.choices = _association_choices()
    if form.validate_on_submit():
        try:
            _register_factory_staff(form)
        except Throttled as exc:
            return _throttled("auth/register_factory.html", form, exc)
        except Invalid as exc:
            apply_field_errors(form, exc)
        else:
            return _registered()
    return render_template("auth/register_factory.html", form=form), 422 if form.errors else 200


def _register_factory_staff(form) -> None:
    creds = _credentials(form)
    if form.mode.data == "join":
        factories.register_joining_factory(creds, form.uscc.data, ip=request.remote_addr)
        return
    new = factories.NewFactory(
        name=form.factory_name.data or "",
        uscc=form.uscc.data or "",
        industry=form.industry.data or "",
        association_id=form.association_id.data or 0,
        site_address=form.site_address.data or "",
        district_id=form.district_id.data or 0,
        lat=form.lat.data,
        lon=form.lon.data,
    )
    factories.register_with_new_factory(creds, new, ip=request.remote_addr)


def _registered():
    flash(_("Your account is ready. Please log in."), "success")
    return redirect(url_for("auth.login"))
