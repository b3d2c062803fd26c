"""Coordinators' second factor: set it up at the first sign-in, give it at every sign-in.

Registering this blueprint puts the gate of `access.require_second_factor` in front of
every request of the app. The code forms are rate-limited per address and per account.
"""

from __future__ import annotations

import io

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from matcher.extensions import limiter
from matcher.models import Role, User
from matcher.models.base import utcnow
from matcher.services import ServiceError, twofactor
from matcher.web import access
from matcher.web.forms import attach_error
from matcher.web.forms.twofactor import CodeForm, SetupCodeForm
from matcher.web.util import safe_next, use_case

bp = Blueprint("twofactor", __name__, url_prefix="/two-factor")
access.guard_blueprint(bp, Role.COORDINATOR)
bp.record_once(lambda state: access.init_second_factor(state.app))

DEFAULT_CODE_LIMIT = "5 per minute; 30 per hour"


def _code_limit() -> str:
    return str(current_app.config.get("TWOFACTOR_RATE_LIMIT", DEFAULT_CODE_LIMIT))


def _account_key() -> str:
    """Counts a coordinator's tries wherever they come from (the other limit is per address)."""
    if current_user.is_authenticated:
        return f"two-factor-account:{current_user.id}"
    return get_remote_address()


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _next() -> str:
    return safe_next(request.args.get("next"))


def _private(body: str) -> Response:
    """A page with a secret on it: never kept by a browser or a proxy."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def qr_svg(data: str) -> Markup:
    """`data` as a QR code in an SVG drawn here (no outside service, no inline style)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr",
        title=_("QR code for your authenticator app"),
    )
    return Markup(buffer.getvalue().decode())


@bp.route("/setup", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
@limiter.limit(_code_limit, key_func=_account_key, methods=["POST"])
def setup() -> str | Response:
    user = _me()
    if user.two_factor_enabled:
        return redirect(url_for("twofactor.verify", next=request.args.get("next")))
    with use_case():  # a secret made now is kept, so that a reload shows the same one
        secret = twofactor.start_setup(user)
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            with use_case():
                codes = twofactor.confirm_setup(user, form.code.data, utcnow())
        except ServiceError as error:
            attach_error(form, error)
        else:
            access.remember_second_factor()
            return _private(
                render_template("twofactor/recovery_codes.html", codes=codes, next=_next())
            )
    issuer = str(current_app.config.get("PROGRAM_NAME") or "matcher")
    return _private(
        render_template(
            "twofactor/setup.html",
            form=form,
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            qr=qr_svg(twofactor.provisioning_uri(user, issuer)),
        )
    )


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
@limiter.limit(_code_limit, key_func=_account_key, methods=["POST"])
def verify() -> str | Response:
    user = _me()
    if not user.two_factor_enabled:
        return redirect(url_for("twofactor.setup", next=request.args.get("next")))
    if access.second_factor_given():
        return redirect(_next())
    form = CodeForm()
    if form.validate_on_submit():
        try:
            with use_case():
                result = twofactor.verify(user, form.code.data, utcnow())
        except ServiceError as error:
            attach_error(form, error)
        else:
            access.remember_second_factor()
            if result.method == twofactor.SecondFactor.RECOVERY_CODE:
                _warn_recovery_codes_left(result.recovery_codes_left)
            return redirect(_next())
    return render_template("twofactor/verify.html", form=form)


def _warn_recovery_codes_left(left: int) -> None:
    flash(
        ngettext(
            "You signed in with a recovery code. You have %(num)d recovery code left.",
            "You signed in with a recovery code. You have %(num)d recovery codes left.",
            left,
        )
        + " "
        + _("You can get ten new ones on your account page."),
        "info",
    )


@bp.route("/recovery-codes", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
@limiter.limit(_code_limit, key_func=_account_key, methods=["POST"])
def new_recovery_codes() -> str | Response:
    """Ten new recovery codes in place of the old ones, for a code from the app."""
    user = _me()
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            with use_case():
                codes = twofactor.renew_recovery_codes(user, form.code.data, utcnow())
        except ServiceError as error:
            attach_error(form, error)
        else:
            next_page = url_for("auth.account")
            return _private(
                render_template("twofactor/recovery_codes.html", codes=codes, next=next_page)
            )
    left = twofactor.recovery_codes_left(user)
    return render_template("twofactor/renew.html", form=form, left=left)
