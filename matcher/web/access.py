"""Who may see what: the access rules, in one place.

Every view that needs a signed-in person goes through `role_required` (or a blueprint
guarded by `guard_blueprint`): anonymous visitors are sent to sign in, a wrong role gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort
from flask_login import current_user

from matcher.extensions import login_manager
from matcher.models import Role

F = TypeVar("F", bound=Callable[..., Any])


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
