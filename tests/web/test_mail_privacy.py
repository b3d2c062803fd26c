"""Emails say nothing about who takes part, and nobody's address, name or password reaches
the log: every email kind rendered in English and Korean, and a whole journey at DEBUG."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from matcher import mail
from matcher.extensions import db
from matcher.models import Enrollment, NotificationKind, User
from matcher.services import outbox
from matcher.web.util import use_case
from tests.helpers import PASSWORD, body_of, link_in, run_form, smtp_server
from tests.web.test_profile import student_form, volunteer_form

SENSITIVE = ("refugee", "North Korea", "defector", "난민", "북한", "탈북")
TEMPLATES = Path(__file__).parents[2] / "templates" / "email"
# Kinds whose email is written so far (each use case adds its template with the kind's first use).
WRITTEN = [kind for kind in NotificationKind if (TEMPLATES / f"{kind.value}.txt").exists()]


def link_path(app, kind):
    """The path an email of this kind links to (a made-up token for a single-use link)."""
    urls = app.url_map.bind("localhost")
    if kind in mail.TOKEN_KINDS:
        return urls.build(mail.TOKEN_KINDS[kind].endpoint, {"token": "TOKEN"}).replace("TOKEN", "")
    return urls.build(mail.LINKS[kind])


@pytest.fixture
def mail_to(app):
    """Point the app's mail at a real SMTP server for one test."""
    state = app.extensions["mailman"]
    saved = (state.backend, state.server, state.port)

    def use(port):
        state.backend, state.server, state.port = "smtp", "127.0.0.1", port

    yield use
    state.backend, state.server, state.port = saved


@pytest.mark.parametrize("locale", ["en", "ko"])
@pytest.mark.parametrize("kind", WRITTEN)
def test_every_email_is_neutral(app, make_term, make_user, mail_to, kind, locale):
    term = make_term(name="North Korea defectors, spring")  # a coordinator's careless name
    others = [
        make_user("student", term=term, display_name="탈북 Minji", legal_name="Kim Minji"),
        make_user("volunteer", term=term, display_name="Refugee helper Laura"),
    ]
    person = make_user("student", term=term, locale=locale, display_name="Haneul")
    address = person.email
    if kind == NotificationKind.EMAIL_CHANGE:  # it goes to the new address
        person.pending_email = address = "haneul.new@example.org"
    with use_case():
        outbox.queue_email(person, kind, term_id=term.id)
    with smtp_server() as (inbox, port):
        mail_to(port)
        assert mail.send_due() == mail.Delivery(1, 0)
    (message,) = inbox.to(address)
    text = message["Subject"] + "\n" + body_of(message)
    assert app.config["PROGRAM_NAME"] in text and link_path(app, kind) in text
    if locale == "ko":
        assert re.search("[가-힣]{2}", body_of(message))
    for word in (*SENSITIVE, term.name, "spring"):
        assert word.casefold() not in text.casefold()
    for other in others:
        for detail in (other.email, other.display_name, "Minji", "Laura"):
            assert detail not in text


def test_the_program_name_comes_from_the_config(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PROGRAM_NAME", "Talk Together")
    for kind in WRITTEN:
        for locale in ("en", "ko"):
            subject, body = mail.render(kind, locale, token="t")
            assert "Talk Together" in subject and "Talk Together" in body


LAURA = {"display_name": "Laura Q", "timezone": "Asia/Seoul"}


def _journey(client, auth, term, coordinator, inbox):
    """Two people register, confirm their address from the email and fill in their
    profiles; the coordinator approves them, runs a round and publishes it; the worker
    sends the emails."""
    people = [
        ("student", "haneul.private@example.org", "하늘", student_form(display_name="하늘")),
        ("volunteer", "laura.private@example.org", "Laura Q", volunteer_form(**LAURA)),
    ]
    for role, email, name, profile in people:
        form = {"term_id": str(term.id), "role": role, "display_name": name, "email": email}
        form.update(password=PASSWORD, confirm=PASSWORD, timezone="Asia/Seoul")
        assert client.post("/register", data=form).status_code == 302
        assert mail.send_due() == mail.Delivery(1, 0)
        (message,) = inbox.to(email)
        link = link_in(body_of(message), "/sign-up/")
        assert client.post(link, data={"password": PASSWORD}).status_code == 302
        assert client.post("/profile", data=profile).status_code == 302
        auth.logout()
    auth.login(coordinator)
    ids = [str(i) for i in db.session.scalars(select(Enrollment.id))]
    client.post(f"/terms/{term.id}/enrollments", data={"enrollment_ids": ids, "action": "approved"})
    assert client.post(f"/terms/{term.id}/rounds", data=run_form()).status_code == 302
    page = client.post(f"/terms/{term.id}/rounds/1/publish", follow_redirects=True)
    assert "Round 1 is published: 1 pair." in page.get_data(as_text=True)
    return people


def test_a_whole_journey_logs_no_address_name_or_password(
    app, client, auth, make_term, coordinator, mail_to, caplog
):
    term = make_term(name="Spring 2099")
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy keeps its own level (WARNING); at INFO (echo) it logs every statement,
    # which must not carry the values. (Its DEBUG dumps result rows: a deliberate data dump.)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    with smtp_server() as (inbox, port):
        mail_to(port)
        people = _journey(client, auth, term, coordinator, inbox)
        assert mail.send_due() == mail.Delivery(2, 0)
    assert len(inbox.messages) == 4  # the sign-up links, then the partners
    assert any(r.name == "matcher.mail" for r in caplog.records)  # the worker did log
    secrets = [PASSWORD, coordinator.email, coordinator.display_name]
    for _role, email, name, _profile in people:
        secrets += [email, email.split("@")[0], name]
    users = db.session.scalars(select(User)).all()
    assert {u.email for u in users} >= {email for _r, email, _n, _p in people}
    # aiosmtpd's own log ("mail.log") is the test's SMTP server, not the app: a real
    # mail server keeps its own log; everything the app and its libraries log is checked.
    logged = [_text(r) for r in caplog.records if not r.name.startswith("mail.log")]
    assert any("INSERT INTO" in line for line in logged)  # the statements were logged
    leaks = [(secret, line) for line in logged for secret in secrets if secret in line]
    assert leaks == []


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), record.exc_text or "", repr(record.args)]
    return "\n".join(parts)
