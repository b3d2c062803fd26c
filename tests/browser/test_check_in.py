"""A student answers a check-in on a phone, in Korean; the coordinator sees the pair at risk."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import CheckIn, Pair, User
from matcher.services import checkins
from tests.browser.seeded import PHONE, WIDTH, phone_page, seed_published_term
from tests.helpers import screenshot, set_up_second_factor

pytestmark = pytest.mark.browser


def test_a_student_checks_in_on_a_phone_in_korean(live_server, live_app, browser, page_factory):
    seeded = seed_published_term(live_app)
    with live_app.app_context():
        student = db.session.scalar(select(User).where(User.email == seeded.student))
        pair = db.session.scalar(select(Pair).where(Pair.student_id == student.id))
        pair.started_on = dt.date.today() - dt.timedelta(days=15)  # in its third week
        db.session.commit()
        student_name, pair_id = student.display_name, pair.id

    # The email's link, followed signed out: sign in, land on the check-in.
    phone = phone_page(browser, locale="ko-KR")
    phone.goto(f"{live_server}/check-in")
    phone.wait_for_url("**/login?next=%2Fcheck-in")
    phone.fill("#email", seeded.student)
    phone.fill("#password", seeded.password)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/check-in")
    with phone.expect_navigation():
        phone.click("button[name=locale][value=ko]")
    assert phone.url.endswith("/check-in")
    assert phone.inner_text("main h1") == "잘 되고 있나요?"
    width, wide = phone.evaluate(WIDTH, PHONE["width"])
    assert width <= PHONE["width"], wide
    # One page on a phone: the button is reachable without scrolling sideways.
    phone.click("text=시간을 맞추기 어려워요")
    phone.click("text=2 – 별로예요")
    phone.fill(f"#note-{pair_id}", "저녁 시간이 서로 안 맞아요.")
    button = phone.locator("main button[type=submit]")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    screenshot(phone, "phone-check-in-ko")
    button.click()
    phone.wait_for_url("**/my-pair")
    assert "고마워요" in phone.inner_text(".flash-success")
    started = dt.date.today() - dt.timedelta(days=15)
    weeks = (checkins.week_start(dt.date.today()) - checkins.week_start(started)).days // 7 + 1
    assert phone.locator(f"#weeks-{pair_id} .week").count() == weeks
    assert "3주차" in phone.inner_text(f"#weeks-{pair_id}")  # words for a screen reader
    width, wide = phone.evaluate(WIDTH, PHONE["width"])
    assert width <= PHONE["width"], wide
    phone.context.close()
    with live_app.app_context():
        answer = db.session.scalar(select(CheckIn))
        assert (answer.met, answer.rating) == ("no_time", 2)

    # The coordinator's term page lists the pair at risk, with its reasons in words.
    coordinator = page_factory()
    coordinator.goto(f"{live_server}/login")
    coordinator.fill("#email", seeded.coordinator)
    coordinator.fill("#password", seeded.password)
    coordinator.click("main button[type=submit]")
    set_up_second_factor(coordinator)
    coordinator.goto(f"{live_server}/terms/{seeded.term_id}")
    entry = coordinator.locator(f"#at-risk-{pair_id}")
    assert student_name in entry.inner_text()
    reasons = entry.locator(".reasons").inner_text()
    assert "we cannot find a time" in reasons and "(2 of 5)" in reasons
    assert "Have not met two weeks after the pair started" in reasons
    assert "저녁 시간이 서로 안 맞아요." in entry.inner_text()
    counts = coordinator.inner_text("#check-in-counts")
    assert "1\ncheck-in answered" in counts or "1 check-in answered" in counts
    screenshot(coordinator, "coordinator-at-risk")
    coordinator.on("dialog", lambda dialog: dialog.accept())
    entry.locator("button:has-text('Email both a reminder')").click()
    coordinator.wait_for_url(f"**/terms/{seeded.term_id}#at-risk")
    assert "reminder" in coordinator.inner_text(".flash-success")
