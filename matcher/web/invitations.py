"""An invited person's link: choose a password, accept the terms, confirm the profile.

`/invitation/<token>` is open to anyone holding the link; a used, expired or altered link
shows a page that says so and how to get a new one, and never signs anyone in.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from matcher.models import Role
from matcher.models.base import utcnow
from matcher.services import ServiceError, invitations
from matcher.services.tokens import TokenError
from matcher.web.access import role_required
from matcher.web.forms import attach_error
from matcher.web.forms.imports import AcceptInvitationForm, ConfirmProfileForm
from matcher.web.util import flash_form_errors, use_case

bp = Blueprint("invitations", __name__)

# A link that cannot be used: 404 for one never issued (or altered), 410 for used or expired.
_STATUS = {"unknown": 404, "used": 410, "expired": 410}


def _refused(error: TokenError) -> tuple[str, int]:
    return render_template("invitations/invalid.html", problem=error.problem), _STATUS[
        error.problem
    ]


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> str | Response | tuple[str, int]:
    try:
        person = invitations.check(token, now=utcnow())
    except TokenError as error:
        return _refused(error)
    if not current_user.is_authenticated:
        session["locale"] = person.locale  # the page in the language of the invitation
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            with use_case():
                user = invitations.accept(
                    token,
                    password=form.password.data,
                    terms_accepted=bool(form.accept_terms.data),
                    now=utcnow(),
                )
        except TokenError as error:
            return _refused(error)
        except ServiceError as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(
                _("Welcome! Check the answers we received for you, then confirm them."), "success"
            )
            return redirect(url_for("profile.edit"))
    return render_template("invitations/accept.html", form=form, person=person)


@bp.post("/profile/confirm-import")
@role_required(Role.STUDENT, Role.VOLUNTEER)
def confirm_profile() -> Response:
    """“These answers are right”: the imported profile is confirmed as it is."""
    form = ConfirmProfileForm()
    if form.validate_on_submit():
        with use_case():
            invitations.confirm_profile(current_user)
        flash(_("Thank you: your profile is confirmed."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("profile.edit"))
