"""Hypothesis strategies for requests a careless person or an attacker could send.

A request is a URL (every `<int:...>` filled with a real id or a number no database holds),
a query string, and a body: a form (a valid one with a few fields spoiled, or fields picked
at random), a multipart form with files, JSON of any shape, or raw bytes of any type.
"""

from __future__ import annotations

import inspect
import io
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask_wtf import FlaskForm
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from matcher.web.forms import auth, profile, rounds, terms
from tests.web.world import EVENINGS, PASSWORD, World


def _words(text: str) -> list[str]:
    return text.split()


NUMBERS = [
    *_words("0 1 2 -1 0.5 40 41 1e309 1e-400 NaN nan sNaN -sNaN inf -inf Infinity ² ٣ 1_000 0x1F"),
    *_words("2147483647 2147483648 -2147483649 9223372036854775807 9223372036854775808"),
    *[" 7 ", "9" * 40, "9" * 5000],
]
DATES = [
    *_words("0001-01-01 1999-12-31 2000-01-01 2027-03-02 2027-02-30 2100-12-31 2101-01-01"),
    *["9999-12-31", "2027-3-2", "02/03/2027"],
]
TEXTS = [
    *["", " ", "\x00", "a\x00b", "line\nbreak", "\r\n", "tab\there", "\x1b[31m", "del\x7f"],
    *["next\u2028line", "\x85", "x" * 300, '=HYPERLINK("x")', "＝1+1", " @SUM(A1)"],
    *["<script>alert(1)</script>", "'; DROP TABLE user; --", "/profile", "//evil.example"],
    *["/profile\r\nSet-Cookie: x=1", "/a\x00b"],
]
CHOICES = [
    *_words("y on true student volunteer coordinator online in_person both A2 some basic female"),
    *_words("conversation music approved withdrawn applied open draft best fair en ko"),
    *["Asia/Seoul", "UTC", "Mars/Olympus", PASSWORD, "another long password"],
]
EXTRA_NAMES = ["csrf_token", "next", "round", "status", "a", "b", "student", "volunteer", "?"]
CONTENT_TYPES = [
    *["", "text/plain", "application/xml", "application/octet-stream", "application/json"],
    *["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1"],
    *["multipart/form-data", "multipart/form-data; boundary=x"],
]
_SLOTS = [str(i) for i, on in enumerate(EVENINGS) if on == "1"]
_PARAM = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def form_field_names() -> list[str]:
    """Every field name of every form class in the app, and a few the views read."""
    names: set[str] = set(EXTRA_NAMES)
    for module in (auth, profile, rounds, terms):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm):
                names.update(n for n in dir(cls) if isinstance(getattr(cls, n), UnboundField))
    return sorted(names)


_TERM = {
    "name": "Autumn 2030",
    "starts_on": "2030-09-01",
    "ends_on": "2030-12-20",
    "applications_open_on": "2030-06-01",
    "applications_close_on": "2030-08-01",
    "status": "open",
}
_NEW_PASSWORD = {"password": "another long password", "confirm": "another long password"}
# For each form route, a form that would be accepted (ids as the string "ID").
_VALID_FORMS: dict[str, dict[str, Any]] = {
    "setup.first_coordinator": {
        "display_name": "First",
        "email": "first@example.org",
        "timezone": "UTC",
        **_NEW_PASSWORD,
    },
    "auth.delete_account": {"password": PASSWORD},
    "auth.change_password": {"current_password": PASSWORD, **_NEW_PASSWORD},
    "main.language": {"locale": "ko", "next": "/profile"},
    "profile.edit": {
        "display_name": "Someone",
        "goals": ["conversation"],
        "interests": ["music"],
        "format": "online",
        "contact": "KakaoTalk: someone",
        "timezone": "Asia/Seoul",
        "availability": _SLOTS,
        "english_level": "A2",
        "experience": "some",
        "korean_level": "basic",
        "capacity": "2",
    },
    "terms.new_term": _TERM,
    "terms.edit": _TERM,
    "terms.set_status": {"enrollment_ids": ["ID", "ID"], "action": "approved"},
    "rounds.run": {
        "weight_overlap": "30",
        "weight_interests": "15",
        "weight_goals": "20",
        "weight_level": "15",
        "weight_gender": "10",
        "weight_continuity": "10",
        "min_overlap_hours": "2",
        "objective": "fair",
        "lock_continue_partner": "y",
    },
    "rounds.adjust_round": {
        "student_id": "ID",
        "volunteer_id": "ID",
        "other_student_id": "ID",
        "reason": "ok",
    },
    "pairs.request_rematch": {"reason": "We cannot meet."},
    "rounds.end_pair": {"reason": "Moved away."},
}


