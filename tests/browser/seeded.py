"""A seeded term with a published round, and signed-in phone-sized pages, for browser tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from matcher import engine
from matcher.extensions import db
from matcher.models import Enrollment, Pair, User
from matcher.services import demo, pairs, publishing, rounds

PHONE = {"width": 390, "height": 844}
LONG_EMAIL = "christopher.montgomery-hargreaves.volunteer@university-language-centre.example.org"


@dataclass(frozen=True)
class Seeded:
    """The ids and logins the pages of a seeded, published term are reached with."""

    term_id: int
    password: str
    coordinator: str
    student: str
    volunteer: str
    student_enrollment: int
    volunteer_enrollment: int
    pair_student: int


def seed_published_term(app) -> Seeded:
    """A demo term, two rounds, the second published; one pair ended, one re-match asked.

    The paired volunteer's email and contact are one long word, as real addresses can be.
    """
    with app.test_request_context():  # the partner emails link to the site
        logins = demo.load_demo(dt.date.today(), students=14, volunteers=14, seed=7)
        term = logins.term
        coordinator = db.session.scalar(select(User).where(User.email == logins.coordinator))
        rounds.run_round(term, engine.Settings(), by=coordinator)
        latest = rounds.run_round(term, engine.Settings(objective="fair"), by=coordinator)
        publishing.publish_round(latest, by=coordinator, today=dt.date.today())
        active = pairs.term_pairs(term)
        first, second, third = active[0], active[1], active[2]
        volunteer = db.session.get(User, first.volunteer_id)
        volunteer.email = LONG_EMAIL
        volunteer.volunteer_profile.contact = f"Email: {LONG_EMAIL}"
        student = db.session.get(User, first.student_id)
        db.session.commit()
        pairs.request_rematch(db.session.get(User, second.student_id), second, "Our times moved.")
        pairs.end_pair(third, "The volunteer moved abroad.", by=coordinator, today=dt.date.today())
        enrollment = {
            e.user_id: e.id
            for e in db.session.scalars(select(Enrollment).where(Enrollment.term_id == term.id))
        }
        pair_student = db.session.scalar(select(Pair.student_id).where(Pair.id == first.id))
        return Seeded(
            term_id=term.id,
            password=logins.password,
            coordinator=logins.coordinator,
            student=student.email,
            volunteer=LONG_EMAIL,
            student_enrollment=enrollment[student.id],
            volunteer_enrollment=enrollment[volunteer.id],
            pair_student=pair_student,
        )


def phone_page(browser, *, locale: str = "en-US", timezone: str = "Asia/Seoul"):
    """A page in a 390 x 844 touch-screen context, as on a phone."""
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, locale=locale, timezone_id=timezone
    )
    context.set_default_timeout(15000)
    return context.new_page()


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


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
        self.measure(path)
        self.problems.extend(f"{self.who} {path}: {line}" for line in failed)

    def measure(self, what: str) -> int:
        """Note the width of the page as it is now (opened, or reached by a click)."""
        width, wide = self.page.evaluate(WIDTH, PHONE["width"])
        self.widths[f"{self.who} {what}"] = width
        if width > PHONE["width"]:
            self.problems.append(f"{self.who} {what}: {width} px ({', '.join(wide)})")
        return width
