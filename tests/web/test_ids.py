"""Ids in URLs, query strings and forms: only what PostgreSQL's 32-bit INTEGER can hold.

A larger number used to reach the query and fail there (a 500); now it names nothing.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Map

from matcher.extensions import db
from matcher.models import User
from matcher.web.converters import DB_INT_MAX, IdConverter, parse_id
from tests.web.world import PASSWORD, database_content, sign_in_as

TERM_B = 2  # the world's open term, with a draft round 1
HUGE = [str(DB_INT_MAX + 1), "9223372036854775808", "9" * 40, "9" * 5000]


@pytest.mark.parametrize("text", ["0", "7", "0042", str(DB_INT_MAX), 7])
def test_parse_id_takes_ascii_digits_in_range(text):
    assert parse_id(text) == int(text)


@pytest.mark.parametrize(
    "text", [*HUGE, "", "-1", "+1", " 1", "1 ", "1_0", "1.0", "²", "٣", "0x1", None, True, 1.0]
)
def test_parse_id_refuses_everything_else(text):
    with pytest.raises(ValueError):
        parse_id(text)


def test_the_int_converter_is_bounded_by_default():
    converter = IdConverter(Map())
    assert converter.max == DB_INT_MAX and converter.to_python("12") == 12


def _fill(rule: str, value: str) -> str:
    path = re.sub(r"<any\(([a-z]+)[^>]*>", r"\1", rule)
    return re.sub(r"<int:\w+>", value, path)


def _int_routes(app: Flask) -> list[tuple[str, str]]:
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(rules) >= 15
    return [(m, r.rule) for r in rules for m in sorted((r.methods or set()) & {"GET", "POST"})]


@pytest.mark.parametrize("value", [*HUGE, "²", "٣", "-1"])
@pytest.mark.parametrize("role", ["anonymous", "student", "coordinator"])
def test_ids_beyond_the_database_integer_are_404_on_every_route(app, client, world, role, value):
    sign_in_as(client, world, role)
    before = database_content()
    for method, rule in _int_routes(app):
        response = client.open(_fill(rule, value), method=method)
        assert response.status_code == 404, f"{method} {rule} with {value}"
    assert database_content() == before


@pytest.mark.parametrize("value", [str(DB_INT_MAX), "0"])
def test_the_largest_id_finds_nothing(app, client, world, value):
    before = database_content()
    for method, rule in _int_routes(app):
        student_route = rule.startswith("/my-pair") or rule.endswith(("/apply", "/withdraw"))
        sign_in_as(client, world, "student" if student_route else "coordinator")
        response = client.open(_fill(rule, value), method=method)
        assert response.status_code == 404, f"{method} {rule} with {value}"
    assert database_content() == before


@pytest.mark.parametrize("value", [*HUGE, "-1", "²", "1.5", " 1"])
def test_query_string_ids_beyond_the_database_are_404(client, world, value):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    for path, query in [
        (f"/terms/{TERM_B}/rounds/compare", {"a": value, "b": "1"}),
        (f"/terms/{TERM_B}/rounds/compare", {"a": "1", "b": value}),
        (f"/terms/{TERM_B}/rounds/1/alternatives", {"student": value}),
        (f"/terms/{TERM_B}/rounds/1/alternatives", {"volunteer": value}),
    ]:
        assert client.get(path, query_string=query).status_code == 404, (path, query)
    response = client.post(f"/terms/{TERM_B}/constraints/1/delete", query_string={"round": value})
    assert response.status_code == 404
    assert database_content() == before


def test_ids_in_range_still_work(client, world):
    sign_in_as(client, world, "coordinator")
    assert client.get(f"/terms/{TERM_B}/rounds/compare?a=1&b=1").status_code == 200
    assert client.get(f"/terms/{TERM_B}/rounds/1").status_code == 200


@pytest.mark.parametrize("value", [*HUGE, "-1", "x"])
def test_id_fields_beyond_the_database_name_nobody(client, world, value):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    for action in ("lock", "unpair", "forbid", "assign", "swap"):
        response = client.post(
            f"/terms/{TERM_B}/rounds/1/{action}",
            data={"student_id": value, "volunteer_id": value, "other_student_id": value},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "Choose a student first." in response.get_data(as_text=True)
    response = client.post(
        f"/terms/{TERM_B}/enrollments", data={"enrollment_ids": value, "action": "approved"}
    )
    assert response.status_code == 302
    assert database_content() == before


# -- The registration form's term ------------------------------------------------------

REGISTER_FORM = {
    "role": "student",
    "display_name": "New",
    "timezone": "UTC",
    "email": "new@example.org",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


@pytest.mark.parametrize("term_id", ["²", "٣", "1_0", " 2", *HUGE, ""])
def test_registration_with_a_term_id_that_is_no_id_is_out_of_date(client, world, term_id):
    before = database_content()
    response = client.post("/register", data={**REGISTER_FORM, "term_id": term_id})
    assert response.status_code == 200
    assert "This form is out of date" in response.get_data(as_text=True)
    assert database_content() == before


def test_registration_with_the_open_terms_id_still_works(client, world):
    page = client.get("/register").get_data(as_text=True)
    term_id = re.search(r'name="term_id" type="hidden" value="(\d+)"', page).group(1)
    response = client.post("/register", data={**REGISTER_FORM, "term_id": term_id})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is not None
