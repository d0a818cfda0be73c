"""The logged-in user's own page, and changing one's password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid, Throttled
from ..services.accounts import registration as accounts
from .forms import PasswordChangeForm
from .helpers import acting_user, apply_field_errors

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@login_required
def index():
    return render_template("account/index.html", user=current_user)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                acting_user(),
                form.current_password.data,
                form.password.data,
                ip=request.remote_addr,
            )
        except Throttled as exc:
            flash(str(exc.message), "error")
            headers = {"Retry-After": str(exc.retry_after)}
            return render_template("account/password.html", form=form), 429, headers
        except Invalid as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("Your password is changed; you are logged out everywhere else."), "success")
            return redirect(url_for("account.index"))
    status = 422 if form.errors else 200
    return render_template("account/password.html", form=form), status
