"""The term's report (services/reports.py): anonymous figures, kept when the term closes."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, func, select

from matcher.extensions import db
from matcher.models import (
    EndReason,
    Enrollment,
    MatchRound,
    Notification,
    Pair,
    PairConstraint,
    RematchRequest,
    TermReport,
    User,
)
from matcher.services import checkins, leaving, pairs, publishing, reports, rounds, terms
from matcher.web.util import today
from tests.helpers import pair_of, settings


def test_figures_of_a_running_term(published, make_user):
    term, students, volunteers = published
    make_user("student", term=term, status="applied")  # applied, never approved
    # signed up with an address that was never confirmed: perhaps not theirs, not counted
    make_user("volunteer", term=term, status="applied").email_confirmed_at = None
    one = pair_of(students[0])
    checkins.answer(students[0], one, checkins.Answers("yes", 4), today=one.started_on)
    checkins.answer(volunteers[0], one, checkins.Answers("no_time", 2), today=one.started_on)
    checkins.mark_met(volunteers[0], one, today=one.started_on)
    db.session.commit()
    figures = reports.compute(term, dt.date(2099, 2, 1))
    assert figures["computed_on"] == "2099-02-01"
    assert figures["people"] == {
        "student": {"applied": 4, "approved": 3, "paired": 3},
        "volunteer": {"applied": 3, "approved": 3, "paired": 3},
    }
    assert figures["pairs"] == {"published": 3, "rematched": 0, "active": 3, "ended_early": 0}
    assert figures["check_ins"] == {
        "answered": 2,
        "people": 2,
        "met": {"yes": 1, "not_yet": 0, "no_time": 1},
        "ratings": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
        "mean_rating": 3.0,
    }
    assert figures["sessions"] == {"weeks_met": 1, "pairs": 1}
    # Mon-Wed 19-22 in Seoul: 9 hours a week in common for each pair
    assert figures["hours_in_common"] == {"0-2": 0, "2-3": 0, "3-5": 0, "5-10": 3, "10+": 0}
    # Tokyo, Los Angeles and Seoul have one volunteer each: all "other"
    assert figures["volunteers_by_zone"] == {"other": 3}
    json.dumps(figures)  # storable as JSON


def test_zones_with_fewer_than_three_volunteers_are_merged():
    zones = ["Asia/Seoul"] * 4 + ["Europe/London"] * 3 + ["America/Chicago"] * 2 + ["UTC"]
    assert reports.zones_merged(zones) == {"Asia/Seoul": 4, "Europe/London": 3, "other": 3}
    assert reports.zones_merged([]) == {}


def test_hours_buckets():
    assert [reports.hours_bucket(h) for h in (0, 1.99, 2, 2.5, 3, 4.9, 5, 9.5, 10, 40)] == [
        "0-2", "0-2", "2-3", "2-3", "3-5", "3-5", "5-10", "5-10", "10+", "10+"
    ]  # fmt: skip


def test_rematched_and_ended_early_by_reason_with_no_typed_words(published, coordinator):
    term, students, volunteers = published
    one = pair_of(students[0])
    pairs.end_pair(one, "Minji's volunteer moved to Busan", by=coordinator, today=today())
    leaving.end_pairs_of_leaver(students[1], EndReason.WITHDREW, by=None, today=today())
    db.session.commit()
    rematch = rounds.run_round(term, settings(), by=coordinator)
    publishing.publish_round(rematch, by=coordinator, today=today())
    db.session.commit()
    figures = reports.compute(term, today())
    assert figures["pairs"] == {"published": 5, "rematched": 2, "active": 3, "ended_early": 2}
    assert figures["ended_early_by_reason"] == {"ended_by_coordinator": 1, "withdrew": 1}
    assert "Minji" not in json.dumps(figures) and "Busan" not in json.dumps(figures)


def test_closing_the_term_keeps_its_report_and_nothing_that_names_anyone(published, coordinator):
    term, students, volunteers = published
    one = pair_of(students[0])
    checkins.answer(
        students[0], one, checkins.Answers("yes", 5, "Kim Minji is great"), today=today()
    )
    db.session.commit()
    assert db.session.scalar(select(func.count(TermReport.id))) == 0
    terms.change_status(term, "closed", by=coordinator, today=dt.date(2099, 4, 30))
    db.session.commit()
    stored = db.session.scalar(select(TermReport).where(TermReport.term_id == term.id))
    assert stored is not None and stored.figures["computed_on"] == "2099-04-30"
    text = json.dumps(stored.figures)
    for person in [*students, *volunteers, coordinator]:
        assert person.display_name not in text and person.email not in text
    assert "Kim Minji" not in text and "great" not in text
    report = reports.report_of(term, dt.date(2099, 6, 1))
    assert report.stored_at is not None and report.figures == stored.figures


def test_the_report_survives_the_purge_of_the_terms_personal_data(published, coordinator):
    term, students, volunteers = published
    terms.change_status(term, "closed", by=coordinator, today=today())
    db.session.commit()
    before = reports.report_of(term, today()).figures
    # what purge-term removes (the other branch's command): people, pairs, answers, rounds
    for model in (RematchRequest, Notification, PairConstraint, Pair, Enrollment, MatchRound):
        db.session.execute(delete(model))
    term.published_round_id = None
    db.session.execute(delete(User).where(User.id != coordinator.id))
    db.session.commit()
    after = reports.report_of(term, today() + dt.timedelta(days=400))
    assert after.figures == before
    assert after.figures["people"]["student"]["paired"] == 3


def test_an_open_or_running_term_is_computed_when_asked(published, coordinator):
    term, students, volunteers = published
    first = reports.report_of(term, dt.date(2099, 2, 1))
    assert first.stored_at is None and first.figures["pairs"]["active"] == 3
    pairs.end_pair(pair_of(students[0]), "withdrew", by=coordinator, today=today())
    db.session.commit()
    assert reports.report_of(term, dt.date(2099, 2, 2)).figures["pairs"]["active"] == 2
    assert db.session.scalar(select(func.count(TermReport.id))) == 0  # nothing stored


def test_csv_export_is_section_item_value(published, coordinator):
    term, students, volunteers = published
    text = reports.export_csv(term, by=coordinator, today=dt.date(2099, 2, 1))
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "section,item,value"
    assert "people,student.approved,3" in lines
    assert "hours_in_common,5-10,3" in lines
    assert "check_ins,mean_rating," in lines
    assert "volunteers_by_zone,other,3" in lines
