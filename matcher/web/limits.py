"""Rate limits for the forms that take a password, create an account or send an email.

Each such form is limited twice: per client address (every attempt counts), and per account
(only refused attempts count, shared by every form that checks that account's password), so
neither many guesses from one address nor a few guesses from many addresses get far. The
forms that email an address whatever it is (registration, forgotten password, the sign-up
link again) answer the same way every time, so there every attempt counts, together across
them, per address typed: nobody can fill someone's mailbox.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter import RouteLimit
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from matcher.extensions import limiter


def _address_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_limit() -> str:
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


def _key(email: str) -> str:
    """One key per account, from its email; hashed, so no address is kept in the store."""
    digest = hashlib.sha256(email.strip().casefold().encode("utf-8", "replace")).hexdigest()
    return f"account:{digest}"


def form_account_key() -> str:
    """The account the form names (sign-in, registration, password reset)."""
    try:
        email = request.form.get("email", "")
    except HTTPException:  # too large or malformed: the view refuses it with the right page
        email = ""
    return _key(email)


def signed_in_account_key() -> str:
    """The signed-in person (views behind `role_required`, so the user is already loaded)."""
    return _key(str(current_user.email))


def _refused(response: Response) -> bool:
    """A form that succeeds redirects; one shown again (or refused) was a failed attempt."""
    return not 300 <= response.status_code < 400


def per_address() -> RouteLimit:
    return limiter.limit(_address_limit, methods=["POST"])


def per_account(*, signed_in: bool = False, scope: str = "password") -> RouteLimit:
    """Refused attempts against one account, counted together across the views in `scope`.

    `signed_in`: the account is the signed-in person's, not the email typed in the form.
    """
    return limiter.shared_limit(
        _account_limit,
        scope=scope,
        key_func=signed_in_account_key if signed_in else form_account_key,
        methods=["POST"],
        deduct_when=_refused,
    )


def per_recipient() -> RouteLimit:
    """Every attempt that may email the address typed in the form, counted together across
    the forms that do (they answer the same whether or not the address has an account)."""
    return limiter.shared_limit(
        _account_limit, scope="emailed", key_func=form_account_key, methods=["POST"]
    )
