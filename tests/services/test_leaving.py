"""People who leave: their pairs end with the reason, the partner is told and re-matched,
nobody else moves, and every count of the term still adds up."""

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import (
    EndReason,
    Enrollment,
    Notification,
    NotificationKind,
    Pair,
    PairConstraint,
    RematchRequest,
    VolunteerProfile,
)
from matcher.services import (
    ServiceError,
    accounts,
    demo,
    leaving,
    pairs,
    publishing,
    rounds,
    terms,
)
from matcher.services.snapshot import term_people
from matcher.web.util import today
from tests.helpers import PASSWORD, pair_of, settings


def _partner_left_to(user_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user_id, Notification.kind == NotificationKind.PARTNER_LEFT
            )
        )
    )


def _active(term) -> set[tuple[int, int]]:
    return {(p.student_id, p.volunteer_id) for p in pairs.term_pairs(term)}


def test_a_deleted_account_ends_the_pair_keeps_it_and_tells_the_partner(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    volunteer_id = pair.volunteer_id
    assert volunteer_id == volunteers[0].id
    accounts.delete_account(volunteers[0], PASSWORD, today=today())
    db.session.commit()
    db.session.refresh(pair)
    assert (pair.status, pair.end_reason, pair.volunteer_id) == (
        "ended",
        EndReason.ACCOUNT_DELETED,
        None,
    )
    assert pair.student_id == students[0].id
    assert [n.term_id for n in _partner_left_to(students[0].id)] == [term.id]
    assert leaving.pair_counts(term) == leaving.PairCounts(active=2, ended=1)
    waiting = leaving.waiting_for_partner(term)
    assert [(w.user_id, w.partner_left) for w in waiting] == [(students[0].id, True)]
    assert leaving.ended_notices(students[0])[0].partner_left


def test_the_partner_is_rematched_and_nobody_else_moves(published, make_user, coordinator):
    term, students, volunteers = published
    before = _active(term)
    spare = make_user(
        "volunteer",
        term=term,
        status="approved",
        display_name="Spare",
        timezone="Asia/Seoul",
        availability=volunteers[2].volunteer_profile.availability,
    )
    left = pair_of(students[0])
    partners = leaving.withdraw_self(volunteers[0], term, today=today())
    assert partners == [students[0]]
    db.session.commit()
    rematch = rounds.run_round(term, settings(), by=coordinator)
    assert rematch.kind == "rematch"
    new = {(p.student_id, p.volunteer_id) for p in rematch.pairs if p.origin != "kept"}
    assert new == {(students[0].id, spare.id)}
    publishing.publish_round(rematch, by=coordinator, today=today())
    db.session.commit()
    assert _active(term) == (before - {(left.student_id, left.volunteer_id)}) | new
    assert leaving.waiting_for_partner(term) == []
    assert leaving.ended_notices(students[0]) == []
    assert leaving.pair_counts(term) == leaving.PairCounts(active=3, ended=1)


def test_withdrawing_oneself_ends_the_pair_with_that_reason(published):
    term, students, volunteers = published
    pair = pair_of(students[1])
    partners = leaving.withdraw_self(students[1], term, today=today())
    db.session.commit()
    assert partners == [pair.volunteer]
    assert (pair.status, pair.end_reason) == ("ended", EndReason.WITHDREW)
    assert students[1].enrollments[0].status == "withdrawn"
    assert len(_partner_left_to(pair.volunteer_id)) == 1
    assert _partner_left_to(students[1].id) == []  # the leaver is not told about themselves
    with pytest.raises(ServiceError, match="withdrawn from this term already"):
        leaving.withdraw_self(students[1], term, today=today())


def test_a_coordinator_withdrawing_a_person_ends_the_pair(published, coordinator):
    term, students, _ = published
    pair = pair_of(students[2])
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == students[2].id))
    terms.set_enrollment_status(term, [enrollment.id], "withdrawn", by=coordinator, today=today())
    db.session.commit()
    assert (pair.status, pair.end_reason, pair.ended_by_id) == (
        "ended",
        EndReason.WITHDRAWN_BY_COORDINATOR,
        coordinator.id,
    )
    waiting = leaving.waiting_for_partner(term)
    assert [w.user_id for w in waiting] == [pair.volunteer_id]


