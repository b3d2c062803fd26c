"""The availability grid by keyboard only, by touch, and without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User
from matcher.services import demo
from tests.browser.seeded import PHONE, phone_page, sign_in
from tests.helpers import screenshot

pytestmark = pytest.mark.browser

MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4
CHOSEN = ".availability-chosen [data-availability-chosen]"
HELP = "[data-availability-help]"


def slot(day: int, hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return day * 48 + hours * 2 + minutes // 30


def week(*ranges: tuple[int, str, str]) -> str:
    on = {s for day, a, b in ranges for s in range(slot(day, a), slot(day, b))}
    return "".join("1" if s in on else "0" for s in range(7 * 48))


@pytest.fixture
def student(live_app, request) -> tuple[str, str]:
    """A student whose week is Mon 19:00-21:00 and Thu 20:00-22:30, in English or Korean."""
    with live_app.app_context():
        logins = demo.load_demo(dt.date.today(), students=2, volunteers=2, seed=3)
        user = db.session.scalar(select(User).where(User.email == logins.student))
        user.locale = getattr(request, "param", "en")
        user.student_profile.availability = week((MON, "19:00", "21:00"), (THU, "20:00", "22:30"))
        db.session.commit()
        return logins.student, logins.password


def set_week(live_app, email: str, availability: str) -> None:
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.student_profile.availability = availability
        db.session.commit()


def saved_week(live_app, email: str) -> str:
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user.student_profile.availability


def box(page, day: int, hhmm: str):
    return page.locator(f"input[name=availability][value='{slot(day, hhmm)}']")


def focused_slot(page) -> str | None:
    return page.evaluate(
        "() => document.activeElement.name === 'availability' ? document.activeElement.value : null"
    )


def assert_opens_at(page, value: int) -> None:
    """The grid opens with this box's row first under the header, or scrolled as far as it goes."""
    offset, at_end = page.evaluate(
        """(value) => {
          const scroller = document.querySelector('.grid-scroll');
          const head = scroller.querySelector('thead th').getBoundingClientRect();  // sticky
          const row = scroller.querySelector(`input[value="${value}"]`).closest('tr');
          const end = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
          return [Math.round(row.getBoundingClientRect().top - head.bottom), end];
        }""",
        value,
    )
    assert abs(offset) <= 1 or (offset > 0 and at_end), (offset, at_end)  # 1 px: borders


def test_grid_by_keyboard_only(live_server, live_app, page_factory, student):
    email, password = student
    page = page_factory()
    sign_in(page, live_server, email, password)
    page.goto(f"{live_server}/profile")
    assert page.inner_text(CHOSEN) == "Mon 19:00–21:00, Thu 20:00–22:30"
    assert_opens_at(page, slot(MON, "19:00"))
    assert page.locator(".availability-grid input[tabindex='0']").count() == 1

    page.focus("#timezone")
    page.keyboard.press("Tab")  # one Tab into the grid, on the first chosen time
    assert focused_slot(page) == str(slot(MON, "19:00"))
    assert "Arrow keys move" in page.inner_text(HELP)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert focused_slot(page) == str(slot(MON, "18:00"))
    page.keyboard.press("Space")
    assert page.inner_text(CHOSEN) == "Mon 18:00–18:30, Mon 19:00–21:00, Thu 20:00–22:30"
    page.keyboard.press("Shift+ArrowDown")  # 18:30 takes the state of 18:00: on
    assert page.inner_text(CHOSEN) == "Mon 18:00–21:00, Thu 20:00–22:30"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused_slot(page) == str(slot(THU, "19:30"))
    page.keyboard.press("Shift+ArrowDown")  # Thu 20:00 takes the state of 19:30: off
    assert page.inner_text(CHOSEN) == "Mon 18:00–21:00, Thu 20:30–22:30"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")  # Wed 20:30 on
    page.keyboard.press("Shift+ArrowRight")  # Thu 20:30 stays on
    page.keyboard.press("Shift+ArrowRight")  # Fri 20:30 on, like Thu
    page.keyboard.press("Shift+ArrowLeft")  # back on Thu
    expected = "Mon 18:00–21:00, Wed 20:30–21:00, Thu 20:30–22:30, Fri 20:30–21:00"
    assert page.inner_text(CHOSEN) == expected
    page.keyboard.press("Home")
    assert focused_slot(page) == str(slot(MON, "20:30"))

    page.keyboard.press("Tab")  # one Tab out of the grid
    assert focused_slot(page) is None
    page.keyboard.press("Shift+Tab")  # and back to the box left last
    assert focused_slot(page) == str(slot(MON, "20:30"))
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the next stop is the Save button
    assert page.locator(".flash-success").count() == 1
    assert page.inner_text(CHOSEN) == expected  # the server says it in the same words
    assert saved_week(live_app, email) == week(
        (MON, "18:00", "21:00"),
        (WED, "20:30", "21:00"),
        (THU, "20:30", "22:30"),
        (FRI, "20:30", "21:00"),
    )


