"""The journeys people make, clicked through in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Enrollment, Pair, User
from matcher.services import demo
from tests.helpers import PASSWORD, emailed_link, screenshot, set_up_second_factor

pytestmark = pytest.mark.browser


def slot(day: int, hhmm: str) -> str:
    hours, minutes = map(int, hhmm.split(":"))
    return str(day * 48 + hours * 2 + minutes // 30)


def drag(page, start: str, end: str) -> None:
    """Click-and-drag over the availability grid from one slot to another."""
    first = page.locator(f"input[name=availability][value='{start}']").locator("..")
    last = page.locator(f"input[name=availability][value='{end}']").locator("..")
    first.scroll_into_view_if_needed()
    a, b = first.bounding_box(), last.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def finish_sign_up(page, live_server, live_app, address: str) -> None:
    """Open the link of the sign-up email and type the password chosen: signed in."""
    page.goto(live_server + emailed_link(live_app, address, "/sign-up/"))
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/profile")


def test_a_volunteer_resets_a_forgotten_password(live_server, live_app, page_factory):
    with live_app.app_context():
        logins = demo.load_demo(dt.date.today(), students=2, volunteers=2, seed=3)
        db.session.commit()
        volunteer_email = db.session.scalar(
            select(User.email).where(User.role == "volunteer").order_by(User.id)
        )
    # Signed in on a laptop, she forgets her password on her phone.
    laptop = page_factory()
    laptop.goto(f"{live_server}/login")
    laptop.fill("#email", volunteer_email)
    laptop.fill("#password", logins.password)
    laptop.click("main button[type=submit]")
    laptop.wait_for_load_state()
    assert laptop.goto(f"{live_server}/account").url.endswith("/account")

    phone = page_factory(locale="en-US", timezone="America/New_York")
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server}/login")
    phone.click("text=Forgot your password?")
    phone.fill("#email", volunteer_email)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/password/sent")
    assert "Check your email" in phone.inner_text("h1")
    link = live_server + emailed_link(live_app, volunteer_email, "/reset/")
    phone.goto(link)
    phone.fill("#password", "a brand new long password")
    phone.fill("#confirm", "a brand new long password")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert "Every other device has been signed out" in phone.inner_text("main")
    screenshot(phone, "password-reset-done")

    # The laptop's session is over; the link does not work twice.
    laptop.goto(f"{live_server}/account")
    assert "/login" in laptop.url
    again = page_factory()
    again.goto(link)
    assert again.inner_text("h1") == "This link has been used already"
    laptop.goto(f"{live_server}/login")
    laptop.fill("#email", volunteer_email)
    laptop.fill("#password", "a brand new long password")
    laptop.click("main button[type=submit]")
    laptop.wait_for_load_state()
    assert laptop.goto(f"{live_server}/account").url.endswith("/account")


def test_first_run_registration_and_approval(live_server, live_app, page_factory):
    coordinator = page_factory()
    coordinator.goto(live_server)
    assert coordinator.url.endswith("/setup")
    coordinator.fill("#display_name", "Grace")
    coordinator.fill("#email", "grace@example.org")
    coordinator.fill("#password", PASSWORD)
    coordinator.fill("#confirm", PASSWORD)
    assert coordinator.input_value("#timezone") == "Asia/Seoul"  # guessed from the browser
    coordinator.click("main button[type=submit]")
    set_up_second_factor(coordinator)
    coordinator.wait_for_url("**/terms/new")

    today = dt.date.today()
    coordinator.fill("#name", "Spring term")
    coordinator.fill("#starts_on", (today + dt.timedelta(days=40)).isoformat())
    coordinator.fill("#ends_on", (today + dt.timedelta(days=160)).isoformat())
    coordinator.fill("#applications_open_on", (today - dt.timedelta(days=1)).isoformat())
    coordinator.fill("#applications_close_on", (today + dt.timedelta(days=30)).isoformat())
    coordinator.select_option("#status", "open")
    coordinator.click("main button[type=submit]")
    coordinator.wait_for_url("**/terms/1")

    # A student registers in Korean and fills the grid by dragging.
    student = page_factory(locale="ko-KR", timezone="Asia/Seoul")
    student.goto(f"{live_server}/register")
    assert student.locator("h1").inner_text() == "회원가입"
    student.check("input[name=role][value=student]")
    student.fill("#display_name", "하늘")
    student.fill("#email", "haneul@example.org")
    student.fill("#password", PASSWORD)
    student.click("main button[type=submit]")  # the second password is missing
    student.wait_for_selector(".field-error")  # the form comes back: not the click alone
    assert student.locator(".field-error").count() >= 1
    assert student.input_value("#display_name") == "하늘"  # kept
    student.fill("#password", PASSWORD)
    student.fill("#confirm", PASSWORD)
    student.click("main button[type=submit]")
    student.wait_for_url("**/register/sent")
    finish_sign_up(student, live_server, live_app, "haneul@example.org")
    student.check("input[name=english_level][value=A2]")
    student.check("input[name=goals][value=conversation]")
    student.check("input[name=goals][value=speech_contest]")
    student.check("input[name=interests][value=music]")
    student.check("input[name=format][value=online]")
    student.fill("#contact", "KakaoTalk: haneul22")
    drag(student, slot(0, "19:00"), slot(0, "21:30"))  # Monday 19:00-22:00
    drag(student, slot(2, "19:00"), slot(2, "21:30"))  # Wednesday 19:00-22:00
    assert student.locator("input[name=availability]:checked").count() == 12
    screenshot(student, "student-profile-ko")
    student.click("form.profile button[type=submit]")
    student.wait_for_url("**/profile")
    assert student.locator(".flash-success").count() == 1

    # A volunteer in Los Angeles registers; her zone is guessed from the browser.
    volunteer = page_factory(locale="en-US", timezone="America/Los_Angeles")
    volunteer.goto(f"{live_server}/register")
    assert volunteer.input_value("#timezone") == "America/Los_Angeles"
    volunteer.check("input[name=role][value=volunteer]")
    volunteer.fill("#display_name", "Laura")
    volunteer.fill("#email", "laura@example.org")
    volunteer.fill("#password", PASSWORD)
    volunteer.fill("#confirm", PASSWORD)
    volunteer.click("main button[type=submit]")
    volunteer.wait_for_url("**/register/sent")
    finish_sign_up(volunteer, live_server, live_app, "laura@example.org")
    volunteer.check("input[name=experience][value=teacher]")
    volunteer.check("input[name=korean_level][value=basic]")
    volunteer.check("input[name=goals][value=conversation]")
    volunteer.check("input[name=format][value=online]")
    volunteer.fill("#contact", "laura@example.org")
    volunteer.click("form.profile button[type=submit]")  # no availability yet
    assert "Tick at least 2 hours a week" in volunteer.locator(".availability").inner_text()
    for day in (0, 2):  # Monday and Wednesday 02:00-06:00 (Seoul evenings)
        for hhmm in ("02:00", "02:30", "03:00", "03:30", "04:00", "04:30", "05:00", "05:30"):
            volunteer.locator(f"input[name=availability][value='{slot(day, hhmm)}']").locator(
                ".."
            ).click()
    volunteer.click("form.profile button[type=submit]")
    volunteer.wait_for_url("**/profile")
    assert "Your profile is complete" in volunteer.inner_text("main")

    # The coordinator sees both complete and approves them together.
    coordinator.goto(f"{live_server}/terms/1")
    assert coordinator.locator(".badge.ok").count() == 2
    for box in coordinator.locator("input[name=enrollment_ids][form=bulk]").all():
        box.check()
    coordinator.select_option("select[name=action]", "approved")
    coordinator.click("#bulk button[type=submit]")
    coordinator.wait_for_load_state()
    screenshot(coordinator, "coordinator-term")
    with live_app.app_context():
        statuses = db.session.scalars(select(Enrollment.status)).all()
        zones = dict(db.session.execute(select(User.display_name, User.timezone)).all())
    assert statuses == ["approved", "approved"]
    assert zones["Laura"] == "America/Los_Angeles" and zones["하늘"] == "Asia/Seoul"


def test_match_publish_and_see_partner(live_server, live_app, page_factory):
    with live_app.app_context():
        logins = demo.load_demo(dt.date.today(), students=12, volunteers=12, seed=7)
        db.session.commit()
        term_id = logins.term.id

    coordinator = page_factory()
    coordinator.goto(f"{live_server}/login")
    coordinator.fill("#email", logins.coordinator)
    coordinator.fill("#password", logins.password)
    coordinator.click("main button[type=submit]")
    set_up_second_factor(coordinator)  # the demo's coordinator signs in for the first time
    coordinator.goto(f"{live_server}/terms/{term_id}")
    coordinator.click("text=Run round")
    coordinator.wait_for_url(f"**/terms/{term_id}/rounds/1")
    assert coordinator.locator("svg.chart").count() == 1
    locked = coordinator.locator(".tag:has-text('locked')").count()  # continuing pairs
    coordinator.locator("tr[id^=pair-] button:has-text('Lock')").first.click()
    coordinator.wait_for_load_state()
    assert coordinator.locator(".tag:has-text('locked')").count() == locked + 1
    coordinator.on("dialog", lambda dialog: dialog.accept())
    coordinator.click("text=Publish this round")
    coordinator.wait_for_url(f"**/terms/{term_id}/pairs")
    assert "is published" in coordinator.inner_text(".flash-success")
    screenshot(coordinator, "coordinator-published")

    with live_app.app_context():
        pair = db.session.scalars(select(Pair).order_by(Pair.id)).first()
        volunteer_email = db.session.get(User, pair.volunteer_id).email
        student_name = db.session.get(User, pair.student_id).display_name
        outsider = db.session.scalars(
            select(User).where(
                User.role == "volunteer",
                User.id.not_in(select(Pair.volunteer_id).where(Pair.term_id == term_id)),
            )
        ).first()

    volunteer = page_factory(timezone="America/New_York")
    volunteer.goto(f"{live_server}/login")
    volunteer.fill("#email", volunteer_email)
    volunteer.fill("#password", logins.password)
    volunteer.click("main button[type=submit]")
    volunteer.goto(f"{live_server}/my-pair")
    assert student_name in volunteer.inner_text("main")
    assert "Your common time each week" in volunteer.inner_text("main")
    screenshot(volunteer, "volunteer-my-pair")

    if outsider is not None:
        other = page_factory()
        other.goto(f"{live_server}/login")
        other.fill("#email", outsider.email)
        other.fill("#password", logins.password)
        other.click("main button[type=submit]")
        other.goto(f"{live_server}/my-pair")
        assert "Your partner is not ready yet" in other.inner_text("main")
        response = other.request.get(f"{live_server}/terms/{term_id}/pairs")
        assert response.status == 403
