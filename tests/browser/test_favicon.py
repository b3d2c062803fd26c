"""Every page links a favicon that exists, and /favicon.ico is served: no 404 in any log."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_favicon_is_served(live_server, page_factory):
    page = page_factory()
    page.goto(f"{live_server}/login")
    icons = page.eval_on_selector_all("link[rel=icon]", "links => links.map((l) => l.href)")
    assert any(icon.endswith("/favicon.ico") for icon in icons)
    assert any(icon.endswith(".svg") for icon in icons)
    for url in icons:
        response = page.request.get(url)
        assert response.status == 200 and response.headers["content-type"].startswith("image/")
    assert page.request.get(f"{live_server}/favicon.ico").body()[:4] == b"\x00\x00\x01\x00"
