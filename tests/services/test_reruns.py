"""Re-runs keep the coordinator's work: swaps, hand-made pairs, locks and forbids carry
into the next round; "start fresh" drops them; any draft can be published."""

import pytest
from sqlalchemy import func, select

from matcher.engine import PairOrigin
from matcher.extensions import db
from matcher.models import AuditEvent, Pair, PairConstraint
from matcher.services import ServiceError, adjust, publishing, rounds
from matcher.web.util import today, use_case
from tests.helpers import pairs_of, settings


def _swap_minji_and_haneul(term, students, volunteers, coordinator):
    first = rounds.run_round(term, settings(), by=coordinator)
    adjust.swap(first, students[0].id, students[1].id, by=coordinator)
    swapped = {(students[0].id, volunteers[1].id), (students[1].id, volunteers[0].id)}
    assert swapped <= pairs_of(first)
    return first, swapped


def test_a_swap_in_round_1_is_kept_in_round_2_which_can_be_published(pool, coordinator):
    term, students, volunteers = pool
    _first, swapped = _swap_minji_and_haneul(term, students, volunteers, coordinator)
    assert rounds.adjustments(term).swaps == 2
    second = rounds.run_round(term, settings(), by=coordinator)
    assert swapped <= pairs_of(second)
    kept = [p for p in second.pairs if (p.student_id, p.volunteer_id) in swapped]
    assert {p.origin for p in kept} == {PairOrigin.SWAPPED} and all(p.locked for p in kept)
    with use_case():
        published = publishing.publish_round(second, by=coordinator, today=today())
    assert published.pairs == 3
    live = {(p.student_id, p.volunteer_id) for p in db.session.scalars(select(Pair))}
    assert swapped <= live


def test_a_pair_made_by_hand_is_kept_with_its_reason(pool, coordinator):
    term, students, volunteers = pool
    first = rounds.run_round(term, settings(), by=coordinator)
    adjust.unpair(first, students[2].id, by=coordinator)
    adjust.pair_by_hand(first, students[2].id, volunteers[2].id, by=coordinator)
    constraint = db.session.scalar(select(PairConstraint))
    assert constraint.origin == PairOrigin.MANUAL and constraint.kind == "lock"
    second = rounds.run_round(term, settings(), by=coordinator)
    row = next(p for p in second.pairs if p.student_id == students[2].id)
    assert (row.volunteer_id, row.origin) == (volunteers[2].id, PairOrigin.MANUAL)


def test_unpairing_a_swapped_student_forgets_the_swap(pool, coordinator):
    term, students, volunteers = pool
    first, _swapped = _swap_minji_and_haneul(term, students, volunteers, coordinator)
    adjust.unpair(first, students[0].id, by=coordinator)
    assert rounds.adjustments(term).swaps == 1


def test_start_fresh_drops_every_adjustment_with_the_count(pool, coordinator):
    term, students, volunteers = pool
    first, swapped = _swap_minji_and_haneul(term, students, volunteers, coordinator)
    adjust.forbid_pair(first, students[2].id, volunteers[2].id, by=coordinator)
    counts = rounds.adjustments(term)
    assert (counts.swaps, counts.forbids, counts.total) == (2, 1, 3)
    second = rounds.run_round(term, settings(), by=coordinator, fresh=True)
    assert rounds.adjustments(term).total == 0
    assert not swapped & pairs_of(second)  # the solver's own pairs again
    assert (students[2].id, volunteers[2].id) in pairs_of(second)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.started_fresh"))
    assert event is not None and event.detail["dropped"] == 3


def test_an_earlier_draft_is_read_only(pool, coordinator):
    term, students, volunteers = pool
    first = rounds.run_round(term, settings(), by=coordinator)
    rounds.run_round(term, settings(objective="fair"), by=coordinator)
    with pytest.raises(ServiceError, match="earlier draft and is read-only"):
        adjust.swap(first, students[0].id, students[1].id, by=coordinator)
    with pytest.raises(ServiceError, match="read-only"):
        adjust.lock_pair(first, students[0].id, by=coordinator)
    assert db.session.scalar(select(func.count(PairConstraint.id))) == 0


def test_publishing_an_earlier_draft_keeps_its_own_pairs(pool, coordinator):
    term, students, volunteers = pool
    first, swapped = _swap_minji_and_haneul(term, students, volunteers, coordinator)
    rounds.run_round(term, settings(), by=coordinator, fresh=True)  # without the swap
    with use_case():
        publishing.publish_round(first, by=coordinator, today=today())
    live = {(p.student_id, p.volunteer_id) for p in db.session.scalars(select(Pair))}
    assert live == pairs_of(first) and swapped <= live
