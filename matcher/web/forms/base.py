"""What every form may receive: form-encoded text only, and no control characters.

Flask-WTF also reads a JSON body, and multipart files, as form data: a number, a list or
an upload would then reach validators written for strings and crash them. Forms here
only ever see strings, because any other body is refused before a view runs.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import ValidationError

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# C0 controls (CR, LF and NUL among them), DEL, C1 controls, and Unicode's line separators.
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, but a text area keeps its tabs and line breaks.
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# The endpoints that take files, and the most bytes their body may have (the rest of the
# site keeps MAX_CONTENT_LENGTH). Past it the request is a 413, which the endpoint's
# blueprint turns into its own page.
UPLOADS = {"imports.upload": 2 * 2 * 1024 * 1024 + 64 * 1024}  # two roster files of 2 MB


def allow_uploads() -> None:
    """Raise the body limit for an endpoint that takes files, before anything reads it."""
    limit = UPLOADS.get(request.endpoint or "")
    if limit is not None:
        request.max_content_length = limit


def refuse_non_form_body() -> None:
    """415 for a body that is not a form (JSON, XML, ...), 400 for a form that sends files
    (except to the endpoints in UPLOADS)."""
    if request.method not in _SUBMIT_METHODS:
        return
    if request.mimetype in FORM_TYPES:
        if request.files and request.endpoint not in UPLOADS:
            abort(400)
    elif request.mimetype or request.content_length:
        abort(415)


def register(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, allow_uploads)  # before CSRF
    app.before_request(refuse_non_form_body)


def one_line(form: Any, field: Field) -> None:
    """A single-line field holds no line breaks and no invisible control characters."""
    if isinstance(field.data, str) and _NOT_ON_ONE_LINE.search(field.data):
        raise ValidationError(
            _l("Remove the line breaks and invisible control characters: write it on one line.")
        )


def plain_text(form: Any, field: Field) -> None:
    """A text area may hold tabs and line breaks, but no other control character."""
    if isinstance(field.data, str) and _NOT_IN_TEXT.search(field.data):
        raise ValidationError(
            _l("Remove the invisible control characters from this text (line breaks are fine).")
        )


class Form(FlaskForm):
    """The base of every form: each text field is checked for control characters."""

    def validate(self, extra_validators: Any = None) -> bool:
        extra: dict[str, list[Any]] = {
            name: list(validators) for name, validators in (extra_validators or {}).items()
        }
        for name, field in self._fields.items():
            if isinstance(field, TextAreaField):
                extra.setdefault(name, []).append(plain_text)
            elif isinstance(field, StringField):
                extra.setdefault(name, []).append(one_line)
        return bool(super().validate(extra))
