"""People who signed up at /register and have not followed the emailed link yet, as the
coordinator reads them: a marker in the people table and on the person page, a filter and
its count, no Approve button, and bulk actions and reminders that leave them out and say
so, in English and in Korean."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher import mail
from matcher.extensions import db
from matcher.models import Enrollment, Notification, User
from tests.helpers import PASSWORD, link_in

MARKER = "Email not confirmed"
EXPLANATION = "They signed up but have not followed the link we emailed; they cannot sign in yet."


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


def unconfirmed(user):
    """`user` as a sign-up that was never confirmed (as accounts.register makes one)."""
    user.email_confirmed_at = None
    db.session.commit()
    return user


def rows_of(page: str) -> dict[str, str]:
    """The people table's rows by the display name in their link."""
    if 'class="data people"' not in page:
        return {}
    table = page.split('class="data people"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]
    return {re.search(r'/people/\d+">([^<·]+) ·', row).group(1).strip(): row for row in rows}


def by_id(page: str, element_id: str) -> str:
    """The element with this id, up to its first closing </p>."""
    return page.split(f'id="{element_id}"', 1)[1].split("</p>", 1)[0]


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split(">", 1)[1])


def term_page(client, term, query=""):
    return client.get(f"/terms/{term.id}{query}").get_data(as_text=True)


def approves(row: str) -> bool:
    return 'value="approved"' in row


def test_a_sign_up_is_marked_until_they_follow_the_link(app, client, signed_in, make_term, sent):
    term = make_term()
    stranger = app.test_client()
    form = {
        "term_id": str(term.id),
        "role": "student",
        "display_name": "Haneul",
        "email": "haneul@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "timezone": "Asia/Seoul",
    }
    assert stranger.post("/register", data=form).status_code == 302

    page = term_page(client, term)
    row = rows_of(page)["Haneul"]
    assert MARKER in row and not approves(row) and 'value="withdrawn"' in row
    assert EXPLANATION in by_id(page, "unconfirmed-help")
    assert "1 person counted above has not confirmed" in by_id(page, "unconfirmed-count")
    assert "1 person matches." in term_page(client, term, "?show=unconfirmed")
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.term_id == term.id))
    person = client.get(f"/terms/{term.id}/people/{enrollment.id}").get_data(as_text=True)
    assert EXPLANATION in by_id(person, "unconfirmed")
    actions = person.split('class="inline person-actions"', 1)[1].split("</form>", 1)[0]
    assert not approves(actions) and 'value="withdrawn"' in actions

    # They follow the emailed link: the marker goes, Approve comes back.
    mail.send_due()
    (message,) = [m for m in sent if m.to == ["haneul@example.org"]]
    path = link_in(message.body, "/sign-up/")
    assert stranger.post(path, data={"password": PASSWORD}).status_code == 302
    page = term_page(client, term)
    row = rows_of(page)["Haneul"]
    assert MARKER not in row and approves(row)
    assert 'id="unconfirmed-help"' not in page and 'id="unconfirmed-count"' not in page
    assert "0 people match." in term_page(client, term, "?show=unconfirmed")
    person = client.get(f"/terms/{term.id}/people/{enrollment.id}").get_data(as_text=True)
    assert 'id="unconfirmed"' not in person and MARKER not in person


def test_the_filter_and_its_count_add_up_with_the_status_table(
    client, signed_in, make_term, make_user
):
    term = make_term()
    make_user("student", term=term, display_name="Mirae")
    make_user("student", term=term, display_name="Bora", status="approved")
    unconfirmed(make_user("student", term=term, display_name="Una", complete=False))
    unconfirmed(
        make_user("volunteer", term=term, display_name="Victor", status="withdrawn", complete=False)
    )
    imported = make_user("student", term=term, display_name="Ines", complete=False)
    imported.password_hash = imported.email_confirmed_at = None  # as a roster import makes them
    db.session.commit()

    page = term_page(client, term)
    table = page.split('class="data compact counts"', 1)[1].split("</table>", 1)[0]
    in_table = sum(int(n) for n in re.findall(r"<td>(\d+)</td>", table))
    assert in_table == 5 and "5 people match." in page
    assert "2 people counted above have not confirmed" in by_id(page, "unconfirmed-count")
    assert f'href="/terms/{term.id}?show=unconfirmed#people"' in by_id(page, "unconfirmed-count")
    assert {name for name, row in rows_of(page).items() if MARKER in row} == {"Una", "Victor"}

    filtered = term_page(client, term, "?show=unconfirmed")
    assert "2 people match." in filtered and set(rows_of(filtered)) == {"Una", "Victor"}
    assert "1 person matches." in term_page(client, term, "?show=unconfirmed&role=volunteer")
    not_accepted = term_page(client, term, "?show=not_accepted")
    assert set(rows_of(not_accepted)) == {"Ines"} and MARKER not in rows_of(not_accepted)["Ines"]


