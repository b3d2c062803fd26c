"""Text that breaks lines or hides control characters: refused in every text field.

A term name with a line break once made publishing fail after the pairs were saved; a NUL
cannot be stored in PostgreSQL at all. One check, in the base form, covers every field.
"""

from __future__ import annotations

import inspect

import pytest
from wtforms import StringField, TextAreaField

from matcher.extensions import db
from matcher.models import Pair
from matcher.web.forms import auth, profile, rounds, terms
from matcher.web.forms.base import Form
from tests.web.world import database_content, sign_in_as

ONE_LINE = "Remove the line breaks and invisible control characters: write it on one line."
PLAIN_TEXT = "Remove the invisible control characters from this text (line breaks are fine)."
BREAKERS = ["a\nb", "a\rb", "a\x00b", "a\tb", "a\x1fb", "a\x7fb", "a\x85b", "a\u2028b"]
TERM_FORM = {
    "name": "Autumn 2030",
    "starts_on": "2030-09-01",
    "ends_on": "2030-12-20",
    "applications_open_on": "2030-06-01",
    "applications_close_on": "2030-08-01",
    "status": "draft",
}


def all_forms() -> list[type[Form]]:
    found = {
        cls
        for module in (auth, profile, rounds, terms)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Form) and cls is not Form
    }
    assert len(found) >= 12
    return sorted(found, key=lambda cls: cls.__name__)


@pytest.mark.parametrize("form_class", all_forms(), ids=lambda cls: cls.__name__)
def test_every_text_field_of_every_form_refuses_control_characters(app, form_class):
    with app.test_request_context(method="POST"):
        fields = list(form_class())
    areas = [f.name for f in fields if isinstance(f, TextAreaField)]
    single = [f.name for f in fields if isinstance(f, StringField) and f.name not in areas]
    for name in single:
        for text in BREAKERS:
            with app.test_request_context(method="POST", data={name: text}):
                form = form_class()
                form.validate()
                assert ONE_LINE in form.errors.get(name, []), (form_class.__name__, name, text)
    for name in areas:
        for text, refused in [("a\nb\r\n\tc", False), ("a\x00b", True), ("a\x1bb", True)]:
            with app.test_request_context(method="POST", data={name: text}):
                form = form_class()
                form.validate()
                assert (PLAIN_TEXT in form.errors.get(name, [])) == refused, (name, text)


@pytest.mark.parametrize("name", BREAKERS)
def test_a_term_name_on_two_lines_is_refused_and_nothing_is_created(client, world, name):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    response = client.post("/terms/new", data={**TERM_FORM, "name": name})
    assert response.status_code == 200
    assert ONE_LINE in response.get_data(as_text=True)
    assert database_content() == before
    response = client.post("/terms/2/edit", data={**TERM_FORM, "name": name})
    assert ONE_LINE in response.get_data(as_text=True)
    assert database_content() == before


def test_profile_text_with_a_line_break_is_refused_and_the_profile_is_unchanged(client, world):
    sign_in_as(client, world, "student")
    before = database_content()
    form = {
        "display_name": "Min\nji",
        "contact": "Kakao\x00Talk",
        "goals": "conversation",
        "format": "online",
        "timezone": "Asia/Seoul",
        "english_level": "A2",
        "availability": [str(slot) for slot in range(38, 44)],
    }
    page = client.post("/profile", data=form).get_data(as_text=True)
    assert page.count(ONE_LINE) == 2
    assert database_content() == before


def test_a_reason_keeps_its_line_breaks_but_not_a_nul(client, world):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    response = client.post("/terms/1/pairs/1/end", data={"reason": "x\x00y"})
    assert database_content() == before
    # (reading the pairs page afterwards is a coordinator read: the audit log records it)
    assert PLAIN_TEXT in client.get(response.location).get_data(as_text=True)
    client.post("/terms/1/pairs/1/end", data={"reason": "Moved away.\r\nBoth agreed."})
    assert db.session.get(Pair, 1).end_note == "Moved away.\r\nBoth agreed."
