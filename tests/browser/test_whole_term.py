"""A term from open to closed, clicked through in real Chromium on phone-sized pages.

The coordinator starts matching, swaps two partners, runs again and publishes the run
that kept the swap; a paired volunteer deletes her account; her student reads the true
message and is re-matched by a re-match round that moves nobody else; the term closes.
Every page on the way is measured at 390 px. Run with `-s` to see the widths.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Enrollment, Pair, RoundPair, User, VolunteerProfile
from matcher.services import demo
from tests.browser.seeded import Walk, phone_page, sign_in
from tests.helpers import screenshot, set_up_second_factor

pytestmark = pytest.mark.browser

# The true message, in the student's language.
TRUE_MESSAGE = {
    "en": ("Your partner can no longer take part.", "we will email you", "not ready yet"),
    "ko": ("짝이 더 이상 참여할 수 없게 되었어요.", "이메일로 알려 드릴게요", "짝이 정해지지 않았"),
}


def _active_pairs(app, term_id: int) -> set[tuple[int | None, int | None]]:
    with app.app_context():
        return {
            (p.student_id, p.volunteer_id)
            for p in db.session.scalars(
                select(Pair).where(Pair.term_id == term_id, Pair.status == "active")
            )
        }


def _round_pairs(app, round_number: int) -> list[RoundPair]:
    from matcher.models import MatchRound

    with app.app_context():
        found = db.session.scalars(
            select(RoundPair)
            .join(MatchRound, MatchRound.id == RoundPair.round_id)
            .where(MatchRound.number == round_number)
            .order_by(RoundPair.id)
        ).all()
        db.session.expunge_all()
        return list(found)


def _join_as_spare(app, term_id: int, like: int) -> int:
    """A volunteer joins mid-term with the same answers as `like` (who is about to leave)."""
    with app.app_context():
        model = db.session.get(User, like)
        answers = {
            c.key: getattr(model.volunteer_profile, c.key)
            for c in VolunteerProfile.__table__.columns
            if c.key not in ("id", "user_id")
        }
        spare = User(
            email="spare.volunteer@example.org",
            password_hash=model.password_hash,
            role="volunteer",
            display_name="Spare Volunteer",
            timezone=model.timezone,
        )
        spare.volunteer_profile = VolunteerProfile(**answers)
        spare.enrollments.append(Enrollment(term_id=term_id, status="approved"))
        db.session.add(spare)
        db.session.commit()
        return spare.id


def test_a_term_from_open_to_closed(live_server, live_app, browser):
    with live_app.test_request_context():
        logins = demo.load_demo(dt.date.today(), students=10, volunteers=10, seed=11)
        db.session.commit()
        term_id = logins.term.id
    term = f"/terms/{term_id}"

    coordinator = Walk(phone_page(browser), "coordinator")
    page = coordinator.page
    page.on("dialog", lambda dialog: dialog.accept())  # every data-confirm says yes
    sign_in(page, live_server, logins.coordinator, logins.password)
    set_up_second_factor(page)
    coordinator.open(live_server, term)
    assert "Volunteers may tutor" not in page.inner_text("main")  # a term setting, not here

    # Open -> matching, then round 1.
    page.click("#next-step button[type=submit]")
    page.wait_for_url(f"**{term}")
    assert "Matching" in page.inner_text("main")
    page.click("text=Run round")
    page.wait_for_url(f"**{term}/rounds/1")
    coordinator.measure("round 1")

    # Swap the volunteers of two students whose pairs are not locked.
    first = [p for p in _round_pairs(live_app, 1) if not p.locked]
    a, b = first[0], first[1]
    page.select_option("select[name=student_id]", str(a.student_id))
    page.select_option("select[name=other_student_id]", str(b.student_id))
    page.fill("form[action$='/swap'] input[name=reason]", "They asked to swap")
    page.click("form[action$='/swap'] button[type=submit]")
    page.wait_for_load_state()
    swapped = {(a.student_id, b.volunteer_id), (b.student_id, a.volunteer_id)}
    assert swapped <= {(p.student_id, p.volunteer_id) for p in _round_pairs(live_app, 1)}

    # Run again: the new round keeps the swap, and it is the one published.
    coordinator.open(live_server, term)
    page.click("details.card summary")
    assert "This run keeps 2 adjustments" in page.inner_text("#kept-adjustments")
    page.click("form.settings button[type=submit]")
    page.wait_for_url(f"**{term}/rounds/2")
    second = {(p.student_id, p.volunteer_id) for p in _round_pairs(live_app, 2)}
    assert swapped <= second
    page.click("text=Publish this round")
    page.wait_for_url(f"**{term}/pairs")
    coordinator.measure("pairs")
    published = _active_pairs(live_app, term_id)
    assert published == second and swapped <= published

    # A paired volunteer deletes her account (one the solver paired: a newcomer with her
    # answers is sure to fit her student).
    solved = next(p for p in _round_pairs(live_app, 2) if p.origin == "solved")
    student_id, volunteer_id = solved.student_id, solved.volunteer_id
    with live_app.app_context():
        volunteer_email = db.session.get(User, volunteer_id).email
        student = db.session.get(User, student_id)
        student_email, student_name = student.email, student.display_name
        true_message, will_email, not_ready = TRUE_MESSAGE[student.locale]
    spare_id = _join_as_spare(live_app, term_id, like=volunteer_id)
    leaver = Walk(phone_page(browser), "volunteer")
    leaver.page.on("dialog", lambda dialog: dialog.accept())
    sign_in(leaver.page, live_server, volunteer_email, logins.password)
    leaver.open(live_server, "/my-pair")
    assert student_name in leaver.page.inner_text("main")
    leaver.open(live_server, "/account")
    leaver.page.fill("#password", logins.password)
    leaver.page.click("form[action$='/account/delete'] button[type=submit]")
    leaver.page.wait_for_load_state()
    leaver.page.context.close()

    # Her student reads the truth, in a page that fits the phone.
    person = Walk(phone_page(browser), "student")
    sign_in(person.page, live_server, student_email, logins.password)
    person.open(live_server, "/my-pair")
    main = person.page.inner_text("main")
    assert true_message in main and will_email in main
    assert not_ready not in main
    screenshot(person.page, "whole-term-partner-left")

    # The coordinator sees who waits and the counts; ended pairs show as ended.
    coordinator.open(live_server, term)
    waiting = page.inner_text("#waiting")
    assert student_name in waiting and "1 ended pair" in waiting
    assert f"{len(published) - 1} active pairs" in waiting
    coordinator.open(live_server, f"{term}/pairs")
    assert "a person who left" in page.inner_text("main")
    assert "A partner deleted their account" in page.inner_text("main")
    page.click("text=Run a re-match round")
    page.wait_for_url(f"**{term}/rounds/3")
    coordinator.measure("round 3 (re-match)")
    assert "Re-match" in page.inner_text("h1")
    page.click("text=Publish this round")
    page.wait_for_url(f"**{term}/pairs")

    # Re-matched, and nobody else moved.
    after = _active_pairs(live_app, term_id)
    others = published - {(student_id, volunteer_id)}
    assert others <= after
    new = after - others
    assert [s for s, _v in new] == [student_id]
    assert spare_id in {v for _s, v in after}  # the one free volunteer took her
    person.open(live_server, "/my-pair")
    assert "Spare Volunteer" in person.page.inner_text("main")
    assert true_message not in person.page.inner_text("main")

    # The person page: partner, history with the reason, the week in both zones.
    with live_app.app_context():
        enrollment_id = db.session.scalar(
            select(Enrollment.id).where(Enrollment.user_id == student_id)
        )
    coordinator.open(live_server, f"{term}/people/{enrollment_id}")
    history = page.inner_text("#pairs-of-person")
    assert "Spare Volunteer" in history and "A partner deleted their account" in history
    assert page.locator("#availability svg").count() >= 1
    screenshot(page, "whole-term-person")

    # Close the term: the pair becomes a past pair.
    coordinator.open(live_server, term)
    page.click("#next-step button[type=submit]")
    page.wait_for_url(f"**{term}")
    assert "This term is closed" in page.inner_text("#next-step")
    person.open(live_server, "/my-pair")
    assert person.page.locator("[id^=past-pair-]").count() == 1

    walks = [coordinator, person]
    print("\n".join(f"{w:5d} px  {what}" for walk in walks for what, w in walk.widths.items()))
    problems = [problem for walk in walks for problem in walk.problems]
    for walk in walks:
        walk.page.context.close()
    assert not problems, "\n".join(problems)