def flashes(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text)
        for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.S)
    ]


def statuses():
    db.session.expire_all()
    return {e.user.display_name: e.status for e in db.session.scalars(select(Enrollment))}


def test_approving_everyone_leaves_the_unconfirmed_out_and_says_so(
    client, signed_in, make_term, make_user
):
    term = make_term()
    make_user("student", term=term, display_name="Mirae")
    make_user("volunteer", term=term, display_name="Sam")
    una = unconfirmed(make_user("student", term=term, display_name="Una", complete=False))
    form = {"all_matching": "y", "action": "approved"}
    page = client.post(f"/terms/{term.id}/enrollments", data=form, follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == [
        "2 people updated.",
        "1 person was not approved: they have not confirmed their email address yet, "
        "so they cannot sign in.",
    ]
    assert statuses() == {"Mirae": "approved", "Sam": "approved", "Una": "applied"}

    # Her own row's button is gone; a request made anyway is refused and changes nothing.
    one = {"enrollment_ids": [una.enrollments[0].id], "action": "approved"}
    page = client.post(f"/terms/{term.id}/enrollments", data=one, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="flash flash-error"' in text
    assert "Not approved: they have not confirmed their email address yet" in flashes(text)[0]
    assert statuses()["Una"] == "applied"


def test_a_reminder_skips_the_unconfirmed_and_says_why(
    client, signed_in, make_term, make_user, sent
):
    term = make_term()
    half = make_user("student", term=term, display_name="Half", complete=False)
    done = make_user("student", term=term, display_name="Done")
    una = unconfirmed(make_user("student", term=term, display_name="Una", complete=False))
    ids = [person.enrollments[0].id for person in (half, done, una)]
    page = client.post(
        f"/terms/{term.id}/enrollments",
        data={"enrollment_ids": ids, "action": "remind"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert flashes(page) == [
        "1 reminder will be sent.",
        "1 person was left out: a complete profile, withdrawn, or an invitation not accepted yet.",
        "1 person was left out: they have not confirmed their email address yet, so they cannot "
        "sign in to complete their profile.",
    ]
    mail.send_due()
    assert [m.to for m in sent] == [[half.email]]

    only_una = {"enrollment_ids": [una.enrollments[0].id], "action": "remind"}
    page = client.post(f"/terms/{term.id}/enrollments", data=only_una, follow_redirects=True)
    (refusal,) = flashes(page.get_data(as_text=True))
    assert refusal.startswith("Nobody to remind: the people you chose who lack something")
    assert db.session.scalar(select(Notification).where(Notification.user_id == una.id)) is None


HANGUL = re.compile(r"[가-힣]")
LATIN = re.compile(r"[A-Za-z]")


def korean_only(html: str) -> None:
    text = text_of(html)
    assert HANGUL.search(text) and not LATIN.search(text), text


def test_the_marker_filter_and_refusals_read_in_korean(client, auth, make_term, make_user):
    coordinator = make_user("coordinator", display_name="코디", locale="ko")
    auth.login(coordinator)
    term = make_term()
    make_user("student", term=term, display_name="Mirae")
    una = unconfirmed(make_user("student", term=term, display_name="Una", complete=False))

    page = term_page(client, term)
    assert "이메일 미확인" in rows_of(page)["Una"] and MARKER not in page
    korean_only(by_id(page, "unconfirmed-help"))
    korean_only(by_id(page, "unconfirmed-count"))
    assert "이메일 미확인</option>" in page
    assert "1명이 검색되었습니다." in term_page(client, term, "?show=unconfirmed")
    person = client.get(f"/terms/{term.id}/people/{una.enrollments[0].id}")
    korean_only(by_id(person.get_data(as_text=True), "unconfirmed"))

    everyone = {"all_matching": "y", "action": "approved"}
    page = client.post(f"/terms/{term.id}/enrollments", data=everyone, follow_redirects=True)
    for message in flashes(page.get_data(as_text=True)):
        korean_only(">" + message)
    for action in ("approved", "remind"):
        one = {"enrollment_ids": [una.enrollments[0].id], "action": action}
        page = client.post(f"/terms/{term.id}/enrollments", data=one, follow_redirects=True)
        (refusal,) = flashes(page.get_data(as_text=True))
        korean_only(">" + refusal)
    assert db.session.get(User, una.id).enrollments[0].status == "applied"
