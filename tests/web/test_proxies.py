"""X-Forwarded-For is believed only from the number of proxies the deployment configures."""

from __future__ import annotations

import pytest
from flask import request

import config

PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # the TLS proxy on the same network


def seen_address(app, forwarded_for: str) -> str:
    response = app.test_client().get(
        "/_address", headers={"X-Forwarded-For": forwarded_for}, environ_base=PROXY
    )
    return response.get_data(as_text=True)


@pytest.fixture
def app_behind(build_app):
    def build(proxies: int):
        app = build_app(TRUSTED_PROXIES=proxies)
        app.add_url_rule("/_address", "address", lambda: str(request.remote_addr))
        return app

    return build


def test_forwarded_for_is_ignored_by_default(app_behind):
    assert config.Config.TRUSTED_PROXIES == 0
    app = app_behind(config.Config.TRUSTED_PROXIES)
    assert seen_address(app, "203.0.113.7") == "10.0.0.1"


def test_forwarded_for_is_honoured_from_one_trusted_proxy(app_behind):
    app = app_behind(1)
    assert seen_address(app, "203.0.113.7") == "203.0.113.7"
    # a visitor who sends the header cannot pick an address: the proxy appends the real one
    assert seen_address(app, "192.0.2.66, 203.0.113.7") == "203.0.113.7"


def test_two_proxies_take_the_second_entry_from_the_right(app_behind):
    assert seen_address(app_behind(2), "192.0.2.66, 203.0.113.7, 10.0.0.2") == "203.0.113.7"


@pytest.mark.parametrize("proxies,held_up", [(0, True), (1, False)])
def test_sign_in_limit_counts_each_visitor_behind_the_proxy(app_behind, proxies, held_up):
    """Behind the proxy, one visitor's failed sign-ins hold up others only if we ignore the
    header (everyone has the proxy's address)."""
    app = app_behind(proxies)
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()

    def attempt(visitor: str) -> int:
        data = {"email": "nobody@example.org", "password": "wrong password"}
        headers = {"X-Forwarded-For": visitor}
        return client.post("/login", data=data, headers=headers, environ_base=PROXY).status_code

    assert [attempt("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert attempt("203.0.113.8") == (429 if held_up else 200)


def test_forwarded_proto_marks_the_request_secure_only_behind_a_trusted_proxy(app_behind):
    for proxies, secure in ((0, False), (1, True)):
        app = app_behind(proxies)
        app.add_url_rule("/_scheme", "scheme", lambda: request.scheme)
        response = app.test_client().get(
            "/_scheme", headers={"X-Forwarded-Proto": "https"}, environ_base=PROXY
        )
        assert response.get_data(as_text=True) == ("https" if secure else "http")


def test_trusted_proxies_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert config._trusted_proxies() == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "two")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        config._trusted_proxies()
