"""Published pairs through the service functions: end, rematch, continue."""

import datetime as dt

import pytest

from matcher.extensions import db
from matcher.services import ServiceError, pairs, publishing, rounds
from matcher.web.util import today
from tests.helpers import SEOUL_EVENINGS, pair_of, settings


def test_rematch_moves_nobody_else(published, make_user, coordinator):
    term, students, volunteers = published
    before = {(p.student_id, p.volunteer_id) for p in pairs.term_pairs(term)}
    newcomer = make_user(
        "student",
        term=term,
        status="approved",
        display_name="Newcomer",
        availability=SEOUL_EVENINGS,
        interests=["music"],
    )
    pairs.end_pair(pair_of(students[0]), "Student left", by=coordinator, today=today())
    rematch = rounds.run_round(term, settings(), by=coordinator)
    assert rematch.kind == "rematch"
    new = {(p.student_id, p.volunteer_id) for p in rematch.pairs if p.origin != "kept"}
    assert new == {(newcomer.id, volunteers[0].id)}
    publishing.publish_round(rematch, by=coordinator, today=today())
    after = {(p.student_id, p.volunteer_id) for p in pairs.term_pairs(term)}
    assert after == (before - {(students[0].id, volunteers[0].id)}) | new


def test_continuing_pairs_are_locked_in_the_next_term(published, make_term, coordinator):
    term, students, volunteers = published
    later = make_term(
        name="Autumn 2099",
        starts_on=term.ends_on + dt.timedelta(days=30),
        ends_on=term.ends_on + dt.timedelta(days=150),
    )
    for person in [*students, *volunteers]:
        enrollment = person.enrollments[0].__class__(
            term=later,
            user=person,
            status="approved",
            continue_partner=person in (students[2], volunteers[2]),
        )
        db.session.add(enrollment)
    db.session.commit()
    round_ = rounds.run_round(later, settings(), by=coordinator)
    locked = {(p.student_id, p.volunteer_id) for p in round_.pairs if p.locked}
    assert locked == {(students[2].id, volunteers[2].id)}


def test_rematch_request_for_ended_pair(published, coordinator):
    term, students, _ = published
    pair = pair_of(students[0])
    pairs.end_pair(pair, "Done", by=coordinator, today=today())
    with pytest.raises(ServiceError, match="ended already"):
        pairs.request_rematch(students[0], pair, "")
