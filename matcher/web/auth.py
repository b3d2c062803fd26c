"""Register, sign in, sign out, passwords, one's address, inviting coordinators.

The pages reached from an emailed link (/sign-up/, /reset/, /email/, /join/ + a token) check
the link first: a used, expired or altered one gets a page that says which and where to
ask for a new one, and signs nobody in. Opening a link changes nothing (mail scanners open
links too): the person acts on the page, and only then is the link used.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    current_app,
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
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from matcher.models import Role, TokenPurpose, User
from matcher.models.base import utcnow
from matcher.services import ServiceError, accounts, terms, tokens
from matcher.web import limits
from matcher.web.access import role_required
from matcher.web.forms import attach_error
from matcher.web.forms.auth import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EmailForm,
    FinishSignUpForm,
    InviteCoordinatorForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
)
from matcher.web.forms.base import Form
from matcher.web.util import safe_next, today, use_case

bp = Blueprint("auth", __name__)


def load_user(session_token: str) -> User | None:
    return accounts.user_for_session(session_token)


@bp.route("/register", methods=["GET", "POST"])
@limits.per_address()
@limits.per_recipient()
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
                accounts.register(
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
        else:  # the same answer whether or not the address has an account
            return redirect(url_for("auth.sign_up_sent"))
    return render_template("auth/register.html", form=form, term=open_term)


@bp.get("/register/sent")
def sign_up_sent() -> str:
    return render_template("auth/check_email.html", what="sign_up")


@bp.route("/sign-up/again", methods=["GET", "POST"])
@limits.per_address()
@limits.per_recipient()
def resend_sign_up() -> str | Response:
    form = EmailForm()
    if form.validate_on_submit():
        try:
            with use_case():
                accounts.resend_sign_up(form.email.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect(url_for("auth.sign_up_sent"))
    return render_template("auth/ask_again.html", form=form, what="sign_up")


@bp.route("/sign-up/<token>", methods=["GET", "POST"])
@limits.per_address()
def finish_sign_up(token: str) -> str | Response | tuple[str, int]:
    def done(user: User) -> Response:
        login_user(user)
        flash(
            _("Your address is confirmed. Now fill in your profile so we can find you a partner."),
            "success",
        )
        return redirect(url_for("profile.edit" if user.profile is not None else "main.home"))

    form = FinishSignUpForm()
    return _link_page(
        token,
        TokenPurpose.SIGN_UP,
        form,
        lambda: accounts.finish_sign_up(token, form.password.data, now=utcnow()),
        done,
    )


# What to do with a link that does not work: where to ask for a new one.
ASK_AGAIN = {
    TokenPurpose.SIGN_UP: "auth.resend_sign_up",
    TokenPurpose.PASSWORD_RESET: "auth.forgot_password",
    TokenPurpose.EMAIL_CHANGE: "auth.change_email",
    TokenPurpose.COORDINATOR_INVITE: "auth.forgot_password",
}
LINK_PAGES = {
    TokenPurpose.SIGN_UP: "auth/finish_sign_up.html",
    TokenPurpose.PASSWORD_RESET: "auth/new_password.html",
    TokenPurpose.EMAIL_CHANGE: "auth/confirm_email_change.html",
    TokenPurpose.COORDINATOR_INVITE: "auth/new_password.html",
}


def _link_page(
    token: str,
    purpose: TokenPurpose,
    form: Form,
    act: Callable[[], User],
    done: Callable[[User], Response],
) -> str | Response | tuple[str, int]:
    """A page behind an emailed link: the link is checked, then the form acts (one use case)."""
    try:
        person = accounts.check_link(token, purpose, now=utcnow())
    except tokens.TokenError as error:
        return _bad_link(purpose, error.problem)
    if form.validate_on_submit():
        try:
            with use_case():
                user = act()
        except tokens.TokenError as error:  # used meanwhile, in another tab
            return _bad_link(purpose, error.problem)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return done(user)
    return render_template(LINK_PAGES[purpose], form=form, purpose=purpose.value, person=person)


def _bad_link(purpose: TokenPurpose, problem: str) -> tuple[str, int]:
    """The page for a used, expired or altered link; it offers a new one."""
    page = render_template(
        "auth/bad_link.html",
        problem=problem,
        purpose=purpose.value,
        again=url_for(ASK_AGAIN[purpose]),
    )
    return page, 404 if problem == "unknown" else 410


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
        if user is None:  # a wrong password, an unknown or an unconfirmed address: one answer
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
    return render_template(
        "auth/account.html",
        form=DeleteAccountForm(),
        next_term=terms.next_term_for(current_user, today()),
        apply_form=FlaskForm(),
    )


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
                accounts.delete_account(
                    current_user._get_current_object(), form.password.data, today=today()
                )
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


# Forgotten passwords


@bp.route("/password/forgot", methods=["GET", "POST"])
@limits.per_address()
@limits.per_recipient()
def forgot_password() -> str | Response:
    form = EmailForm()
    if form.validate_on_submit():
        try:
            with use_case():
                accounts.request_password_reset(form.email.data)
        except ServiceError as error:
            attach_error(form, error)
        else:  # the same answer whether or not the address has an account
            return redirect(url_for("auth.reset_sent"))
    return render_template("auth/ask_again.html", form=form, what="reset")


@bp.get("/password/sent")
def reset_sent() -> str:
    return render_template("auth/check_email.html", what="reset")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limits.per_address()
def reset_password(token: str) -> str | Response | tuple[str, int]:
    def done(user: User) -> Response:
        login_user(user)  # its session token rotated: every other session is signed out
        flash(_("Your new password is set. Every other device has been signed out."), "success")
        return redirect(url_for("main.home"))

    form = NewPasswordForm()
    return _link_page(
        token,
        TokenPurpose.PASSWORD_RESET,
        form,
        lambda: accounts.reset_password(token, form.password.data, now=utcnow()),
        done,
    )


# One's email address


@bp.route("/account/email", methods=["GET", "POST"])
@role_required()
@limits.per_address()
@limits.per_account(signed_in=True)
def change_email() -> str | Response:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            with use_case():
                accounts.request_email_change(
                    current_user._get_current_object(), form.email.data, form.password.data
                )
        except ServiceError as error:
            attach_error(form, error)
        else:  # the same answer if another account has the address: nothing changes then
            flash(
                _(
                    "We sent a link to the new address. Your address changes when you open it "
                    "(within %(hours)d hours); until then, keep using the one you have.",
                    hours=current_app.config["EMAIL_CHANGE_HOURS"],
                ),
                "info",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/change_email.html", form=form)


@bp.route("/email/<token>", methods=["GET", "POST"])
@limits.per_address()
def confirm_email_change(token: str) -> str | Response | tuple[str, int]:
    def done(user: User) -> Response:
        flash(_("Your email address is changed. Sign in with the new one from now on."), "success")
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))

    return _link_page(
        token,
        TokenPurpose.EMAIL_CHANGE,
        Form(),
        lambda: accounts.confirm_email_change(token, now=utcnow()),
        done,
    )


# Coordinators invite coordinators


@bp.route("/coordinators/invite", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def invite_coordinator() -> str | Response:
    form = InviteCoordinatorForm()
    if form.validate_on_submit():
        try:
            with use_case():
                accounts.invite_coordinator(
                    current_user._get_current_object(),
                    form.email.data,
                    form.display_name.data,
                    locale=form.locale.data,
                )
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(
                _(
                    "The invitation is on its way. Its link works for %(days)d days.",
                    days=current_app.config["COORDINATOR_INVITE_DAYS"],
                ),
                "success",
            )
            return redirect(url_for("auth.invite_coordinator"))
    return render_template("auth/invite_coordinator.html", form=form)


@bp.route("/join/<token>", methods=["GET", "POST"])
@limits.per_address()
def accept_coordinator_invite(token: str) -> str | Response | tuple[str, int]:
    def done(user: User) -> Response:
        login_user(user)  # the second-factor gate sends them to set it up
        flash(_("Your password is set. Now set up two-step sign-in."), "success")
        return redirect(url_for("twofactor.setup"))

    form = NewPasswordForm()
    return _link_page(
        token,
        TokenPurpose.COORDINATOR_INVITE,
        form,
        lambda: accounts.accept_coordinator_invite(token, form.password.data, now=utcnow()),
        done,
    )
