"""Every page fits a 390 px wide phone: nothing makes the page scroll sideways.

A wide table may scroll inside its own box; the page itself may not. Run with `-s` to
see the width of every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import TokenPurpose, User
from matcher.models.base import utcnow
from matcher.services import tokens
from tests.browser.seeded import Walk, phone_page, seed_published_term, sign_in
from tests.helpers import fresh_code, screenshot, set_up_second_factor

pytestmark = pytest.mark.browser


def coordinator_paths(seeded) -> list[str]:
    term = f"/terms/{seeded.term_id}"
    return [
        "/terms",
        "/terms/new",
        term,
        f"{term}?status=approved",
        f"{term}?q=a&role=student&show=incomplete",  # the people table, searched and filtered
        f"{term}/edit",
        f"{term}/people/{seeded.student_enrollment}",
        f"{term}/people/{seeded.volunteer_enrollment}",
        f"{term}/rounds/1",
        f"{term}/rounds/2",
        f"{term}/rounds/1/alternatives?student={seeded.pair_student}",
        f"{term}/rounds/1/swaps",
        f"{term}/rounds/compare?a=1&b=2",
        f"{term}/pairs",
        f"{term}/report",
        f"{term}/import",
        "/account",
        "/account/password",
        "/account/email",
        "/coordinators/invite",
        "/audit",
    ]


def second_factor(page, live_app, email: str) -> None:
    """A coordinator's second step at sign-in: set it up the first time, then give a code,
    so that the walk measures the coordinator's pages themselves, not the set-up page."""
    if "/two-factor/setup" in page.url:
        set_up_second_factor(page)
    elif "/two-factor/verify" in page.url:
        with live_app.app_context():
            code = fresh_code(db.session.scalar(select(User).where(User.email == email)))
        page.fill("#code", code)
        page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url, page.url


PERSON_PATHS = [
    "/profile",
    "/my-pair",
    "/check-in",
    "/account",
    "/account/password",
    "/account/email",
]
# Pages anyone opens: what registering or a forgotten password shows.
VISITOR_PATHS = [
    "/",
    "/login",
    "/register",
    "/register/sent",
    "/sign-up/again",
    "/password/forgot",
    "/password/sent",
]


def link_paths(app, seeded) -> list[str]:
    """The pages behind each kind of emailed link, with a working token of each."""
    with app.app_context():
        student = db.session.scalar(select(User).where(User.email == seeded.student))
        student.pending_email = "a.new.and.rather.long.address@example.org"
        hour = dt.timedelta(hours=1)
        paths = [
            prefix + tokens.issue(student, purpose, now=utcnow(), lifetime=hour)
            for prefix, purpose in (
                ("/sign-up/", TokenPurpose.SIGN_UP),
                ("/reset/", TokenPurpose.PASSWORD_RESET),
                ("/email/", TokenPurpose.EMAIL_CHANGE),
                ("/join/", TokenPurpose.COORDINATOR_INVITE),
            )
        ]
        db.session.commit()
    return paths


def test_every_page_fits_a_phone(live_server, live_app, browser):
    visitor = Walk(phone_page(browser), "visitor")
    visitor.open(live_server, "/setup")  # before there is a coordinator
    seeded = seed_published_term(live_app)
    for path in VISITOR_PATHS + link_paths(live_app, seeded):
        visitor.open(live_server, path)
    visitor.open(live_server, "/no-such-page", status=404)
    visitor.open(live_server, "/reset/not-a-real-link", status=404)
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
        if who.startswith("coordinator"):
            second_factor(walk.page, live_app, email)
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
    assert sum(len(walk.widths) for walk in walks) == 15 + 21 + 1 + 6 + 6
