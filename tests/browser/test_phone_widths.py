"""Every page fits a 390 px wide phone: nothing makes the page scroll sideways.

A wide table may scroll inside its own box; the page itself may not. Run with `-s` to
see the width of every page.
"""

from __future__ import annotations

import pytest

from tests.browser.seeded import PHONE, phone_page, seed_published_term, sign_in
from tests.helpers import screenshot

pytestmark = pytest.mark.browser

# The page's width, and the innermost elements that stick out (outside a scrolling box).
WIDTH = """(limit) => {
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > limit + 0.5
      && !el.parentElement.closest('.table-scroll, .grid-scroll'))
    .slice(-4).map((el) => el.tagName.toLowerCase() + '.' + el.className);
  return [document.documentElement.scrollWidth, wide];
}"""


class Walk:
    """Opens pages as one person, noting each page's width and every failed request."""

    def __init__(self, page, who: str) -> None:
        self.page, self.who = page, who
        self.widths: dict[str, int] = {}
        self.problems: list[str] = []

    def open(self, base: str, path: str, status: int = 200) -> None:
        failed: list[str] = []

        def note(response) -> None:
            if response.status >= 400 and response.url != base + path:
                failed.append(f"{response.status} {response.url}")

        self.page.on("response", note)
        response = self.page.goto(base + path)
        self.page.wait_for_load_state("load")
        self.page.remove_listener("response", note)
        assert response is not None and response.status == status, (path, response.status)
        width, wide = self.page.evaluate(WIDTH, PHONE["width"])
        self.widths[f"{self.who} {path}"] = width
        if width > PHONE["width"]:
            self.problems.append(f"{self.who} {path}: {width} px ({', '.join(wide)})")
        self.problems.extend(f"{self.who} {path}: {line}" for line in failed)


def coordinator_paths(seeded) -> list[str]:
    term = f"/terms/{seeded.term_id}"
    return [
        "/terms",
        "/terms/new",
        term,
        f"{term}?status=approved",
        f"{term}/edit",
        f"{term}/people/{seeded.student_enrollment}",
        f"{term}/people/{seeded.volunteer_enrollment}",
        f"{term}/rounds/1",
        f"{term}/rounds/2",
        f"{term}/rounds/1/alternatives?student={seeded.pair_student}",
        f"{term}/rounds/compare?a=1&b=2",
        f"{term}/pairs",
        f"{term}/import",
        "/account",
        "/account/password",
    ]


PERSON_PATHS = ["/profile", "/my-pair", "/account", "/account/password"]


def test_every_page_fits_a_phone(live_server, live_app, browser):
    visitor = Walk(phone_page(browser), "visitor")
    visitor.open(live_server, "/setup")  # before there is a coordinator
    seeded = seed_published_term(live_app)
    for path in ("/", "/login", "/register"):
        visitor.open(live_server, path)
    visitor.open(live_server, "/no-such-page", status=404)
    visitor.open(live_server, "/invitation/not-a-real-link", status=404)
    walks = [visitor]
    people = [
        ("coordinator", seeded.coordinator, "en-US", coordinator_paths(seeded)),
        ("coordinator-ko", seeded.coordinator, "ko-KR", coordinator_paths(seeded)[2:3]),
        ("student", seeded.student, "ko-KR", PERSON_PATHS),
        ("volunteer", seeded.volunteer, "en-US", PERSON_PATHS),
    ]
    for who, email, locale, paths in people:
        walk = Walk(phone_page(browser, locale=locale), who)
        sign_in(walk.page, live_server, email, seeded.password)
        if locale == "ko-KR":
            with walk.page.expect_navigation():
                walk.page.click("button[name=locale][value=ko]")
        for path in paths:
            walk.open(live_server, path)
        screenshot(walk.page, f"phone-{who}")
        walks.append(walk)
    print("\n".join(f"{w:5d} px  {page}" for walk in walks for page, w in walk.widths.items()))
    for walk in walks:
        walk.page.context.close()
    problems = [problem for walk in walks for problem in walk.problems]
    assert not problems, "\n".join(problems)
    assert sum(len(walk.widths) for walk in walks) == 6 + 15 + 1 + 4 + 4
