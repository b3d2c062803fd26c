"""Query strings and redirect targets with control characters: a 400, or the home page.

A NUL in ?status= failed PostgreSQL's query, and a line break in ?next= or in the language
form's next failed the redirect's Location header: both were 500s.
"""

from __future__ import annotations

import pytest

from tests.web.world import database_content, sign_in_as

CONTROLS = ["%00", "a%00b", "%0d%0a", "/profile%0d%0aSet-Cookie:%20x=1", "%1b", "%7f"]


@pytest.mark.parametrize("value", CONTROLS)
def test_a_query_string_with_a_control_character_is_400(client, world, value):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    for url in (
        f"/terms/1?status={value}",
        f"/login?next={value}",
        f"/terms/2/rounds/compare?a=1&b=1&{value}=1",
        f"/terms/2/constraints/1/delete?round=1&next={value}",
    ):
        response = client.post(url) if "delete" in url else client.get(url)
        assert response.status_code == 400, url
    assert database_content() == before


def test_ordinary_query_strings_still_work(client, world):
    sign_in_as(client, world, "coordinator")
    assert client.get("/terms/1?status=approved").status_code == 200
    assert client.get("/terms/1?status=a%20b").status_code == 200
    assert client.get("/login?next=/terms/1%3Fstatus%3Dapproved").location == (
        "/terms/1?status=approved"
    )


@pytest.mark.parametrize("target", ["/profile\r\nSet-Cookie: x=1", "/a\x00b", "/a\tb"])
def test_a_redirect_target_with_a_control_character_goes_home(client, world, target):
    sign_in_as(client, world, "student")
    response = client.post("/language", data={"locale": "ko", "next": target})
    assert response.status_code == 302
    assert response.location == "/"
