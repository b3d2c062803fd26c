"""The home page, the language switcher and the favicon."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, session
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.models import Role
from matcher.services import accounts, terms
from matcher.web.forms.auth import LanguageForm
from matcher.web.util import safe_next, today, use_case

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str | Response:
    if not accounts.coordinator_exists():
        return redirect("/setup")
    if current_user.is_authenticated:
        if current_user.role == Role.COORDINATOR:
            return redirect("/terms")
        return redirect("/profile")
    return render_template(
        "main/home.html",
        open_term=terms.term_open_for_enrollment(today()),
        next_term=terms.next_enrollment_window(today()),
    )


@bp.post("/language")
def language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            with use_case():
                accounts.set_locale(current_user, form.locale.data)
    return redirect(safe_next(form.next.data))


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever a page links to: answer from static/."""
    return send_from_directory(
        str(current_app.static_folder), "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )
