"""First run: create the first coordinator. Gone (404) once one exists."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from matcher.services import ServiceError, accounts
from matcher.web.forms import attach_error
from matcher.web.forms.auth import SetupForm
from matcher.web.util import use_case

bp = Blueprint("setup", __name__)


@bp.before_request
def only_before_first_coordinator() -> None:
    if accounts.coordinator_exists():
        abort(404)


@bp.route("/setup", methods=["GET", "POST"])
def first_coordinator() -> str | Response:
    form = SetupForm(timezone="Asia/Seoul")
    if form.validate_on_submit():
        try:
            with use_case():
                user = accounts.create_coordinator(
                    form.email.data,
                    form.password.data,
                    form.display_name.data,
                    timezone=form.timezone.data,
                )
        except ServiceError as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome! You are the first coordinator. Create your first term."), "success")
            return redirect(url_for("terms.new_term"))
    return render_template("setup/first_coordinator.html", form=form)
