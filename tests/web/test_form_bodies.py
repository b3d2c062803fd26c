"""Form routes read forms only: a JSON, XML or text body is a 415, a file upload a 400.

Flask-WTF would read JSON as form data, and files as field values, and hand numbers,
lists or uploads to validators written for strings.
"""

from __future__ import annotations

import io

import pytest

from tests.web.world import PASSWORD, database_content, sign_in_as

TERM_B = 2  # the world's open term

JSON_FORM_ROUTES = [
    ("anonymous", "/login"),
    ("anonymous", "/register"),
    ("anonymous", "/language"),
    ("student", "/account/delete"),
    ("student", "/account/password"),
    ("student", "/profile"),
    ("student", "/my-pair/1/rematch"),
    ("coordinator", "/terms/new"),
    ("coordinator", f"/terms/{TERM_B}/edit"),
    ("coordinator", f"/terms/{TERM_B}/rounds"),
    ("coordinator", f"/terms/{TERM_B}/rounds/1/assign"),
]


@pytest.mark.parametrize("role,path", JSON_FORM_ROUTES)
@pytest.mark.parametrize(
    "body", [{"email": 5, "password": ["x"], "name": None, "reason": {"a": 1}}, [1, 2], 3.5]
)
def test_a_json_body_is_refused_with_415(client, world, role, path, body):
    sign_in_as(client, world, role)
    before = database_content()
    response = client.post(path, json=body)
    assert response.status_code == 415
    assert database_content() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "text/csv"])
def test_other_bodies_are_refused_with_415(client, world, content_type):
    response = client.post("/login", data=b"email=a@b.c", content_type=content_type)
    assert response.status_code == 415


def test_a_form_with_a_file_is_refused_with_400(client, world):
    sign_in_as(client, world, "student")
    before = database_content()
    response = client.post(
        "/account/password",
        data={"current_password": (io.BytesIO(PASSWORD.encode()), "p.txt"), "password": "x" * 20},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert database_content() == before


def test_ordinary_forms_and_empty_posts_still_work(client, world):
    sign_in_as(client, world, "student")
    assert client.post("/language", data={"locale": "ko", "next": "/profile"}).status_code == 302
    multipart = {"locale": "en", "next": "/profile"}
    response = client.post("/language", data=multipart, content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.post("/logout").status_code == 302  # no body at all
