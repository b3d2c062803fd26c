"""Check-ins, "we met this week" and pairs at risk (services/checkins.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import (
    CheckIn,
    CheckInInvite,
    Met,
    Notification,
    NotificationKind,
    PairSession,
    RematchRequest,
)
from matcher.services import ServiceError, checkins, pairs
from tests.helpers import pair_of


def _emails(kind=NotificationKind.CHECK_IN):
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def _answer(person, pair, met="yes", rating=4, note="", today=None):
    found = checkins.answer(
        person,
        pair,
        checkins.Answers(met=met, rating=rating, note=note),
        today=today or pair.started_on,
    )
    db.session.commit()
    return found


def _at_risk(term, today):
    return {
        risk.pair.id: [r.code for r in risk.reasons] for risk in checkins.pairs_at_risk(term, today)
    }


# Sending


def test_check_in_emails_go_once_per_person_and_checkpoint(published):
    term, students, volunteers = published
    start = pair_of(students[0]).started_on
    assert checkins.send_check_ins(start + dt.timedelta(days=13)) == 0  # week 2 not yet
    assert checkins.send_check_ins(start + dt.timedelta(days=14)) == 6  # 3 pairs, 2 people
    db.session.commit()
    assert len(_emails()) == 6
    assert all(e.term_id == term.id for e in _emails())
    # run daily: nothing new until week 6
    for day in range(15, 42):
        assert checkins.send_check_ins(start + dt.timedelta(days=day)) == 0
    for note in _emails():  # the worker has sent the week-2 emails meanwhile
        note.sent_at = note.created_at
    db.session.commit()
    assert checkins.send_check_ins(start + dt.timedelta(weeks=6)) == 6
    db.session.commit()
    # the outbox's one row per person and kind waits again for week 6
    assert {e.sent_at for e in _emails()} == {None}
    assert db.session.scalar(select(func.count(CheckInInvite.id))) == 12
    assert checkins.send_check_ins(start + dt.timedelta(weeks=7)) == 0


def test_checkpoints_come_from_the_term_and_missed_ones_make_one_email(published):
    term, students, volunteers = published
    term.check_in_weeks = [1, 3]
    db.session.commit()
    start = pair_of(students[0]).started_on
    assert checkins.send_check_ins(start + dt.timedelta(weeks=5)) == 6  # both came: one each
    db.session.commit()
    asked = set(db.session.scalars(select(CheckInInvite.checkpoint)))
    assert asked == {1, 3}
    term.check_in_weeks = []
    db.session.commit()
    assert checkins.send_check_ins(start + dt.timedelta(weeks=9)) == 0


def test_no_check_in_for_ended_pairs_or_closed_terms(published, coordinator):
    term, students, volunteers = published
    first = pair_of(students[0])
    pairs.end_pair(first, "Moved away", by=coordinator, today=first.started_on)
    db.session.commit()
    assert checkins.send_check_ins(first.started_on + dt.timedelta(weeks=2)) == 4
    db.session.commit()
    assert students[0].id not in {e.user_id for e in _emails()}
    term.status = "closed"
    db.session.commit()
    assert checkins.send_check_ins(first.started_on + dt.timedelta(weeks=6)) == 0


# Answering


def test_an_answer_counts_for_the_latest_checkpoint_not_yet_answered(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    start = pair.started_on
    assert _answer(students[0], pair, today=start + dt.timedelta(days=3)).checkpoint is None
    week2 = _answer(students[0], pair, today=start + dt.timedelta(weeks=2))
    assert week2.checkpoint == 2
    again = _answer(students[0], pair, today=start + dt.timedelta(weeks=3))
    assert again.checkpoint is None  # week 2 answered already: "any time"
    assert _answer(volunteers[0], pair, today=start + dt.timedelta(weeks=3)).checkpoint == 2
    assert _answer(students[0], pair, today=start + dt.timedelta(weeks=7)).checkpoint == 6


@pytest.mark.parametrize(
    ("met", "rating", "note", "field"),
    [
        ("maybe", 3, "", "met"),
        ("yes", 0, "", "rating"),
        ("yes", 6, "", "rating"),
        ("yes", 3, "x" * (checkins.MAX_NOTE + 1), "note"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_kept(published, met, rating, note, field):
    term, students, volunteers = published
    pair = pair_of(students[0])
    with pytest.raises(ServiceError) as refused:
        checkins.answer(
            students[0], pair, checkins.Answers(met, rating, note), today=pair.started_on
        )
    db.session.rollback()
    assert refused.value.field == field
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_only_the_pairs_people_check_in_while_it_runs(published, coordinator):
    term, students, volunteers = published
    pair = pair_of(students[0])
    with pytest.raises(ServiceError, match="not your pair"):
        checkins.answer(students[1], pair, checkins.Answers("yes", 4), today=pair.started_on)
    term.status = "closed"
    with pytest.raises(ServiceError, match="not running"):
        checkins.answer(students[0], pair, checkins.Answers("yes", 4), today=pair.started_on)
    db.session.rollback()


# We met this week


def test_we_met_this_week_is_one_row_per_iso_week(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    monday = checkins.week_start(pair.started_on) + dt.timedelta(weeks=1)
    first = checkins.mark_met(volunteers[0], pair, today=monday)
    again = checkins.mark_met(volunteers[0], pair, today=monday + dt.timedelta(days=6))
    db.session.commit()
    assert first.id == again.id and first.week_start == monday
    checkins.mark_met(volunteers[0], pair, today=monday + dt.timedelta(days=7))
    db.session.commit()
    assert db.session.scalar(select(func.count(PairSession.id))) == 2


def test_only_the_volunteer_marks_the_weeks(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    with pytest.raises(ServiceError, match="volunteer"):
        checkins.mark_met(students[0], pair, today=pair.started_on)
    with pytest.raises(ServiceError, match="not your pair"):
        checkins.mark_met(volunteers[1], pair, today=pair.started_on)
    db.session.rollback()


def test_the_row_of_weeks_since_the_pair_started(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    start = pair.started_on
    checkins.mark_met(volunteers[0], pair, today=start + dt.timedelta(weeks=1))
    db.session.commit()
    today = start + dt.timedelta(weeks=3)
    row = checkins.progress(volunteers[0], [pair], today)[pair.id]
    assert [w.met for w in row.weeks] == [False, True, False, False]
    assert [w.number for w in row.weeks] == [1, 2, 3, 4]
    assert row.weeks[-1].current and not row.weeks[0].current
    assert row.can_mark and not row.met_this_week
    assert not checkins.progress(students[0], [pair], today)[pair.id].can_mark


# Pairs at risk


def test_a_pair_that_has_not_met_two_weeks_on_is_at_risk(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    start = pair.started_on
    assert _at_risk(term, start + dt.timedelta(days=13)) == {}
    assert _at_risk(term, start + dt.timedelta(days=14))[pair.id] == ["not_met"]
    checkins.mark_met(volunteers[0], pair, today=start + dt.timedelta(days=14))
    db.session.commit()
    assert pair.id not in _at_risk(term, start + dt.timedelta(days=14))
    # a check-in saying "yes" counts as met too
    other = pair_of(students[1])
    _answer(students[1], other, met="yes", today=start + dt.timedelta(days=10))
    assert other.id not in _at_risk(term, start + dt.timedelta(days=14))


def test_low_ratings_and_no_time_are_reasons(published):
    term, students, volunteers = published
    one, two, three = (pair_of(s) for s in students)
    start = one.started_on
    _answer(students[0], one, met="yes", rating=1, today=start + dt.timedelta(days=3))
    _answer(volunteers[1], two, met="no_time", rating=3, today=start + dt.timedelta(days=3))
    _answer(students[2], three, met="yes", rating=2, today=start + dt.timedelta(days=3))
    found = _at_risk(term, start + dt.timedelta(days=4))
    assert found == {one.id: ["rating_1"], two.id: ["no_time"], three.id: ["rating_2"]}
    # the latest answer counts: things got better
    _answer(students[0], one, met="yes", rating=4, today=start + dt.timedelta(days=5))
    assert one.id not in _at_risk(term, start + dt.timedelta(days=5))


def test_three_weeks_without_a_session_is_a_reason(published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    for other in students[1:]:  # the other pairs meet every week
        _answer(other, pair_of(other), met="yes", today=pair.started_on)
    first_week = checkins.week_start(pair.started_on)
    checkins.mark_met(volunteers[0], pair, today=first_week)
    db.session.commit()
    # weeks 2, 3 and 4 without a session (week 5 is under way)
    assert pair.id not in _at_risk(term, first_week + dt.timedelta(weeks=3, days=2))
    found = checkins.pairs_at_risk(term, first_week + dt.timedelta(weeks=4, days=2))
    mine = next(r for r in found if r.pair.id == pair.id)
    assert [(r.code, r.weeks) for r in mine.reasons] == [("no_sessions", 3)]


def test_an_open_rematch_request_is_a_reason_and_the_neediest_come_first(published, coordinator):
    term, students, volunteers = published
    one, two, three = (pair_of(s) for s in students)
    start = one.started_on
    _answer(students[0], one, met="yes", rating=2, note="Hard to follow", today=start)
    pairs.request_rematch(volunteers[1], two, "Our times moved.")
    _answer(students[1], two, met="yes", rating=1, today=start)
    _answer(students[2], three, met="yes", rating=5, today=start)
    db.session.commit()
    found = checkins.pairs_at_risk(term, start + dt.timedelta(days=1))
    assert [r.pair.id for r in found] == [two.id, one.id]
    assert [r.code for r in found[0].reasons] == ["rematch_requested", "rating_1"]
    assert [(n.role, n.text) for n in found[1].notes] == [("student", "Hard to follow")]
    request = db.session.scalar(select(RematchRequest))
    pairs.dismiss_request(request, by=coordinator)
    db.session.commit()
    assert [r.code for r in checkins.pairs_at_risk(term, start)[0].reasons] == ["rating_1"]


def test_counts_take_each_persons_latest_answer(published):
    term, students, volunteers = published
    one, two, _three = (pair_of(s) for s in students)
    start = one.started_on
    _answer(students[0], one, met="not_yet", rating=2, today=start)
    _answer(students[0], one, met="yes", rating=4, today=start)
    _answer(volunteers[0], one, met="yes", rating=5, today=start)
    _answer(students[1], two, met="no_time", rating=3, today=start)
    at_risk = checkins.pairs_at_risk(term, start)
    counts = checkins.term_counts(term, at_risk)
    assert counts.summary.answered == 4
    assert counts.summary.people == 3
    assert counts.summary.met == {"yes": 2, "not_yet": 0, "no_time": 1}
    assert counts.summary.mean_rating == 4.0
    assert counts.at_risk == 1


def test_a_reminder_emails_both_people_of_the_pair(published, coordinator):
    term, students, volunteers = published
    pair = pair_of(students[0])
    queued = checkins.remind_pair(pair, by=coordinator)
    db.session.commit()
    emails = _emails(NotificationKind.PAIR_REMINDER)
    assert sorted(queued) == sorted(e.id for e in emails)
    assert {e.user_id for e in emails} == {students[0].id, volunteers[0].id}
    # a second reminder makes the same rows wait again
    for email in emails:
        email.sent_at = email.created_at
    db.session.commit()
    checkins.remind_pair(pair, by=coordinator)
    db.session.commit()
    again = _emails(NotificationKind.PAIR_REMINDER)
    assert len(again) == 2 and {e.sent_at for e in again} == {None}


def test_met_enum_matches_the_labels():
    from matcher.web import labels

    assert set(labels.CHECK_IN_MET) == set(Met)
    assert set(labels.AT_RISK_REASONS) == set(checkins.REASON_WEIGHTS)
