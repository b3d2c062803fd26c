"""Publishing from a page or a command queues the emails; the worker sends them with links
from BASE_URL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher import engine, mail
from matcher.extensions import db
from matcher.models import Notification, Pair
from matcher.services import rounds

BASE_URL = "https://tutoring.test/matcher"


@pytest.fixture
def outbox(app, monkeypatch):
    """The emails the locmem backend keeps, emptied first; links built from BASE_URL."""
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL + "/")
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


@pytest.fixture
def draft(make_term, make_user, coordinator):
    """A term with a draft round of three pairs (everyone free on the same evenings in Seoul)."""
    term = make_term(
        name="Spring 2099", starts_on=dt.date(2099, 1, 5), ends_on=dt.date(2099, 4, 24)
    )
    for _ in range(3):
        make_user("student", term=term, status="approved")
        make_user("volunteer", term=term, status="approved", timezone="Asia/Seoul")
    rounds.run_round(term, engine.Settings(), by=coordinator)
    db.session.commit()
    return term


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_publish_command_sends_links_from_base_url(runner, draft, coordinator, outbox):
    result = runner.invoke(args=["publish-round", draft.name, "1", "--by", coordinator.email])
    assert result.exit_code == 0, result.output
    assert "is published: 3 pairs; 6 emails queued" in result.output
    assert outbox == []  # publishing only queues
    result = runner.invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    assert "6 emails sent, 0 failed." in result.output
    assert len(outbox) == 6
    for message in outbox:
        assert f"{BASE_URL}/my-pair" in message.body
    db.session.expire_all()
    assert count(Pair) == 3
    assert all(n.sent_at is not None for n in db.session.scalars(select(Notification)))


def test_publish_command_refuses_and_writes_nothing(runner, draft, outbox):
    result = runner.invoke(args=["publish-round", draft.name, "1", "--by", "nobody@example.org"])
    assert result.exit_code == 1 and "No active coordinator" in result.output
    result = runner.invoke(args=["publish-round", draft.name, "7", "--by", "x@example.org"])
    assert result.exit_code == 1 and "has no round 7" in result.output
    db.session.expire_all()
    assert count(Pair) == 0 and count(Notification) == 0 and outbox == []


def test_the_page_links_to_base_url_not_to_the_request_host(
    client, auth, draft, coordinator, outbox
):
    auth.login(coordinator)
    response = client.post(f"/terms/{draft.id}/rounds/1/publish", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Round 1 is published: 3 pairs." in page
    assert "6 emails are waiting to be sent." in page and outbox == []
    assert mail.send_due() == mail.Delivery(6, 0)
    assert len(outbox) == 6
    for message in outbox:
        assert f"{BASE_URL}/my-pair" in message.body and "matcher.test" not in message.body


def test_a_refused_publish_queues_and_sends_nothing(client, auth, draft, coordinator, outbox):
    draft.status = "closed"  # a closed term's rounds are not published any more
    db.session.commit()
    auth.login(coordinator)
    page = client.post(f"/terms/{draft.id}/rounds/1/publish", follow_redirects=True)
    assert "This term is closed" in page.get_data(as_text=True)
    db.session.expire_all()
    assert count(Pair) == 0 and count(Notification) == 0 and outbox == []


def test_a_resend_with_nothing_given_up_is_refused(client, auth, draft, coordinator, outbox):
    auth.login(coordinator)
    client.post(f"/terms/{draft.id}/rounds/1/publish")
    response = client.post(f"/terms/{draft.id}/emails/resend", follow_redirects=True)
    assert "No email of this term is waiting to be re-sent." in response.get_data(as_text=True)
    assert mail.send_due() == mail.Delivery(6, 0)
    assert mail.send_due() == mail.Delivery(0, 0)  # each sent once
    assert len(outbox) == 6
    db.session.expire_all()
    assert all(n.sent_at is not None for n in db.session.scalars(select(Notification)))