def test_a_coordinator_ending_a_pair_keeps_the_words_as_a_note(published, coordinator):
    term, students, _ = published
    pair = pair_of(students[0])
    pairs.request_rematch(students[0], pair, "Our times moved.")
    pairs.end_pair(pair, "  They agreed to stop. ", by=coordinator, today=today())
    db.session.commit()
    assert (pair.end_reason, pair.end_note) == (
        EndReason.ENDED_BY_COORDINATOR,
        "They agreed to stop.",
    )
    assert db.session.scalar(select(RematchRequest.resolved_at)) is not None
    # Both wait; neither is told that "the partner can no longer take part".
    notices = leaving.ended_notices(students[0])
    assert [n.partner_left for n in notices] == [False]
    assert len(leaving.waiting_for_partner(term)) == 2


def test_a_leavers_lock_is_dropped_so_that_the_rematch_runs(published, make_user, coordinator):
    term, students, volunteers = published
    newcomer = make_user(
        "student",
        term=term,
        status="approved",
        availability=students[0].student_profile.availability,
    )
    rounds.set_constraint(term.id, newcomer.id, volunteers[1].id, "lock", by=coordinator)
    db.session.commit()
    terms.set_enrollment_status(
        term, [volunteers[1].enrollments[0].id], "withdrawn", by=coordinator, today=today()
    )
    db.session.commit()
    assert db.session.scalar(select(PairConstraint).where(PairConstraint.kind == "lock")) is None
    assert rounds.run_round(term, settings(), by=coordinator).kind == "rematch"


def test_only_reasons_for_leaving_are_accepted(published):
    _, students, _ = published
    with pytest.raises(ValueError, match="not a reason for leaving"):
        leaving.end_pairs_of_leaver(
            students[0], EndReason.ENDED_BY_COORDINATOR, by=None, today=today()
        )


def test_a_closed_term_refuses_a_withdrawal(published, coordinator):
    term, students, _ = published
    terms.change_status(term, "closed", by=coordinator, today=today())
    db.session.commit()
    with pytest.raises(ServiceError, match="closed"):
        leaving.withdraw_self(students[0], term, today=today())
    assert pair_of(students[0]).status == "active"


def test_pair_history_names_a_partner_who_left_as_nobody(published):
    term, students, volunteers = published
    accounts.delete_account(volunteers[0], PASSWORD, today=today())
    db.session.commit()
    history = leaving.pair_history(students[0])
    assert [(h.term_name, h.partner_name, h.pair.status) for h in history] == [
        (term.name, None, "ended")
    ]
    assert db.session.scalar(select(Pair).where(Pair.volunteer_id.is_(None))) is not None


def test_volunteers_count_as_one_unless_the_term_allows_several(pool, make_user, coordinator):
    term, students, volunteers = pool
    volunteers[0].volunteer_profile.capacity = 3
    db.session.commit()
    capacity = {v.id: v.capacity for v in term_people(term).volunteers}
    assert set(capacity.values()) == {1}
    term.volunteers_take_several = True
    db.session.commit()
    capacity = {v.id: v.capacity for v in term_people(term).volunteers}
    assert capacity[str(volunteers[0].id)] == 3


def test_one_to_one_pairs_each_volunteer_once(pool, make_user, coordinator):
    term, students, volunteers = pool
    extra = [
        make_user(
            "student",
            term=term,
            status="approved",
            availability=students[0].student_profile.availability,
        )
        for _ in range(2)
    ]
    for v in volunteers:
        v.volunteer_profile.capacity = 2
    db.session.commit()
    round_ = rounds.run_round(term, settings(), by=coordinator)
    load = [p.volunteer_id for p in round_.pairs]
    assert len(load) == len(set(load)) == 3
    assert len(students) + len(extra) - len(load) == 2
    term.volunteers_take_several = True
    db.session.commit()
    several = rounds.run_round(term, settings(), by=coordinator)
    assert len(several.pairs) == 5


def test_the_demo_pairs_one_to_one(app):
    logins = demo.load_demo(today(), students=8, volunteers=8, seed=3)
    db.session.commit()
    capacities = db.session.scalars(select(VolunteerProfile.capacity)).all()
    assert len(capacities) == 8 and set(capacities) == {1}
    assert logins.term.volunteers_take_several is False
