"""The coordinator's tools for a cohort, through the pages: the people table's search,
filters, pages and bulk bar; the reminder email; labels that tell namesakes apart; one open
term; applying to the next term in one click."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from matcher import mail
from matcher.extensions import db
from matcher.models import Enrollment, Notification, Term
from matcher.services import people
from tests.helpers import run_form


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


@pytest.fixture
def sent(app):
    """The emails the locmem backend keeps, emptied first."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


def rows_of(page: str) -> list[str]:
    """The people table's rows (each starts with a bare <tr>)."""
    table = page.split('class="data people"', 1)[1].split("</table>", 1)[0]
    return table.split("<tr>")[2:]


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_search_and_filters_on_the_term_page(client, signed_in, make_term, make_user):
    term = make_term()
    mirae = make_user("student", term=term, display_name="Mirae", city="Seoul")
    make_user("student", term=term, display_name="Half Park", complete=False)
    make_user("volunteer", term=term, display_name="Sam", status="approved")
    page = client.get(f"/terms/{term.id}?q=%23{mirae.id}").get_data(as_text=True)
    assert "1 person matches." in page
    (row,) = rows_of(page)
    assert f"Mirae · #{mirae.id} · Seoul" in row
    page = client.get(f"/terms/{term.id}?show=incomplete").get_data(as_text=True)
    assert [("Half Park" in r) for r in rows_of(page)] == [True]
    page = client.get(f"/terms/{term.id}?role=volunteer&status=approved").get_data(as_text=True)
    assert "1 person matches." in page and "Sam" in rows_of(page)[0]
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert "3 people match." in page


