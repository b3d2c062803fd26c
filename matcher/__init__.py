"""matcher: pairs students with volunteer tutors, one to one, each term.

Importing the package imports nothing heavy, so that `matcher.engine` and the CSV
mode stay free of Flask and SQLAlchemy; `create_app` loads the web app on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> Flask:
    """Build the Flask application (see `matcher.app`)."""
    from matcher.app import create_app as _create_app

    return _create_app(config)
