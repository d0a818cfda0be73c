"""WTForms for roster imports and invitations; the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .form_base import Form


class RosterUploadForm(Form):
    file = FileField(
        _l("Roster file (XLSX or CSV)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


class ButtonForm(Form):
    """Only the CSRF token: the action is the button."""


class InvitationForm(Form):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