@pytest.mark.parametrize(
    "query", ["role=coordinator", "show=everything", "q=" + "a" * 300, "page=0&show=everything"]
)
def test_bad_filters_say_what_to_fix(client, signed_in, make_term, make_user, query):
    term = make_term()
    make_user("student", term=term, display_name="Hidden Han")
    response = client.get(f"/terms/{term.id}?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Correct the filters above to see the people." in page
    assert "Hidden Han" not in page


@pytest.mark.parametrize("page_number", ["0", "abc", "-2"])
def test_a_bad_page_number_says_so_and_links_to_the_first_page(
    client, signed_in, make_term, make_user, page_number
):
    """A page number typed into the address said "Correct the filters above", and nothing above
    was marked."""
    term = make_term()
    make_user("student", term=term, display_name="Hidden Han")
    page = client.get(f"/terms/{term.id}?role=student&page={page_number}").get_data(as_text=True)
    assert "This list has no such page." in page
    assert "Correct the filters above" not in page and "Hidden Han" not in page
    assert f'href="/terms/{term.id}?role=student#people">Go to the first page</a>' in page


def test_select_all_matching_reaches_every_page(client, signed_in, make_term, make_user):
    term = make_term()
    wanted = [make_user("student", term=term, complete=False) for _ in range(people.PER_PAGE + 3)]
    complete = make_user("student", term=term)
    page = client.get(f"/terms/{term.id}?show=incomplete").get_data(as_text=True)
    assert len(rows_of(page)) == people.PER_PAGE
    assert f"or with everyone who matches ({len(wanted)}), on every page" in page
    assert "Page 1 of 2" in page
    form = {"all_matching": "y", "show": "incomplete", "action": "approved"}
    response = client.post(f"/terms/{term.id}/enrollments", data=form, follow_redirects=True)
    assert f"{len(wanted)} people updated." in response.get_data(as_text=True)
    assert response.request.args.get("show") == "incomplete"  # back to the same filters
    db.session.expire_all()
    assert count(Enrollment, Enrollment.status == "approved") == len(wanted)
    assert complete.enrollments[0].status == "applied"
    second = client.get(f"/terms/{term.id}?show=incomplete&page=2").get_data(as_text=True)
    assert len(rows_of(second)) == 3


def test_ticked_people_only_without_the_flag(client, signed_in, make_term, make_user):
    term = make_term()
    chosen, other = make_user("student", term=term), make_user("student", term=term)
    data = {"enrollment_ids": [chosen.enrollments[0].id], "action": "approved"}
    client.post(f"/terms/{term.id}/enrollments", data=data)
    db.session.expire_all()
    assert (chosen.enrollments[0].status, other.enrollments[0].status) == ("approved", "applied")


@pytest.mark.parametrize(
    "data",
    [
        {"all_matching": "y", "q": "nobody at all", "action": "approved"},
        {"all_matching": "y", "role": "coordinator", "action": "approved"},
        {"all_matching": "y", "action": "explode"},
        {"action": "remind"},  # nobody ticked
    ],
)
def test_refused_bulk_requests_write_nothing(client, signed_in, make_term, make_user, data):
    term = make_term()
    make_user("student", term=term, complete=False)
    response = client.post(f"/terms/{term.id}/enrollments", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert {e.status for e in db.session.scalars(select(Enrollment))} == {"applied"}
    assert count(Notification) == 0


def test_remind_sends_only_what_the_profile_lacks(client, signed_in, make_term, make_user, sent):
    term = make_term(name="Secret Spring")
    half = make_user(
        "student", term=term, display_name="Half Park", complete=False, goals=["academic"]
    )
    done = make_user("student", term=term, display_name="Done Kim")
    ids = [half.enrollments[0].id, done.enrollments[0].id]
    page = client.post(
        f"/terms/{term.id}/enrollments",
        data={"enrollment_ids": ids, "action": "remind"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 reminder will be sent." in page and "1 person was left out" in page
    assert mail.send_due() == mail.Delivery(1, 0)
    (message,) = sent
    assert message.to == [half.email]
    listed = re.findall(r"^- (.*)$", message.body, re.MULTILINE)
    assert listed == [
        "how you want to meet",
        "contact to share",
        "English level",
        "at least 2 hours of availability",
    ]
    assert "goals" not in message.body  # what is there is not listed
    for word in ("Half Park", "Done Kim", "Secret Spring", done.email):
        assert word not in message.body + message.subject
    assert "/profile" in message.body


def test_the_reminder_is_in_korean_for_korean_users(client, signed_in, make_term, make_user, sent):
    term = make_term()
    student = make_user("student", term=term, locale="ko", complete=False, goals=["academic"])
    data = {"enrollment_ids": [student.enrollments[0].id], "action": "remind"}
    client.post(f"/terms/{term.id}/enrollments", data=data)
    mail.send_due()
    (message,) = sent
    listed = re.findall(r"^- (.*)$", message.body, re.MULTILINE)
    assert listed == ["만나는 방법", "알려 줄 연락처", "영어 수준", "가능한 시간 2시간 이상"]
    assert "프로필" in message.subject and "English" not in message.body


def test_namesakes_are_told_apart_on_the_coordinator_pages(client, signed_in, make_term, make_user):
    term = make_term()
    first = make_user("student", term=term, status="approved", display_name="Mirae")
    second = make_user("student", term=term, status="approved", display_name="Mirae", city="Busan")
    make_user("volunteer", term=term, status="approved", display_name="Sam", timezone="Asia/Seoul")
    labels = {f"Mirae · #{first.id} · Seoul", f"Mirae · #{second.id} · Busan"}
    table = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert all(label in table for label in labels)
    assert client.post(f"/terms/{term.id}/rounds", data=run_form()).status_code == 302
    review = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    assert all(label in review for label in labels)
    # The paired one is in the swap drop-downs, the unmatched one in "pair by hand".
    for user in (first, second):
        label = f"Mirae · #{user.id} · {'Seoul' if user == first else 'Busan'}"
        assert re.search(f'<option value="{user.id}"( selected)?>{re.escape(label)}', review)
    person = client.get(f"/terms/{term.id}/people/{second.enrollments[0].id}").get_data(
        as_text=True
    )
    assert f"<title>Mirae · #{second.id} · Busan" in person


def test_a_second_open_term_is_refused_by_name(client, signed_in, make_term):
    make_term(name="Spring 2099")
    draft = make_term(name="Autumn 2099", status="draft")
    page = client.post(
        f"/terms/{draft.id}/status", data={"status": "open"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Spring 2099 is open for applications already" in page
    db.session.expire_all()
    assert db.session.get(Term, draft.id).status == "draft"


def test_registration_says_which_term(client, make_term, coordinator):
    make_term(name="Spring 2099")
    assert "You are applying for Spring 2099" in client.get("/register").get_data(as_text=True)


def test_apply_to_the_next_term_in_one_click(client, auth, make_term, make_user):
    past = make_term(name="Past term", status="closed")
    student = make_user("student", term=past)
    upcoming = make_term(name="Next term")
    auth.login(student)
    account = client.get("/account").get_data(as_text=True)
    assert "Apply for Next term" in account and 'id="apply-next"' in account
    response = client.post(f"/terms/{upcoming.id}/apply", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'id="carried-over"' in page and "Next term" in page
    db.session.expire_all()
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.term_id == upcoming.id, Enrollment.user_id == student.id
        )
    )
    assert enrollment.status == "applied"
    assert 'id="apply-next"' not in client.get("/account").get_data(as_text=True)


def test_newcomers_see_no_one_click_application(client, auth, make_term, make_user):
    make_term(name="Next term")
    auth.login(make_user("student"))
    assert 'id="apply-next"' not in client.get("/account").get_data(as_text=True)
