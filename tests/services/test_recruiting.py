"""Where to recruit and the pairs that would rather swap, from a round's snapshot."""

from matcher.extensions import db
from matcher.services import adjust, recruiting, rounds
from tests.helpers import SATURDAY_MORNING, saturday_students, settings


def _more_students(make_user, term):
    """Two students free on Saturday mornings only, and one who requires a woman tutor."""
    saturday_students(make_user, term)
    make_user(
        "student",
        term=term,
        status="approved",
        display_name="Eun",
        volunteer_gender="female",
        volunteer_gender_required=True,
    )


def test_no_round_or_nobody_unmatched_means_nothing_to_recruit(pool, coordinator):
    term = pool[0]
    assert recruiting.recruitment(term) is None
    rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    assert recruiting.recruitment(term) is None  # everyone is paired


def test_the_best_window_and_the_reasons(pool, make_user, coordinator):
    term = pool[0]
    _more_students(make_user, term)
    rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    found = recruiting.recruitment(term)
    assert found is not None and found.unmatched == 3
    best = found.windows[0]
    assert best.students == 2
    assert (best.local.zone, best.local.day, best.local.start, best.local.end) == (
        "Asia/Seoul",
        5,
        9 * 60,
        12 * 60,
    )
    # the volunteers' other zones, most common first (one each: by name); the middle of
    # the term (late February 2099) is winter time in Los Angeles
    assert [(t.zone, t.day, t.start) for t in best.elsewhere] == [
        ("America/Los_Angeles", 4, 16 * 60),
        ("Asia/Tokyo", 5, 9 * 60),
    ]
    assert found.reasons == {"no_common_time": 2, "gender_required": 1}
    # the windows shown do not overlap each other
    slots = [{(w.start_slot + k) % 336 for k in range(w.slots)} for w in found.windows]
    assert all(not (a & b) for i, a in enumerate(slots) for b in slots[i + 1 :])


def test_the_figure_is_what_a_new_round_with_those_volunteers_pairs(pool, make_user, coordinator):
    term = pool[0]
    _more_students(make_user, term)
    first = rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    best = recruiting.recruitment(term).windows[0]
    for k in range(best.students):
        make_user(
            "volunteer",
            term=term,
            status="approved",
            timezone="Asia/Seoul",
            display_name=f"New {k}",
            availability=SATURDAY_MORNING,
        )
    second = rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    assert second.matched == first.matched + best.students


def test_a_student_unpaired_by_hand_is_counted_as_a_change(pool, coordinator):
    term, students, _volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    adjust.unpair(round_, students[0].id, by=coordinator)
    db.session.commit()
    found = recruiting.recruitment(term)
    assert found is not None and found.unmatched == 1
    assert found.reasons == {"changed": 1}
    assert found.windows == []  # a new run pairs her again with the volunteer left free


def test_blocking_pairs_of_a_round(pool, coordinator):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    assert recruiting.blocking_pairs(round_) == []  # each with the one who shares interests
    adjust.unpair(round_, students[0].id, by=coordinator)
    db.session.commit()
    rows = recruiting.blocking_pairs(round_)
    # the student alone and the volunteer with a free place would take each other
    first = rows[0]
    assert (first.student_id, first.volunteer_id) == (students[0].id, volunteers[0].id)
    assert first.student_score is None and first.volunteer_score is None
    assert first.student_name.startswith("Minji · #") and first.volunteer_name.startswith(
        "Aiko · #"
    )
    # and others who would score more with the free volunteer or the free student
    assert all(r.student_id == students[0].id or r.volunteer_id == volunteers[0].id for r in rows)


def test_a_forbid_stops_a_pair_from_blocking(pool, coordinator):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    adjust.unpair(round_, students[0].id, by=coordinator)
    adjust.forbid_pair(round_, students[0].id, volunteers[0].id, by=coordinator)
    db.session.commit()
    rows = recruiting.blocking_pairs(round_)
    assert (students[0].id, volunteers[0].id) not in {(r.student_id, r.volunteer_id) for r in rows}