def valid_forms(world: World) -> dict[str, dict[str, Any]]:
    """For each form route, a form that would be accepted in `world`."""
    register = {"role": "student", "display_name": "New", "email": "new@example.org"}
    return {
        **_VALID_FORMS,
        "auth.login": {"email": world.emails[0], "password": PASSWORD, "remember": "y"},
        "auth.forgot_password": {"email": world.emails[0]},
        "auth.resend_sign_up": {"email": world.emails[0]},
        "auth.change_email": {"email": "new@example.org", "password": PASSWORD},
        "auth.invite_coordinator": {
            "display_name": "New",
            "email": "new.coordinator@example.org",
            "locale": "ko",
        },
        "auth.register": {
            "term_id": str(world.terms[1]),
            "timezone": "Asia/Seoul",
            **register,
            **_NEW_PASSWORD,
        },
    }


def values(world: World) -> st.SearchStrategy[str]:
    """One form value: typed junk, edge numbers and dates, words the forms know, real ids."""
    return st.one_of(
        st.sampled_from(NUMBERS + DATES + TEXTS + CHOICES + world.emails),
        st.sampled_from(world.ids).map(str),
        st.text(max_size=30),
        st.integers().map(str),
        st.floats().map(str),
    )


def _value_or_list(world: World) -> st.SearchStrategy[str | list[str]]:
    return st.one_of(values(world), st.lists(values(world), max_size=4))


@st.composite
def form_data(draw: Any, world: World, endpoint: str, names: list[str]) -> dict[str, Any]:
    """A valid form with up to three fields spoiled, dropped or repeated; or a random one."""
    base = valid_forms(world).get(endpoint)
    if base is None or draw(st.integers(0, 3)) == 0:
        return draw(st.dictionaries(st.sampled_from(names), _value_or_list(world), max_size=8))
    ids = st.sampled_from(world.ids).map(str)
    data: dict[str, Any] = {
        name: [draw(ids) if v == "ID" else v for v in value]
        if isinstance(value, list)
        else (draw(ids) if value == "ID" else value)
        for name, value in base.items()
    }
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(set(data) | set(names))))
        if draw(st.booleans()):
            data[name] = draw(_value_or_list(world))
        else:
            data.pop(name, None)
    return data


_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@dataclass(frozen=True)
class Body:
    """What the test client sends: form `data` (dict, maybe with files) or raw bytes."""

    kind: str
    data: Any
    content_type: str | None = None

    def client_kwargs(self) -> dict[str, Any]:
        if self.kind == "multipart":
            files = {name: (io.BytesIO(content), "upload.txt") for name, content in self.data[1]}
            return {"data": {**self.data[0], **files}, "content_type": "multipart/form-data"}
        if self.kind == "form":
            return {"data": self.data}
        return {"data": self.data, "content_type": self.content_type}


def bodies(world: World, endpoint: str, names: list[str]) -> st.SearchStrategy[Body]:
    """Mostly forms (where the bugs hide deepest), then multipart, JSON and raw bodies."""
    forms = form_data(world, endpoint, names)
    files = st.lists(st.tuples(st.sampled_from(names), st.binary(max_size=30)), max_size=2)
    json_values = st.one_of(
        st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=6), JSON_VALUES
    )
    kinds = {
        "form": forms.map(lambda data: Body("form", data)),
        "multipart": st.tuples(forms, files).map(lambda pair: Body("multipart", pair)),
        "json": json_values.map(
            lambda value: Body("raw", json.dumps(value).encode(), "application/json")
        ),
        "raw": st.builds(
            Body, st.just("raw"), st.binary(max_size=200), st.sampled_from(CONTENT_TYPES)
        ),
    }
    mix = ["form", "form", "form", "multipart", "json", "raw"]
    return st.sampled_from(mix).flatmap(lambda kind: kinds[kind])


def path_for(rule: str, world: World) -> st.SearchStrategy[str]:
    """`rule` with each `<converter:name>` filled: real ids mostly, else edge numbers or junk."""
    parts: list[Any] = []
    position = 0
    for match in _PARAM.finditer(rule):
        parts.append(st.just(rule[position : match.start()]))
        converter, arguments = match.group(1), match.group(2)
        if converter == "any":
            options = [a.strip() for a in arguments.split(",")]
            segment = st.one_of(st.sampled_from(options), st.text(min_size=1, max_size=8))
        else:
            segment = st.one_of(
                st.sampled_from(["1", "1", "1", "2", "3"]),  # the seeded rows' own ids
                st.sampled_from(world.ids).map(str),
                st.sampled_from(NUMBERS[1:]),
                st.text(min_size=1, max_size=8),
            )
        parts.append(segment.map(lambda text: quote(text, safe="")))
        position = match.end()
    parts.append(st.just(rule[position:]))
    return st.tuples(*parts).map("".join)


def query_strings(world: World) -> st.SearchStrategy[dict[str, str]]:
    names = st.sampled_from(["round", "status", "next", "a", "b", "student", "volunteer"])
    return st.dictionaries(names, values(world), max_size=2)
