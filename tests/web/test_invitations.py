"""Invitations of imported people: their state on the term's page, sending and re-sending,
and the single-use link that lets a person choose a password, accept the terms and
confirm the profile; a used, expired or altered link signs nobody in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from matcher import mail
from matcher.extensions import db
from matcher.models import EmailToken, Notification, NotificationKind, User
from matcher.models.base import utcnow
from matcher.sample import generate_people
from matcher.services import invitations
from matcher.services.invitations import InvitationState
from tests.helpers import confirm_import as confirm
from tests.helpers import roster_csv
from tests.helpers import upload_roster as upload

STUDENTS, VOLUNTEERS = generate_people(4, 2, seed=11)
NEW_PASSWORD = "a long new password"


@pytest.fixture
def outbox(app):
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


@pytest.fixture
def imported(client, auth, coordinator, make_term):
    """A term with 4 students and 2 volunteers imported; the coordinator signed in."""
    auth.login(coordinator)
    term = make_term(name="Spring 2099")
    preview = upload(client, term, roster_csv(STUDENTS).encode(), roster_csv(VOLUNTEERS).encode())
    confirm(client, term, preview)
    people = db.session.scalars(select(User).where(User.role != "coordinator")).all()
    return term, people


def link_in(message) -> str:
    found = re.search(r"https?://\S+/invitation/(\S+)", message.body)
    assert found, message.body
    return "/invitation/" + found.group(1)


def states(term):
    return invitations.states(term, now=utcnow())


def test_send_invitations_in_each_language_without_personal_data(
    client, imported, outbox, coordinator
):
    term, people = imported
    assert set(states(term).values()) == {InvitationState.NOT_SENT}
    page = client.get(f"/terms/{term.id}")
    assert 'id="invitations-not_sent">6<' in page.text
    client.post(f"/terms/{term.id}/invitations")
    assert set(states(term).values()) == {InvitationState.SENT}
    assert mail.send_due() == mail.Delivery(6, 0)
    assert len(outbox) == 6
    for message in outbox:
        (person,) = [p for p in people if p.email == message.to[0]]
        text = message.subject + message.body
        if person.locale == "ko":
            assert re.search("[가-힣]{4}", message.body)
        for detail in (term.name, person.display_name, coordinator.display_name, "password:"):
            assert detail not in text
        assert link_in(message)
    # Sending again sends nobody: all have had theirs.
    client.post(f"/terms/{term.id}/invitations")
    assert mail.send_due() == mail.Delivery(0, 0)


def test_accepting_sets_a_password_confirms_the_address_and_the_profile(
    app, client, imported, outbox, auth
):
    term, people = imported
    client.post(f"/terms/{term.id}/invitations")
    mail.send_due()
    korean = next(p for p in people if p.locale == "ko" and p.role == "student")
    message = next(m for m in outbox if m.to[0] == korean.email)
    link = link_in(message)
    auth.logout()
    page = client.get(link)
    assert page.status_code == 200 and "비밀번호" in page.text  # in her language
    refused = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 200 and client.get("/profile").status_code == 302
    done = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "accept_terms": "y"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/profile")
    db.session.expire_all()
    person = db.session.get(User, korean.id)
    assert person.password_hash and person.email_confirmed_at and person.terms_accepted_at
    assert states(term)[person.id] == InvitationState.ACCEPTED
    profile_page = client.get("/profile")
    assert 'id="import-banner"' in profile_page.text
    client.post("/profile/confirm-import")
    db.session.expire_all()
    assert not db.session.get(User, person.id).profile.from_import
    assert 'id="import-banner"' not in client.get("/profile").text
    # The link works once: used, it says so and signs nobody in.
    auth.logout()
    again = client.get(link)
    assert again.status_code == 410 and "이미 사용되었습니다" in again.text  # her language
    client.post(link, data={"password": "another password!", "confirm": "another password!"})
    assert client.get("/profile").status_code == 302
    assert auth.login(person, NEW_PASSWORD).status_code == 302


def test_an_expired_link_and_re_sending(client, imported, outbox, auth, coordinator):
    term, people = imported
    client.post(f"/terms/{term.id}/invitations")
    mail.send_due()
    person = people[0]
    link = link_in(next(m for m in outbox if m.to[0] == person.email))
    db.session.execute(
        update(EmailToken)
        .where(EmailToken.user_id == person.id)
        .values(expires_at=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    assert states(term)[person.id] == InvitationState.EXPIRED
    assert 'id="invitations-expired">1<' in client.get(f"/terms/{term.id}").text
    auth.logout()
    expired = client.get(link)
    assert expired.status_code == 410 and "expired" in expired.text
    assert "coordinators" in expired.text  # how to get a new one
    posted = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "accept_terms": "y"}
    )
    assert posted.status_code == 410 and client.get("/profile").status_code == 302
    auth.login(coordinator)
    outbox.clear()
    client.post(f"/terms/{term.id}/invitations/expired")
    assert states(term)[person.id] == InvitationState.SENT
    assert mail.send_due() == mail.Delivery(1, 0)
    fresh = link_in(outbox[0])
    assert fresh != link
    assert client.get(fresh).status_code == 200
    # Re-sending one person: their earlier link stops working.
    outbox.clear()
    client.post(f"/terms/{term.id}/invitations/{person.id}")
    mail.send_due()
    assert client.get(fresh).status_code == 410
    assert client.get(link_in(outbox[0])).status_code == 200


def test_an_altered_link_signs_nobody_in(client, imported, outbox, auth):
    term, _people = imported
    client.post(f"/terms/{term.id}/invitations")
    mail.send_due()
    link = link_in(outbox[0])
    auth.logout()
    for altered in (link[:-1] + ("A" if link[-1] != "A" else "B"), "/invitation/x"):
        page = client.get(altered)
        assert page.status_code == 404 and "not valid" in page.text
        client.post(
            altered, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "accept_terms": "y"}
        )
        assert client.get("/profile").status_code == 302


def test_an_accepted_invitation_cannot_be_re_sent(client, imported, outbox, auth, coordinator):
    term, people = imported
    client.post(f"/terms/{term.id}/invitations")
    mail.send_due()
    person = people[0]
    link = link_in(next(m for m in outbox if m.to[0] == person.email))
    auth.logout()
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "accept_terms": "y"})
    auth.logout()
    auth.login(coordinator)
    page = client.post(f"/terms/{term.id}/invitations/{person.id}", follow_redirects=True)
    assert "already accepted" in page.text
    assert (
        db.session.scalar(
            select(Notification.sent_at).where(
                Notification.user_id == person.id, Notification.kind == NotificationKind.INVITATION
            )
        )
        is not None
    )


def test_people_who_registered_themselves_have_no_invitation(client, imported, make_user):
    term, _people = imported
    someone = make_user("student", term=term)
    assert someone.id not in states(term)