def touch_drag(page, start, end, steps: int = 6) -> None:
    """Slide a finger from one box to another, as a phone's touch screen reports it."""
    start.scroll_into_view_if_needed()
    session = page.context.new_cdp_session(page)
    a, b = start.bounding_box(), end.bounding_box()
    x0, y0 = a["x"] + a["width"] / 2, a["y"] + a["height"] / 2
    x1, y1 = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    session.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    for i in range(1, steps + 1):
        point = {"x": x0 + (x1 - x0) * i / steps, "y": y0 + (y1 - y0) * i / steps}
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


@pytest.mark.parametrize("student", ["ko"], indirect=True)
def test_grid_by_touch_on_a_phone(live_server, live_app, browser, student):
    email, password = student
    page = phone_page(browser, locale="ko-KR")
    sign_in(page, live_server, email, password)
    page.goto(f"{live_server}/profile")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    help_text = page.inner_text(HELP)
    assert "손가락" in help_text and "마우스" not in help_text  # finger, not mouse
    assert page.inner_text(CHOSEN) == "월 19:00–21:00, 목 20:00–22:30"

    box(page, MON, "21:00").locator("..").tap()
    assert box(page, MON, "21:00").is_checked()
    box(page, MON, "19:00").locator("..").tap()
    assert not box(page, MON, "19:00").is_checked()
    assert page.inner_text(CHOSEN) == "월 19:30–21:30, 목 20:00–22:30"
    box(page, MON, "19:00").locator("..").tap()

    scroller = page.locator(".grid-scroll")
    top = scroller.evaluate("el => el.scrollTop")
    touch_drag(page, box(page, TUE, "19:00").locator(".."), box(page, TUE, "20:30").locator(".."))
    assert scroller.evaluate("el => el.scrollTop") == top  # the finger marked, not scrolled
    assert page.inner_text(CHOSEN) == "월 19:00–21:30, 화 19:00–21:00, 목 20:00–22:30"
    assert page.inner_text(HELP) == help_text  # still the words for a finger
    # A click, not a tap: emulated Chromium sometimes drops the click of a tap that follows a
    # touch drag within a few milliseconds, which no finger is fast enough to do.
    with page.expect_navigation():
        page.click("form.profile button[type=submit]")
    assert page.locator(".flash-success").count() == 1
    screenshot(page, "phone-student-profile-ko")  # not before a tap: it resizes the page
    assert saved_week(live_app, email) == week(
        (MON, "19:00", "21:30"), (TUE, "19:00", "21:00"), (THU, "20:00", "22:30")
    )
    page.context.close()


def test_grid_opens_at_the_first_choice(live_server, live_app, page_factory, student):
    email, password = student
    set_week(live_app, email, week((TUE, "09:00", "10:00"), (6, "07:30", "08:00")))
    page = page_factory()
    sign_in(page, live_server, email, password)
    page.goto(f"{live_server}/profile")
    assert page.inner_text(CHOSEN) == "Tue 09:00–10:00, Sun 07:30–08:00"
    top = page.locator(".grid-scroll").evaluate("el => el.scrollTop")
    assert top > 0
    assert_opens_at(page, slot(6, "07:30"))
    page.focus("#timezone")
    page.keyboard.press("Tab")
    assert focused_slot(page) == str(slot(6, "07:30"))

    set_week(live_app, email, "0" * 7 * 48)  # nothing chosen: the morning comes first
    page.reload()
    assert page.inner_text(CHOSEN) == "None yet."
    assert_opens_at(page, slot(MON, "08:00"))
    page.focus("#timezone")
    page.keyboard.press("Tab")
    assert focused_slot(page) == str(slot(MON, "08:00"))


def test_grid_by_mouse(live_server, page_factory, student):
    page = page_factory()
    sign_in(page, live_server, *student)
    page.goto(f"{live_server}/profile")
    assert page.inner_text(HELP).startswith("Click a box")
    box(page, WED, "18:00").locator("..").click()
    assert box(page, WED, "18:00").is_checked()
    first, last = box(page, WED, "18:30").locator(".."), box(page, WED, "19:30").locator("..")
    first.scroll_into_view_if_needed()
    a, b = first.bounding_box(), last.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()
    assert page.inner_text(CHOSEN) == "Mon 19:00–21:00, Wed 18:00–20:00, Thu 20:00–22:30"
    assert page.inner_text(HELP).startswith("Click a box")
    # The keyboard goes on from the last box the mouse marked.
    assert page.evaluate("document.activeElement.value") == str(slot(WED, "19:30"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.inner_text(CHOSEN) == "Mon 19:00–21:00, Wed 18:00–20:30, Thu 20:00–22:30"


def test_grid_without_javascript(live_server, live_app, browser, student):
    email, password = student
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, email, password)
    page.goto(f"{live_server}/profile")
    assert page.inner_text(CHOSEN) == "Mon 19:00–21:00, Thu 20:00–22:30"
    assert "Tick every half hour" in page.inner_text(".availability .help")
    assert page.locator(".availability-grid input[tabindex]").count() == 0  # plain checkboxes
    box(page, WED, "07:00").check()
    box(page, MON, "19:00").uncheck()
    with page.expect_navigation():
        page.click("form.profile button[type=submit]")
    assert page.inner_text(CHOSEN) == "Mon 19:30–21:00, Wed 07:00–07:30, Thu 20:00–22:30"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
