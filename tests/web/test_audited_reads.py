"""Every coordinator read of personal data leaves exactly one audit event (who, what, when;
not the data); students' and volunteers' own pages leave none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent
from matcher.services import rounds
from tests.helpers import settings


def _events() -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


@pytest.fixture
def term_with_rounds(published, coordinator):
    """The published term with a second round (a re-match draft), to compare."""
    term, students, volunteers = published
    rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    return term, students, volunteers


READS = {
    "read.term_people": "/terms/{term}",
    "read.person": "/terms/{term}/people/{enrollment}",
    "read.round": "/terms/{term}/rounds/1",
    "read.alternatives": "/terms/{term}/rounds/1/alternatives?student={student}",
    "read.comparison": "/terms/{term}/rounds/compare?a=1&b=2",
    "read.pairs": "/terms/{term}/pairs",
    "read.pairs_csv": "/terms/{term}/pairs.csv",
}


@pytest.mark.parametrize("action", READS)
def test_each_coordinator_read_adds_one_event(client, auth, coordinator, term_with_rounds, action):
    term, students, _volunteers = term_with_rounds
    url = READS[action].format(
        term=term.id, enrollment=students[0].enrollments[0].id, student=students[0].id
    )
    auth.login(coordinator)
    before = _events()
    response = client.get(url)
    assert response.status_code == 200
    # the page shows personal data (two rounds with the same pairs show only figures)
    assert "Minji" in response.text or action == "read.comparison"
    new = _events()[len(before) :]
    assert [(e.action, e.actor_id, e.term_id) for e in new] == [(action, coordinator.id, term.id)]
    assert "Minji" not in str(new[0].detail) and students[0].email not in str(new[0].detail)
    if action == "read.person":
        assert new[0].subject_user_id == students[0].id


@pytest.mark.parametrize(
    "url",
    [
        "/terms/{term}/rounds/99",
        "/terms/{term}/people/999999",
        "/terms/999999/pairs",
        "/terms/{term}/rounds/compare?a=1&b=99",
    ],
)
def test_a_page_not_found_adds_no_event(client, auth, coordinator, term_with_rounds, url):
    auth.login(coordinator)
    before = len(_events())
    assert client.get(url.format(term=term_with_rounds[0].id)).status_code == 404
    assert len(_events()) == before


@pytest.mark.parametrize("who", [0, 1])  # a student, a volunteer
def test_students_and_volunteers_own_pages_add_none(client, auth, published, who):
    person = published[1 + who][0]
    auth.login(person)
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    for url in ("/", "/my-pair", "/profile", "/account", "/account/data.json"):
        assert client.get(url).status_code in (200, 302), url  # / sends them on
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count
