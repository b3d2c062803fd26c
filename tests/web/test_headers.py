"""Every response carries the security headers; no dynamic page may be stored by a cache."""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for
from sqlalchemy import select

import config
from matcher.extensions import db
from matcher.models import Pair, PairConstraint
from matcher.services import adjust, pairs, publishing, rounds
from matcher.web.util import today
from tests.helpers import PASSWORD, AuthActions, add_person, settings

ROLES = ("anonymous", "student", "volunteer", "coordinator")
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture
def seeded(pool, coordinator):
    """A term with a published round, a draft round with a lock, and a re-match request:
    a real id for every URL parameter, and one person of each role."""
    term, students, volunteers = pool
    first = rounds.run_round(term, settings(), by=coordinator)
    publishing.publish_round(first, by=coordinator, today=today())
    second = rounds.run_round(term, settings(), by=coordinator)
    adjust.lock_pair(second, students[0].id, by=coordinator)
    pair = db.session.scalar(select(Pair).where(Pair.student_id == students[0].id))
    rematch = pairs.request_rematch(students[0], pair, "We never meet")
    db.session.commit()
    values = {
        "term_id": term.id,
        "pair_id": pair.id,
        "constraint_id": db.session.scalar(select(PairConstraint.id)),
        "request_id": rematch.id,
        "enrollment_id": students[0].enrollments[0].id,
        "number": first.number,
        "action": "lock",
        "filename": "css/app.css",
        "token": "an-emailed-link",  # a page that says the link does not work
        # pages that need a query to show something
        "rounds.compare": {"a": 1, "b": 2},
        "rounds.alternatives": {"student": students[0].id},
    }
    people = {"student": students[0], "volunteer": volunteers[0], "coordinator": coordinator}
    return values, people


def every_url(app: Flask, values: dict) -> list[tuple[str, str]]:
    """(endpoint, URL) for every rule of the app, its parameters filled with real ids."""
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    return [
        (
            rule.endpoint,
            url_for(
                rule.endpoint,
                **{name: values[name] for name in rule.arguments},
                **values.get(rule.endpoint, {}),
                _external=False,
            ),
        )
        for rule in rules
    ]


def csp_directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def check_headers(response, endpoint: str) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "unsafe-" not in policy and "*" not in policy
    directives = csp_directives(policy)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    if endpoint == "static":
        assert "no-store" not in headers.get("Cache-Control", "")
    else:
        assert headers["Cache-Control"] == "no-store"


def test_every_route_as_every_role_carries_the_headers(app, seeded):
    values, people = seeded
    urls = every_url(app, values)
    statuses: dict[tuple[str, str], int] = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            AuthActions(client).login(people[role])
        for endpoint, url in urls:
            response = client.get(url)
            response.close()  # static files are streamed from an open file
            check_headers(response, endpoint)
            assert "Strict-Transport-Security" not in response.headers  # only in production
            statuses[role, endpoint] = response.status_code
    assert len(statuses) == len(urls) * len(ROLES)
    # The ids were real: each GET page opens for the role it is meant for.
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    coordinator_pages = {e for e in pages if e.startswith(("terms.", "rounds."))}
    assert {statuses["coordinator", e] for e in coordinator_pages} == {200}
    for role in ("student", "volunteer"):
        assert statuses[role, "pairs.mine"] == statuses[role, "profile.edit"] == 200
        assert {statuses[role, e] for e in coordinator_pages} == {403}
    assert statuses["anonymous", "static"] == 200


def test_error_pages_carry_the_headers_too(client):
    for response in (client.get("/nowhere"), client.post("/terms/new"), client.get("/logout")):
        assert response.status_code in (302, 404, 405)
        check_headers(response, "")


@pytest.fixture
def production(build_app):
    return build_app(
        config.ProductionConfig,
        SECRET_KEY="a production secret of more than 32 characters",
        SQLALCHEMY_DATABASE_URI=config.TestConfig.SQLALCHEMY_DATABASE_URI,
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_BACKEND="locmem",
        SERVER_NAME="matcher.test",
        WTF_CSRF_ENABLED=False,
    )


def test_production_sends_hsts_on_every_route_and_redirects_http(production):
    values = {"action": "lock", "filename": "css/app.css"}
    with production.app_context():
        rules = production.url_map.iter_rules()
        names = {name for rule in rules for name in rule.arguments}
        urls = every_url(production, dict.fromkeys(names, 1) | values)
    client = production.test_client()
    for endpoint, url in urls:
        response = client.get(url, base_url="https://matcher.test")
        response.close()
        check_headers(response, endpoint)
        hsts = response.headers["Strict-Transport-Security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= ONE_YEAR
    plain = client.get("/login")
    assert plain.status_code in (301, 302)
    assert plain.location.startswith("https://matcher.test/login")


def test_production_session_cookie_is_secure(production):
    add_person(production, "prod@example.org")
    client = production.test_client()
    response = client.post(
        "/login",
        data={"email": "prod@example.org", "password": PASSWORD},
        base_url="https://matcher.test",
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
