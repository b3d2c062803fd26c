"""`flask --app matcher purge-term TERM [--dry-run]`: a closed term's personal data goes, in
one transaction; the term, its figures and the people of later terms stay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import (
    AuditEvent,
    Enrollment,
    MatchRound,
    Notification,
    PairConstraint,
    RematchRequest,
    RosterUpload,
    RoundPair,
    Term,
    User,
)
from matcher.models.base import utcnow
from matcher.services import pairs, terms
from matcher.web.util import today
from tests.helpers import pair_of, search_every_table
from tests.web.world import database_content


@pytest.fixture
def closed(published, make_term, coordinator):
    """Spring 2099, published then closed, with a re-match request and an ended pair;
    Haneul and Aiko also applied to Autumn 2099, a later term."""
    term, students, volunteers = published
    minji, haneul, sora = students
    pairs.request_rematch(minji, pair_of(minji), "Minji: my tutor never answers")
    pairs.end_pair(pair_of(sora), "Sora moved to Busan", by=coordinator, today=today())
    autumn = make_term(
        name="Autumn 2099", starts_on=dt.date(2099, 8, 31), ends_on=dt.date(2099, 12, 18)
    )
    for person in (haneul, volunteers[0]):
        db.session.add(Enrollment(term=autumn, user=person, status="applied"))
    terms.change_status(term, "closed", by=coordinator, today=today())
    db.session.commit()
    leaving = [minji, sora, *volunteers[1:]]
    return {
        "term": term,
        "autumn": autumn,
        "staying": [haneul, volunteers[0]],
        "leaving": leaving,
        "needles": [
            text
            for person in leaving
            for text in (person.email, person.display_name, _legal_name(person))
            if text
        ],
    }


def _legal_name(user: User) -> str:
    return user.student_profile.legal_name if user.student_profile else ""


def _purge(runner, *args: str):
    result = runner.invoke(args=["purge-term", *args])
    db.session.rollback()
    db.session.expire_all()
    return result


def test_a_term_that_is_not_closed_is_refused(runner, published):
    term = published[0]
    before = database_content()
    result = _purge(runner, term.name)
    assert result.exit_code != 0
    assert "Spring 2099 is not closed, so its data cannot be purged" in result.output
    assert database_content() == before


def test_an_unknown_term_is_refused(runner, closed):
    result = _purge(runner, "No such term")
    assert result.exit_code != 0 and "No term is called 'No such term'" in result.output


def test_a_dry_run_counts_and_writes_nothing(runner, closed):
    before = database_content()
    result = _purge(runner, str(closed["term"].id), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: purging Spring 2099 would remove (nothing was changed)" in result.output
    assert "     4  accounts of people in no later term" in result.output
    assert database_content() == before


def test_the_purge_removes_the_terms_personal_data(runner, closed):
    term, staying = closed["term"], closed["staying"]
    term_id, staying_ids = term.id, [p.id for p in staying]
    rounds_before = db.session.scalar(select(func.count(MatchRound.id)))
    round_pairs_before = db.session.scalar(select(func.count(RoundPair.id)))
    result = _purge(runner, "Spring 2099")
    assert result.exit_code == 0, result.output
    assert "Purged the personal data of Spring 2099:" in result.output
    for line in (
        "     6  people replaced by a placeholder in round snapshots",
        "     3  round pairs emptied",
        "     1  re-match request texts",
        "     8  notifications",  # 6 partner-ready, 2 pair-ended (Sora and her tutor)
        "     1  locks and forbids",  # the ended pair's "never pair again"
        "     4  accounts of people in no later term",
    ):
        assert line in result.output
    # the term, its rounds and their figures stay
    kept = db.session.get(Term, term_id)
    assert kept is not None and kept.status == "closed"
    assert db.session.scalar(select(func.count(MatchRound.id))) == rounds_before
    assert db.session.scalar(select(func.count(RoundPair.id))) == round_pairs_before
    round_ = db.session.scalar(select(MatchRound).where(MatchRound.term_id == term_id))
    assert round_.matched == 3
    people = round_.snapshot["students"] + round_.snapshot["volunteers"]
    assert sorted(p["id"] for p in people) == [f"left-{n}" for n in range(1, 7)]
    assert all(p == {"id": p["id"], "left": True} for p in people)
    assert (
        db.session.scalar(select(func.count(RoundPair.id)).where(RoundPair.student_id.is_not(None)))
        == 0
    )
    # nothing of the term's people, in any table; the people of the later term stay
    assert search_every_table(*closed["needles"]).found == {}
    assert db.session.scalar(select(func.count(User.id)).where(User.id.in_(staying_ids))) == 2
    assert all(db.session.get(User, i).profile is not None for i in staying_ids)
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert db.session.scalar(select(func.count(PairConstraint.id))) == 0
    assert [r.reason for r in db.session.scalars(select(RematchRequest))] in ([], [""])
    names = {"Haneul", "Aiko"}
    assert not any(n in str(round_.snapshot) + str(round_.result) for n in names)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "term.purged"))
    assert event.term_id == term_id and event.detail["removed"]["accounts"] == 4
    assert not any(
        "reason" in e.detail for e in db.session.scalars(select(AuditEvent))
    )  # "Sora moved to Busan" was a coordinator's words


def test_the_purged_term_pages_still_work(runner, closed, client, auth, make_user):
    term_id = closed["term"].id
    assert _purge(runner, "Spring 2099").exit_code == 0
    auth.login(make_user("coordinator", display_name="Other"))
    for url in (f"/terms/{term_id}", f"/terms/{term_id}/rounds/1", f"/terms/{term_id}/pairs"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Minji" not in response.text, url


def test_the_purge_drops_the_terms_roster_files_awaiting_confirmation(runner, closed):
    term = closed["term"]
    coordinator = db.session.scalar(select(User).where(User.role == "coordinator"))
    db.session.add(
        RosterUpload(
            id="an-upload",
            coordinator_id=coordinator.id,
            term_id=term.id,
            files={"students": {"name": "s.csv", "text": "email\nhaneul@example.org\n"}},
            expires_at=utcnow() + dt.timedelta(hours=1),
        )
    )
    db.session.commit()
    result = _purge(runner, "Spring 2099")
    assert result.exit_code == 0, result.output
    assert "     1  roster files waiting for an import's confirmation" in result.output
    assert db.session.scalar(select(func.count()).select_from(RosterUpload)) == 0
