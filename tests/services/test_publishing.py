import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from matcher import mail
from matcher.extensions import db
from matcher.models import MatchRound, Notification, Pair, Term
from matcher.services import ServiceError, publishing, rounds
from matcher.web.util import today, use_case
from tests.helpers import body_of, free_port, racing_app, settings, smtp_server


@pytest.fixture
def mail_to(app):
    """Point the app's mail at a real SMTP server (or at a closed port) for one test."""
    state = app.extensions["mailman"]
    saved = (state.backend, state.server, state.port)

    def use(port):
        state.backend, state.server, state.port = "smtp", "127.0.0.1", port

    yield use
    state.backend, state.server, state.port = saved


def publish(round_, by):
    """Publish as the page does (one use case), then one pass of the mail worker."""
    with use_case():
        published = publishing.publish_round(round_, by=by, today=today())
    delivery = mail.send_due()
    return SimpleNamespace(pairs=published.pairs, delivery=delivery)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_publish_creates_pairs_and_emails_each_person_once(pool, coordinator, mail_to):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    with smtp_server() as (inbox, port):
        mail_to(port)
        outcome = publish(round_, coordinator)
    assert outcome.pairs == 3 and outcome.delivery.sent == 6 and outcome.delivery.failed == 0
    db.session.expire_all()
    assert db.session.get(Term, term.id).published_round_id == round_.id
    assert count(Pair) == 3
    assert len(inbox.messages) == 6
    for person in [*students, *volunteers]:
        (message,) = inbox.to(person.email)
        body = body_of(message)
        assert "/my-pair" in body
        # nothing about the partner, nothing about who the students are
        for other in [*students, *volunteers]:
            if other is not person:
                assert other.display_name not in body
        for word in ("Kim Minji", "North Korea", "refugee", "탈북", "북한"):
            assert word not in body and word not in message["Subject"]
    assert all(n.sent_at is not None for n in db.session.scalars(select(Notification)))


def test_student_email_is_in_korean(pool, coordinator, mail_to):
    term, students, _ = pool
    students[0].locale = "ko"
    db.session.commit()
    round_ = rounds.run_round(term, settings(), by=coordinator)
    with smtp_server() as (inbox, port):
        mail_to(port)
        publish(round_, coordinator)
    (message,) = inbox.to(students[0].email)
    assert "짝" in body_of(message)


def test_mail_server_down_does_not_undo_publish_and_can_be_resent(
    app, client, auth, pool, coordinator, mail_to, monkeypatch
):
    term, _, _ = pool
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)  # give up after the first try
    round_ = rounds.run_round(term, settings(), by=coordinator)
    mail_to(free_port())  # nothing listens there
    outcome = publish(round_, coordinator)
    assert outcome.delivery.failed == 6 and outcome.delivery.sent == 0
    assert count(Pair) == 3
    assert mail.send_due() == mail.Delivery(0, 0)  # given up: the worker leaves them
    auth.login(coordinator)
    page = client.get(f"/terms/{term.id}/pairs").get_data(as_text=True)
    assert "6 people have not received the email: sending failed too many times." in page
    assert "ConnectionRefusedError" in page
    response = client.post(f"/terms/{term.id}/emails/resend", follow_redirects=True)
    assert "6 emails will be sent again in a moment." in response.get_data(as_text=True)
    with smtp_server() as (inbox, port):
        mail_to(port)
        assert mail.send_due() == mail.Delivery(6, 0)
    assert len(inbox.messages) == 6
    assert count(Pair) == 3
    page = client.get(f"/terms/{term.id}/pairs").get_data(as_text=True)
    assert "received the email" not in page and "waiting to be sent" not in page


def test_publish_through_the_page(client, auth, pool, coordinator):
    term, _, _ = pool
    rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    auth.login(coordinator)
    response = client.post(f"/terms/{term.id}/rounds/1/publish", follow_redirects=True)
    assert "Round 1 is published: 3 pairs." in response.get_data(as_text=True)
    again = client.post(f"/terms/{term.id}/rounds/1/publish", follow_redirects=True)
    assert "Round 1 is already published." in again.get_data(as_text=True)
    assert count(Pair) == 3


def test_an_earlier_draft_can_be_published_and_the_others_become_read_only(pool, coordinator):
    term, _, _ = pool
    first = rounds.run_round(term, settings(), by=coordinator)
    second = rounds.run_round(term, settings(objective="fair"), by=coordinator)
    assert not rounds.view_round(first).editable and rounds.view_round(first).publishable
    assert rounds.view_round(second).editable
    published = publish(first, coordinator)
    assert published.pairs == len(first.pairs) == count(Pair)
    assert term.published_round_id == first.id and term.status == "published"
    view = rounds.view_round(second)
    assert not view.editable and not view.publishable
    with pytest.raises(ServiceError, match="no longer be published"):
        publishing.publish_round(second, by=coordinator, today=today())
    assert rounds.compare_rounds(first, second).same >= 0  # both stay comparable


def test_failure_half_way_publishes_nothing(pool, coordinator, make_user):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    # An active pair the round does not know about: inserting the round's pair for the
    # same student breaks the one-active-pair rule in the middle of publishing.
    last = sorted(round_.pairs, key=lambda p: p.id)[-1]
    outsider = make_user("volunteer", display_name="Outsider")
    db.session.add(Pair(term_id=term.id, student_id=last.student_id, volunteer_id=outsider.id,
                        score=1, overlap_hours=2, started_on=term.starts_on))  # fmt: skip
    db.session.commit()
    with pytest.raises(ServiceError, match="nothing was published"), use_case():
        publishing.publish_round(round_, by=coordinator, today=today())
    db.session.expire_all()
    assert db.session.get(Term, term.id).published_round_id is None
    assert db.session.get(MatchRound, round_.id).status == "draft"
    assert count(Pair) == 1
    assert count(Notification) == 0


def test_two_coordinators_publishing_at_once(pool, coordinator, make_user, tmp_path):
    """Two real sessions on their own connections race; exactly one wins."""
    term, _, _ = pool
    other = make_user("coordinator", display_name="Other")
    round_ = rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    race_app = racing_app(tmp_path)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}
    # Plain ids only: the test's own objects belong to its session, which threads must not use.
    round_id, term_id = round_.id, term.id
    user_ids = [coordinator.id, other.id]
    user_class = type(coordinator)

    def publish(user_id: int) -> None:
        with race_app.app_context():
            try:
                user = db.session.get(user_class, user_id)
                mine = db.session.get(MatchRound, round_id)
                barrier.wait(30)
                with use_case():
                    publishing.publish_round(mine, by=user, today=today())
                outcomes[user_id] = "published"
            except ServiceError as error:
                outcomes[user_id] = error.message
            except Exception as error:  # reported by the assertions below
                outcomes[user_id] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(u,)) for u in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with race_app.app_context():
        pairs = db.session.scalar(select(func.count(Pair.id)).where(Pair.term_id == term_id))
        published = db.session.get(Term, term_id).published_round_id
        db.session.remove()
        db.engine.dispose()
    assert len(outcomes) == 2, outcomes
    assert list(outcomes.values()).count("published") == 1, outcomes
    loser = next(v for v in outcomes.values() if v != "published")
    assert "already published" in loser
    assert pairs == 3 and published == round_id
