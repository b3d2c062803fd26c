"""Response headers and the client's address: what every response says to the browser.

Flask-Talisman sets the security headers. It keeps its options on the instance, so each app
gets its own (not a shared object in `matcher.extensions`). Pages are never stored by the
browser or a proxy: nearly every page shows someone's personal data, and the simplest rule
that cannot miss one is "every dynamic response is no-store"; only static files are cached.
"""

from __future__ import annotations

from flask import Flask, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# No inline script or style, no plugins, no framing; forms post only back to this site.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {
    "browsing-topics": "()",
    "camera": "()",
    "geolocation": "()",
    "microphone": "()",
}


def register(app: Flask) -> None:
    trust_proxies(app)
    https_only = bool(app.config["HTTPS_ONLY"])
    Talisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="DENY",
        # same-origin, not no-referrer: Flask-WTF checks the Referer of forms sent over HTTPS.
        referrer_policy="same-origin",
        force_https=https_only,
        strict_transport_security=https_only,
        session_cookie_secure=https_only,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(no_store)


def no_store(response: Response) -> Response:
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def trust_proxies(app: Flask) -> None:
    """Honour X-Forwarded-For/-Proto from exactly TRUSTED_PROXIES proxies (none by default).

    Without it, behind the TLS proxy every visitor has the proxy's address, so one person's
    failed sign-ins would lock everyone out. With it set too high, a visitor could pick their
    own address by sending the header.
    """
    count = int(app.config["TRUSTED_PROXIES"])
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
