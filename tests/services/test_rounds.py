"""Matching rounds through the service functions: run, lock, forbid, assign."""

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, MatchRound
from matcher.services import ServiceError, adjust, rounds
from tests.helpers import pairs_of, settings, week


def test_run_round_pairs_everyone_and_stores_a_snapshot(pool, coordinator):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    assert round_.number == 1 and round_.matched == 3
    # interests decide: each student with the volunteer who shares theirs
    assert pairs_of(round_) == {(s.id, v.id) for s, v in zip(students, volunteers, strict=True)}
    assert {s["display_name"] for s in round_.snapshot["students"]} == {"Minji", "Haneul", "Sora"}
    assert "legal_name" not in str(round_.snapshot)
    # later profile edits do not change the round
    students[0].display_name = "Renamed"
    db.session.commit()
    view = rounds.view_round(db.session.get(MatchRound, round_.id))
    # names as the round saw them, with the short id and place that tell namesakes apart
    assert f"Minji · #{students[0].id} · Seoul" in {row.student_name for row in view.pairs}


def test_incomplete_profiles_are_left_out_with_reason(pool, make_user, coordinator):
    term = pool[0]
    make_user("student", term=term, status="approved", complete=False, display_name="Empty")
    view = rounds.view_round(rounds.run_round(term, settings(), by=coordinator))
    assert [e["display_name"] for e in view.people.excluded] == ["Empty"]
    assert "Profile incomplete" in view.people.excluded[0]["reason"]


def test_lock_forbid_and_rerun_keep_them(pool, coordinator):
    term, students, volunteers = pool
    first = rounds.run_round(term, settings(), by=coordinator)
    adjust.lock_pair(first, students[0].id, by=coordinator)
    adjust.forbid_pair(first, students[1].id, volunteers[1].id, by=coordinator)
    assert (students[1].id, volunteers[1].id) not in pairs_of(first)
    assert first.matched == 2
    second = rounds.run_round(term, settings(), by=coordinator)
    assert (students[0].id, volunteers[0].id) in pairs_of(second)
    assert (students[1].id, volunteers[1].id) not in pairs_of(second)
    assert any(p.locked for p in second.pairs if p.student_id == students[0].id)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"pair.locked", "pair.forbidden", "round.run"} <= set(actions)


def test_lock_on_someone_who_withdrew_is_a_clear_error(pool, coordinator):
    term, students, volunteers = pool
    first = rounds.run_round(term, settings(), by=coordinator)
    adjust.lock_pair(first, students[0].id, by=coordinator)
    volunteers[0].enrollments[0].status = "withdrawn"
    db.session.commit()
    with pytest.raises(ServiceError, match="Aiko · #[0-9]+ · Tokyo is not approved"):
        rounds.run_round(term, settings(), by=coordinator)
    assert db.session.scalar(select(func.count(MatchRound.id))) == 1


def test_assign_by_hand_needs_reason_to_break_a_rule(pool, make_user, coordinator):
    term, students, volunteers = pool
    late = make_user(
        "student", term=term, status="approved", display_name="Late", availability=week_mornings()
    )
    round_ = rounds.run_round(term, settings(), by=coordinator)
    adjust.unpair(round_, students[2].id, by=coordinator)
    assert late.id not in {p.student_id for p in round_.pairs}
    with pytest.raises(ServiceError, match="break a rule of matching"):
        adjust.pair_by_hand(round_, late.id, volunteers[2].id, by=coordinator)
    pair = adjust.pair_by_hand(
        round_, late.id, volunteers[2].id, by=coordinator, reason="They already meet at church"
    )
    assert pair.override_reason == "They already meet at church"
    assert pair.violations and pair.violations[0]["constraint"] == "overlap"
    db.session.expire_all()
    stored = db.session.get(MatchRound, round_.id)
    assert (late.id, volunteers[2].id) in pairs_of(stored)


def week_mornings():
    return week((14, 18), (48 + 14, 48 + 18))  # Mon, Tue 07:00-09:00


def test_assign_refuses_a_full_volunteer(pool, make_user, coordinator):
    term, students, volunteers = pool
    extra = make_user("student", term=term, status="approved", display_name="Extra")
    round_ = rounds.run_round(term, settings(), by=coordinator)
    with pytest.raises(ServiceError, match="has no free place"):
        adjust.pair_by_hand(round_, extra.id, volunteers[0].id, by=coordinator, reason="x")
