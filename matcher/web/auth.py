"""Register, sign in, sign out, change password."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from matcher.models import Role, User
from matcher.services import ServiceError, accounts, terms
from matcher.web import limits
from matcher.web.access import role_required
from matcher.web.forms import attach_error
from matcher.web.forms.auth import ChangePasswordForm, DeleteAccountForm, LoginForm, RegisterForm
from matcher.web.util import safe_next, today, use_case

bp = Blueprint("auth", __name__)


def load_user(session_token: str) -> User | None:
    return accounts.user_for_session(session_token)


@bp.route("/register", methods=["GET", "POST"])
@limits.per_address()
@limits.per_account(scope="register")
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    open_term = terms.term_open_for_enrollment(today())
    if request.method == "GET":
        if open_term is None:
            return render_template(
                "auth/closed.html", next_term=terms.next_enrollment_window(today())
            )
        form.term_id.data = str(open_term.id)
    elif form.validate_on_submit():
        try:
            with use_case():
                user = accounts.register(
                    role=Role(form.role.data),
                    email=form.email.data,
                    password=form.password.data,
                    display_name=form.display_name.data,
                    locale=str(get_locale() or "en"),
                    timezone=form.timezone.data,
                    term_id=form.term_id.data,
                    today=today(),
                )
        except ServiceError as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome! Now fill in your profile so we can find you a partner."), "success")
            return redirect(url_for("profile.edit"))
    return render_template("auth/register.html", form=form, term=open_term)


@bp.route("/login", methods=["GET", "POST"])
@limits.per_address()
@limits.per_account()
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        with use_case():
            user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email or the password is not right."))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@role_required()
def logout() -> Response:
    with use_case():
        accounts.sign_out_everywhere(current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@role_required()
def account() -> str:
    return render_template("auth/account.html", form=DeleteAccountForm())


@bp.get("/account/data.json")
@role_required()
def download_data() -> Response:
    response = jsonify(accounts.export_own_data(current_user, today()))
    response.headers["Content-Disposition"] = 'attachment; filename="my-matcher-data.json"'
    return response


@bp.post("/account/delete")
@role_required()
@limits.per_address()
@limits.per_account(signed_in=True)
def delete_account() -> str | Response:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            with use_case():
                accounts.delete_account(current_user._get_current_object(), form.password.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            logout_user()
            flash(_("Your account and everything about you have been deleted."), "info")
            return redirect(url_for("main.home"))
    return render_template("auth/account.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@role_required()
@limits.per_address()
@limits.per_account(signed_in=True)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with use_case():
                accounts.change_password(
                    current_user, form.current_password.data, form.password.data
                )
        except ServiceError as error:
            attach_error(form, error)
        else:
            # The session token rotated: sign this session in again, the others stay out.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
