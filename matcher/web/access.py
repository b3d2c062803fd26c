"""Who may see what: the access rules, in one place.

Every view that needs a signed-in person goes through `role_required` (or a blueprint
guarded by `guard_blueprint`): anonymous visitors are sent to sign in, a wrong role gets 403.

Coordinators also give a second factor (web/twofactor.py): until they have set it up and
given it in this session, `require_second_factor` sends them to do so from every page but
the two-factor pages, signing out and the language switcher. The session remembers it
as the account's session token, so signing out (or out everywhere) forgets it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask.sansio.app import App
from flask_login import current_user, user_logged_in, user_logged_out
from werkzeug.wrappers import Response

from matcher.extensions import login_manager
from matcher.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

SECOND_FACTOR_KEY = "second_factor"
# What a coordinator may open before giving the second factor in this session.
BEFORE_SECOND_FACTOR = frozenset(
    {"twofactor.setup", "twofactor.verify", "auth.logout", "main.language", "static"}
)


def _check(roles: tuple[Role, ...]) -> Any:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if roles and current_user.role not in roles:
        abort(403)
    return None


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only signed-in people with one of `roles` (any role when none is given)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refused = _check(roles)
            return refused if refused is not None else view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def guard_blueprint(bp: Blueprint, *roles: Role) -> None:
    """Apply `role_required(*roles)` to every view of `bp`."""
    bp.before_request(lambda: _check(roles))


# The second factor


def second_factor_given() -> bool:
    """Whether the signed-in person gave their second factor in this session."""
    return bool(current_user.is_authenticated) and (
        session.get(SECOND_FACTOR_KEY) == current_user.get_id()
    )


def remember_second_factor() -> None:
    """The signed-in coordinator has just given their second factor: keep it for the session."""
    session[SECOND_FACTOR_KEY] = current_user.get_id()


def require_second_factor() -> Response | None:
    """Before each request: a coordinator without the second factor goes to set it up or give it."""
    if not current_user.is_authenticated or current_user.role != Role.COORDINATOR:
        return None
    if second_factor_given():
        g.second_factor_user_id = current_user.id
        return None
    if request.endpoint in BEFORE_SECOND_FACTOR:
        return None
    target = "twofactor.verify" if current_user.two_factor_enabled else "twofactor.setup"
    wanted = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for(target, next=wanted))


def _on_login(app: App, user: User, **extra: Any) -> None:
    # Signing in again in the same request keeps the second factor (a password change
    # rotates the session token); any other sign-in starts without it.
    if g.get("second_factor_user_id") == user.id:
        session[SECOND_FACTOR_KEY] = user.get_id()
    else:
        session.pop(SECOND_FACTOR_KEY, None)


def _on_logout(app: App, user: User, **extra: Any) -> None:
    session.pop(SECOND_FACTOR_KEY, None)


def init_second_factor(app: App) -> None:
    """Put the second-factor gate in front of every request of `app`."""
    app.before_request(require_second_factor)
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
