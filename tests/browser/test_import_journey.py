"""A cohort comes in: a coordinator imports 78 students (a CP949 file with Korean names) and
78 volunteers (UTF-8 with a byte-order mark), fixes an error row, imports again and sends
the invitations; an invited student opens her link on a phone, in Korean, chooses a
password and confirms her profile."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from matcher import mail
from matcher.extensions import db
from matcher.models import Role, Term, User
from matcher.sample import generate_people
from tests.browser.seeded import PHONE, phone_page, sign_in
from tests.helpers import PASSWORD, add_person, roster_csv, screenshot, set_up_second_factor

pytestmark = pytest.mark.browser

STUDENTS, VOLUNTEERS = generate_people(78, 78, seed=2024)
NEW_PASSWORD = "우리 집 앞 은행나무"


def csv_file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": data}


def test_a_coordinator_imports_a_cohort_and_a_student_accepts_on_her_phone(
    live_server, live_app, page_factory, browser
):
    add_person(live_app, "grace@example.org")
    today = dt.date.today()
    with live_app.app_context():
        term = Term(
            name="Spring term",
            starts_on=today + dt.timedelta(days=40),
            ends_on=today + dt.timedelta(days=160),
            applications_open_on=today - dt.timedelta(days=1),
            applications_close_on=today + dt.timedelta(days=30),
            status="open",
        )
        db.session.add(term)
        db.session.commit()
        term_id = term.id

    coordinator = page_factory()
    sign_in(coordinator, live_server, "grace@example.org", PASSWORD)
    set_up_second_factor(coordinator)
    coordinator.goto(f"{live_server}/terms/{term_id}")
    coordinator.click("text=Import people from CSV files")
    coordinator.wait_for_url(f"**/terms/{term_id}/import")

    students = roster_csv(STUDENTS)
    lines = students.split("\r\n")
    lines[7] = lines[7].replace(f",{STUDENTS[6].english_level},", ",Z9,", 1)  # row 8
    broken = "\r\n".join(lines)
    assert broken != students
    volunteers = roster_csv(VOLUNTEERS).encode("utf-8-sig")
    coordinator.set_input_files("#students", csv_file("students.csv", broken.encode("cp949")))
    coordinator.set_input_files("#volunteers", csv_file("volunteers.csv", volunteers))
    coordinator.click("#import-form button[type=submit]")
    coordinator.wait_for_selector("#preview")
    assert "CP949" in coordinator.inner_text("#file-student .encoding")
    names = coordinator.inner_text("#file-student table")
    assert any(s.display_name in names for s in STUDENTS if re.search("[가-힣]", s.display_name))
    problems = coordinator.inner_text("#file-student .problems")
    assert "Row 8, column english_level" in problems and "Z9" in problems
    assert coordinator.locator("#confirm-import").count() == 0
    screenshot(coordinator, "import-preview-with-a-problem")

    # The coordinator fixes the row in the spreadsheet and uploads again.
    coordinator.set_input_files("#students", csv_file("students.csv", students.encode("cp949")))
    coordinator.set_input_files("#volunteers", csv_file("volunteers.csv", volunteers))
    coordinator.click("#import-form button[type=submit]")
    coordinator.wait_for_selector("#confirm-import")
    assert coordinator.inner_text("#count-new") == "156"
    coordinator.click("#confirm-import")
    coordinator.wait_for_url(f"**/terms/{term_id}#invitations")
    assert coordinator.inner_text("#invitations-not_sent") == "156"
    coordinator.click("#send-invitations")
    coordinator.wait_for_load_state()
    assert coordinator.inner_text("#invitations-sent") == "156"

    with live_app.app_context():
        live_app.extensions["mailman"].outbox = outbox = []
        with live_app.test_request_context():
            assert mail.send_due() == mail.Delivery(156, 0)
        assert db.session.scalar(select(func.count()).where(User.role != Role.COORDINATOR)) == 156
    chosen = next(s for s in STUDENTS if s.locale == "ko" and re.search("[가-힣]", s.display_name))
    (message,) = [m for m in outbox if m.to == [chosen.email]]
    assert re.search("[가-힣]{4}", message.body) and chosen.display_name not in message.body
    link = re.search(r"/invitation/\S+", message.body).group(0)

    student = phone_page(browser, locale="ko-KR")
    student.goto(live_server + link)
    assert student.locator("h1").inner_text().endswith("오신 것을 환영합니다")
    student.fill("#password", NEW_PASSWORD)
    student.fill("#confirm", NEW_PASSWORD)
    student.click("main button[type=submit]")  # the terms are not accepted yet
    # the page answers with the form again: wait for it, not for the click alone
    student.wait_for_selector(".field-error, .form-errors")
    assert student.locator(".field-error, .form-errors").count() >= 1
    student.fill("#password", NEW_PASSWORD)
    student.fill("#confirm", NEW_PASSWORD)
    student.check("#accept_terms")
    assert _width(student) <= PHONE["width"]
    screenshot(student, "invitation-phone-ko")
    student.click("main button[type=submit]")
    student.wait_for_url("**/profile")
    assert student.locator("#import-banner").is_visible()
    assert student.input_value("#display_name") == chosen.display_name
    assert _width(student) <= PHONE["width"]
    screenshot(student, "imported-profile-phone-ko")
    student.click("#import-banner button[type=submit]")
    student.wait_for_load_state()
    assert student.locator("#import-banner").count() == 0
    with live_app.app_context():
        person = db.session.scalar(select(User).where(User.email == chosen.email))
        assert not person.student_profile.from_import
        assert person.password_hash and person.terms_accepted_at and person.email_confirmed_at
    student.context.close()

    coordinator.reload()
    assert coordinator.inner_text("#invitations-accepted") == "1"


def _width(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))
