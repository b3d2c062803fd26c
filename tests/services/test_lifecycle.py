"""The term's life: draft -> open -> matching -> running (published) -> closed, enforced in
services.terms; after the close a pair is a past pair and its contact goes 30 days on."""

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Pair
from matcher.services import ServiceError, pairs, publishing, rounds, terms
from matcher.web.util import use_case
from tests.helpers import settings

DAY = dt.date(2099, 5, 1)

ALLOWED = [
    ("draft", "open"),
    ("open", "draft"),
    ("open", "matching"),
    ("matching", "open"),
    ("published", "closed"),
]
REFUSED = [
    ("draft", "matching", "cannot go from"),
    ("draft", "closed", "cannot go from"),
    ("open", "published", "when you publish"),
    ("matching", "published", "when you publish"),
    ("matching", "closed", "cannot go from"),
    ("published", "open", "cannot go from"),
    ("published", "matching", "cannot go from"),
    ("closed", "published", "closed"),
    ("closed", "open", "closed"),
    ("open", "finished", "Choose a status"),
]


@pytest.mark.parametrize("old,new", ALLOWED)
def test_allowed_transition(make_term, coordinator, old, new):
    term = make_term(status=old)
    terms.change_status(term, new, by=coordinator, today=DAY)
    assert term.status == new
    assert term.closed_on == (DAY if new == "closed" else None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "term.status_changed"))
    assert event.detail == {"old": old, "new": new}


@pytest.mark.parametrize("old,new,message", REFUSED)
def test_refused_transition(make_term, coordinator, old, new, message):
    term = make_term(status=old)
    with pytest.raises(ServiceError, match=message):
        terms.change_status(term, new, by=coordinator, today=DAY)
    assert term.status == old


@pytest.mark.parametrize("status", ["open", "matching"])
def test_publishing_a_round_starts_the_term_running(pool, coordinator, status):
    term = pool[0]
    term.status = status
    round_ = rounds.run_round(term, settings(), by=coordinator)
    with use_case():
        publishing.publish_round(round_, by=coordinator, today=DAY)
    assert term.status == "published" and term.published_round_id == round_.id


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_no_round_runs_in_a_draft_or_closed_term(pool, coordinator, status):
    term = pool[0]
    term.status = status
    with pytest.raises(ServiceError, match="Rounds run only"):
        rounds.run_round(term, settings(), by=coordinator)


def test_editing_a_term_follows_the_same_rules(make_term, coordinator):
    term = make_term(status="draft")
    data = terms.TermData(
        name=term.name,
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        applications_open_on=term.applications_open_on,
        applications_close_on=term.applications_close_on,
        status="closed",
    )
    with pytest.raises(ServiceError, match="cannot go from"):
        terms.update_term(term, data, by=coordinator, today=DAY)
    assert term.status == "draft"


def _closed_on(published, coordinator, day):
    term, students, volunteers = published
    terms.change_status(term, "closed", by=coordinator, today=day)
    db.session.commit()
    return term, students[0]


@pytest.mark.parametrize("days,shown", [(29, True), (31, False)])
def test_the_contact_goes_30_days_after_the_close(published, coordinator, days, shown):
    term, student = _closed_on(published, coordinator, DAY)
    (card,) = pairs.partner_cards(student, DAY + dt.timedelta(days=days))
    assert card.past and card.display_name == "Aiko"
    assert bool(card.contact) is shown


def test_a_past_pair_takes_no_rematch_request(published, coordinator):
    term, student = _closed_on(published, coordinator, DAY)
    pair = db.session.scalar(select(Pair).where(Pair.student_id == student.id))
    with pytest.raises(ServiceError, match="past pairs"):
        pairs.request_rematch(student, pair, "")
