"""Every form route, as every role, with generated input of every type: never a 500, and a
refused request (4xx, or the form shown again) writes nothing.

Each (route, role) gets its own Hypothesis run with a fixed seed (derandomized, but not
the same examples for every pair), so every pair is covered and the run is the same on
every machine. The world is seeded again before each run that follows a change, and
whenever a request added or removed rows (an account deleted, a round run), so that one
accepted request does not starve the examples after it.

FUZZ_EXAMPLES=200 runs a deeper campaign than the suite's 30 examples per open route.
"""

from __future__ import annotations

import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, seed, settings
from werkzeug.routing import Rule

from matcher.extensions import limiter
from tests.web import fuzz_strategies as fuzz
from tests.web.world import (
    ROLES,
    World,
    cheap_passwords,
    clear_database,
    database_content,
    seed_world,
    sign_in_as,
)

# A route the role cannot open (403, or sent to sign in) needs few examples to show it.
EXAMPLES_OPEN = int(os.environ.get("FUZZ_EXAMPLES", "30"))
EXAMPLES_WALLED = 4
SETTINGS = settings(
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEN: Counter[str] = Counter()  # for the summary line: requests sent, 500s seen


def row_counts(content: dict[str, list[str]]) -> dict[str, int]:
    return {name: len(rows) for name, rows in content.items()}


class Fuzzer:
    """Sends the generated requests, checks each, and seeds the world again when it changed."""

    def __init__(self, client: FlaskClient, world: World) -> None:
        self.client, self.world = client, world
        self.statuses: Counter[int] = Counter()
        self.changed = self.reseed = False
        self.seeds = 1
        # The database as the last request left it (only sign-ins, which read, come between).
        self.content: dict[str, list[str]] | None = None

    def fresh_world(self) -> None:
        if self.reseed or self.changed:
            # The strategies drew ids from the first seed: a new seed must have the same ones.
            assert seed_world() == self.world
            self.changed = self.reseed = False
            self.seeds += 1
            self.content = None

    def send(self, role: str, path: str, query: dict[str, str], body: fuzz.Body) -> None:
        if self.reseed:
            self.fresh_world()
        sign_in_as(self.client, self.world, role)
        before = self.content or database_content()
        request = f"{role} POST {path} ?{query} {body}"
        try:
            response = self.client.post(path, query_string=query, **body.client_kwargs())
        except Exception as error:  # the test client re-raises what would be a 500
            self.count(500)
            raise AssertionError(f"500 ({error!r}) for {request}") from error
        self.count(response.status_code)
        self.content = after = database_content()
        assert response.status_code < 500, f"{response.status_code} for {request}"
        refused = 400 <= response.status_code < 500 or response.status_code == 200
        assert not (refused and after != before), f"refused but wrote: {request}"
        self.changed = self.changed or after != before
        self.reseed = row_counts(after) != row_counts(before)

    def count(self, status: int) -> None:
        self.statuses[status] += 1
        SEEN["requests"] += 1
        SEEN["500s"] += status >= 500

    def walled(self, role: str, rule: Rule) -> bool:
        """Whether `role` is turned away from `rule` before any form is read."""
        self.fresh_world()
        sign_in_as(self.client, self.world, role)
        path = re.sub(r"<any\(([a-z]+)[^>]*>", r"\1", re.sub(r"<int:\w+>", "1", rule.rule))
        before = database_content()
        response = self.client.post(path)  # an empty post can be a valid one (/logout)
        self.content = database_content()
        self.changed = self.content != before
        gone = response.status_code == 404 and "<" not in rule.rule  # /setup, once set up
        return gone or response.status_code == 403 or "/login" in (response.location or "")


@pytest.fixture
def fuzz_app(app: Flask) -> Iterator[Flask]:
    """The app without rate limits and with cheap password hashes: the fuzzer sends far
    more requests, and guesses far more passwords, than a person would."""
    limiter.enabled = False
    with cheap_passwords():
        yield app
    limiter.enabled = True


def post_rules(app: Flask) -> list[Rule]:
    rules = (r for r in app.url_map.iter_rules() if "POST" in (r.methods or ()))
    return sorted(rules, key=lambda r: r.rule)


def fuzz_rule(fuzzer: Fuzzer, role: str, rule: Rule, names: list[str]) -> None:
    """One Hypothesis run for (role, rule), with its own fixed seed."""
    world = fuzzer.world
    examples = EXAMPLES_WALLED if fuzzer.walled(role, rule) else EXAMPLES_OPEN
    fuzzer.fresh_world()

    @seed(zlib.crc32(f"{role} {rule.rule}".encode()))
    @settings(SETTINGS, max_examples=examples)
    @given(
        path=fuzz.path_for(rule.rule, world),
        query=fuzz.query_strings(world),
        body=fuzz.bodies(world, rule.endpoint, names),
    )
    def check(path: str, query: dict[str, str], body: fuzz.Body) -> None:
        fuzzer.send(role, path, query, body)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_every_form_route_survives_any_input(fuzz_app, client, role):
    fuzzer = Fuzzer(client, seed_world())
    names = fuzz.form_field_names()
    rules = post_rules(fuzz_app)
    assert len(rules) >= 20 and len(names) >= 40
    for rule in rules:
        fuzz_rule(fuzzer, role, rule, names)
    sent = sum(fuzzer.statuses.values())
    statuses = dict(sorted(fuzzer.statuses.items()))
    print(f"\n{role}: {sent} requests, {fuzzer.seeds} seeds, statuses {statuses}")
    print(f"so far in this session: {SEEN['requests']} requests, {SEEN['500s']} 500s")
    assert sent >= len(rules) * EXAMPLES_WALLED
    assert fuzzer.statuses[200] > 0 and fuzzer.statuses[302] > 0


def test_first_coordinator_setup_survives_any_input(fuzz_app, client):
    """/setup exists only before the first coordinator: fuzz it on an empty database."""
    world = World(users={role: [] for role in ROLES}, terms=[0, 0], ids=[1], emails=["a@b.c"])
    fuzzer = Fuzzer(client, world)
    names = fuzz.form_field_names()

    @seed(0)
    @settings(SETTINGS, max_examples=40)
    @given(body=fuzz.bodies(world, "setup.first_coordinator", names))
    def check(body: fuzz.Body) -> None:
        clear_database()
        fuzzer.content = None
        fuzzer.send("anonymous", "/setup", {}, body)
        fuzzer.reseed = False

    check()
    assert fuzzer.statuses[302] > 0  # some forms were valid and made the first coordinator
    assert fuzzer.statuses[200] > 0
