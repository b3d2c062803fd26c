"""The application factory, as named steps."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user, user_loaded_from_cookie, user_logged_in

import config as config_module
from matcher.extensions import babel, csrf, db, limiter, login_manager, mail, migrate


def create_app(config: Any = None) -> Flask:
    """Build the app from a config class (or MATCHER_ENV's), refusing an unsafe production one."""
    config = config or config_module.config_from_env()
    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE_DIR),
        template_folder=str(config_module.BASE_DIR / "templates"),
        static_folder=str(config_module.BASE_DIR / "static"),
    )
    app.config.from_object(config)
    check_config(app)
    announce_development_mode(app)
    os.makedirs(app.instance_path, exist_ok=True)
    register_extensions(app)
    register_security(app)
    register_locale_memory(app)
    register_converters(app)
    register_form_guard(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def check_config(app: Flask) -> None:
    """Production refuses to start without a real secret key: sessions are signed with it."""
    if app.config.get("ENV_NAME") != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    problem = None
    if not key:
        problem = "SECRET_KEY is not set"
    elif key == config_module.DEVELOPMENT_SECRET_KEY:
        problem = "SECRET_KEY is the development default"
    elif len(key) < config_module.MIN_SECRET_KEY_LENGTH:
        problem = f"SECRET_KEY is shorter than {config_module.MIN_SECRET_KEY_LENGTH} characters"
    if problem:
        raise RuntimeError(
            f"{problem}. In production matcher refuses to start without a strong one: "
            "set SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))')."
        )


def announce_development_mode(app: Flask) -> None:
    """Say so when MATCHER_ENV is not set: a forgotten variable must not go unnoticed."""
    if app.config.get("ENV_NAME") == "development":
        app.logger.warning(
            "matcher is running in development mode (built-in secret key, no HTTPS): "
            "set MATCHER_ENV=production to deploy."
        )


def select_locale() -> str:
    """The user's setting, else the switcher's choice, else the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or "en"


def select_timezone() -> str | None:
    if has_request_context() and current_user.is_authenticated:
        return str(current_user.timezone)
    return None


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(config_module.BASE_DIR / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    mail.init_app(app)
    limiter.init_app(app)
    # Its warnings (Redis unreachable) go where the app's own messages go.
    limiter.logger = app.logger.getChild("limiter")

    from matcher.web.auth import load_user

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")


def register_converters(app: Flask) -> None:
    """`<int:...>` ids bounded to the database's INTEGER, query strings without control
    characters; before any route is added."""
    from matcher.web import converters

    converters.register(app)


def register_form_guard(app: Flask) -> None:
    """Form routes read form-encoded text only: other bodies are refused before a view runs."""
    from matcher.web.forms import base

    base.register(app)


def register_security(app: Flask) -> None:
    from matcher.web import security

    security.register(app)


def register_locale_memory(app: Flask) -> None:
    user_logged_in.connect(remember_locale, app)
    user_loaded_from_cookie.connect(remember_locale, app)


def remember_locale(app: Flask, user: Any, **_: Any) -> None:
    """Keep the person's language in the session, for pages drawn without loading them
    (the database unavailable page)."""
    if user.locale in app.config["LANGUAGES"]:
        session["locale"] = user.locale


def register_blueprints(app: Flask) -> None:
    from matcher.web import audit, auth, main, pairs, profile, rounds, setup, terms, twofactor

    for module in (main, setup, auth, twofactor, profile, pairs, terms, rounds, audit):
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    from matcher.web.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from matcher.web import explain_words, filters, labels

    app.jinja_env.globals.update(labels=labels, words=explain_words, get_locale=get_locale)
    filters.register(app)


def register_commands(app: Flask) -> None:
    from matcher.commands import register

    register(app)
