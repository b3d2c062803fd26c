"""Roster import, invitations and accepting one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length

from matcher.web.forms.auth import _confirm, _new_password
from matcher.web.forms.base import Form


class ImportForm(Form):
    students = FileField(
        _l("Students file (CSV)"),
        description=_l("The columns of docs/csv-format.md, an email for each person."),
    )
    volunteers = FileField(_l("Volunteers file (CSV)"))


class ConfirmImportForm(Form):
    upload_id = HiddenField(validators=[DataRequired(), Length(max=43)])


class InvitationsForm(Form):
    """The coordinator's invitation buttons: a CSRF token, the choice is in the URL."""


class AcceptInvitationForm(Form):
    password = _new_password(_l("Choose a password"))
    confirm = _confirm()
    accept_terms = BooleanField(_l("I accept the program's terms"))


class ConfirmProfileForm(Form):
    """“My imported answers are right”: a CSRF token only."""
