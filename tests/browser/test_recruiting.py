"""The coordinator sees where to recruit on the term page, on a phone, and copies it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher import engine
from matcher.extensions import db
from matcher.models import User
from matcher.services import demo, rounds
from tests.browser.seeded import PHONE, phone_page, sign_in
from tests.helpers import screenshot, set_up_second_factor

pytestmark = pytest.mark.browser


def test_the_coordinator_sees_and_copies_the_recruitment_windows(live_server, live_app, browser):
    with live_app.app_context():  # fewer volunteers than students: some stay unmatched
        logins = demo.load_demo(dt.date.today(), students=30, volunteers=18, seed=7)
        term_id = logins.term.id
        coordinator = db.session.scalar(select(User).where(User.email == logins.coordinator))
        round_ = rounds.run_round(logins.term, engine.Settings(), by=coordinator)
        db.session.commit()
        unmatched = len(round_.result["unmatched_students"])
        names = [u.display_name for u in db.session.scalars(select(User))]
    assert unmatched > 0

    page = phone_page(browser)
    sign_in(page, live_server, logins.coordinator, logins.password)
    set_up_second_factor(page)  # the demo's coordinator signs in for the first time
    page.goto(f"{live_server}/terms/{term_id}")
    section = page.locator("#recruit")
    section.scroll_into_view_if_needed()
    assert section.is_visible()
    assert "Where to recruit" in section.inner_text()
    text = page.input_value("#recruit-text")
    lines = text.splitlines()
    assert lines and all(" could be paired with " in line for line in lines)
    assert all(name not in text for name in names)  # the post names nobody
    assert page.locator("#recruit-reasons li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button[data-copy=recruit-text]")
    page.wait_for_selector("button[data-copy=recruit-text]:has-text('Copied')")
    screenshot(page, "coordinator-recruit-phone")
    page.goto(f"{live_server}/terms/{term_id}/rounds/1")
    page.click("#swaps a")  # the count of pairs that would rather swap links to the list
    page.wait_for_url(f"**/terms/{term_id}/rounds/1/swaps")
    assert "would rather swap" in page.inner_text("#swap-count")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_navigation():  # the same windows in the coordinator's Korean
        page.click("button[name=locale][value=ko]")
    page.goto(f"{live_server}/terms/{term_id}")
    korean = page.input_value("#recruit-text")
    assert len(korean.splitlines()) == len(lines)
    assert all("명 더 연결할 수 있습니다" in line for line in korean.splitlines())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()
