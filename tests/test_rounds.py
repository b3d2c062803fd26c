import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, MatchRound, PairConstraint
from matcher.services import ServiceError, adjust, rounds
from tests.matching_helpers import run_form, settings


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


def pairs_of(round_):
    return {(p.student_id, p.volunteer_id) for p in round_.pairs}


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
    assert "Minji" in {row.student_name for row in view.pairs}


def test_run_round_page_flow(client, signed_in, pool):
    term, _students, _volunteers = pool
    response = client.post(f"/terms/{term.id}/rounds", data=run_form())
    assert response.location.endswith(f"/terms/{term.id}/rounds/1")
    page = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    assert "Minji" in page and "Aiko" in page
    assert "<svg" in page and "Scores of the pairs" in page
    assert "<script" not in page.split("<main>")[1]  # the charts are plain SVG
    dashboard = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert "Round 1" in dashboard and "Who is free when" in dashboard


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("weight_overlap", "-1", "Give a weight from 0 to 100."),
        ("weight_goals", "abc", "Give a weight from 0 to 100."),
        ("min_overlap_hours", "0", "Give between 0.5 and 40 hours."),
        ("objective", "random", "Not a valid choice"),
    ],
)
def test_run_round_bad_settings(client, signed_in, pool, field, value, message):
    term = pool[0]
    response = client.post(f"/terms/{term.id}/rounds", data=run_form(**{field: value}),
                           follow_redirects=True)  # fmt: skip
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MatchRound.id))) == 0


def test_all_weights_zero_is_refused(client, signed_in, pool):
    zero = {
        f"weight_{c}": 0 for c in ("overlap", "interests", "goals", "level", "gender", "continuity")
    }
    page = client.post(f"/terms/{pool[0].id}/rounds", data=run_form(**zero), follow_redirects=True)
    assert "At least one weight must be above 0." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MatchRound.id))) == 0


def test_round_with_nobody_approved(client, signed_in, make_term, make_user):
    term = make_term()
    make_user("student", term=term)  # applied, not approved
    page = client.post(f"/terms/{term.id}/rounds", data=run_form(), follow_redirects=True)
    assert "There is nobody to match yet" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MatchRound.id))) == 0


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
    with pytest.raises(ServiceError, match="Aiko is not approved"):
        rounds.run_round(term, settings(), by=coordinator)
    assert db.session.scalar(select(func.count(MatchRound.id))) == 1


def test_swap_volunteers(client, signed_in, pool):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    swap = {"student_id": students[0].id, "other_student_id": students[2].id}
    client.post(f"/terms/{term.id}/rounds/1/swap", data=swap)
    db.session.expire_all()
    round_ = db.session.get(MatchRound, round_.id)
    assert (students[0].id, volunteers[2].id) in pairs_of(round_)
    assert (students[2].id, volunteers[0].id) in pairs_of(round_)


def test_assign_by_hand_needs_reason_to_break_a_rule(pool, make_user, coordinator):
    term, students, volunteers = pool
    late = make_user("student", term=term, status="approved", display_name="Late",
                     availability=week_mornings())  # fmt: skip
    round_ = rounds.run_round(term, settings(), by=coordinator)
    adjust.unpair(round_, students[2].id, by=coordinator)
    assert late.id not in {p.student_id for p in round_.pairs}
    with pytest.raises(ServiceError, match="break a rule of matching"):
        adjust.pair_by_hand(round_, late.id, volunteers[2].id, by=coordinator)
    pair = adjust.pair_by_hand(round_, late.id, volunteers[2].id, by=coordinator,
                         reason="They already meet at church")  # fmt: skip
    assert pair.override_reason == "They already meet at church"
    assert pair.violations and pair.violations[0]["constraint"] == "overlap"
    db.session.expire_all()
    stored = db.session.get(MatchRound, round_.id)
    assert (late.id, volunteers[2].id) in pairs_of(stored)


def week_mornings():
    from tests.conftest import week

    return week((14, 18), (48 + 14, 48 + 18))  # Mon, Tue 07:00-09:00


def test_assign_refuses_a_full_volunteer(pool, make_user, coordinator):
    term, students, volunteers = pool
    extra = make_user("student", term=term, status="approved", display_name="Extra")
    round_ = rounds.run_round(term, settings(), by=coordinator)
    with pytest.raises(ServiceError, match="has no free place"):
        adjust.pair_by_hand(round_, extra.id, volunteers[0].id, by=coordinator, reason="x")


def test_adjust_errors_come_back_as_messages(client, signed_in, pool):
    term, students, _volunteers = pool
    rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    page = client.post(f"/terms/{term.id}/rounds/1/swap",
                       data={"student_id": students[0].id, "other_student_id": students[0].id},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Choose two different students" in page
    page = client.post(f"/terms/{term.id}/rounds/1/assign", data={}, follow_redirects=True)
    assert "Choose a student first." in page.get_data(as_text=True)
    assert client.post(f"/terms/{term.id}/rounds/1/explode", data={}).status_code == 404


def test_alternatives_page(client, signed_in, pool):
    term, students, volunteers = pool
    rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    page = client.get(f"/terms/{term.id}/rounds/1/alternatives?student={students[0].id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Laura" in text and "Jisoo" in text
    assert "would lose their partner" in text
    assert client.get(f"/terms/{term.id}/rounds/1/alternatives").status_code == 400


def test_compare_rounds(client, signed_in, pool):
    term, students, volunteers = pool
    first = rounds.run_round(term, settings(), by=signed_in)
    adjust.forbid_pair(first, students[0].id, volunteers[0].id, by=signed_in)
    rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    page = client.get(f"/terms/{term.id}/rounds/compare?a=1&b=2").get_data(as_text=True)
    assert "Pairs that differ" in page and "Minji" in page
    assert client.get(f"/terms/{term.id}/rounds/compare?a=1&b=9").status_code == 404


def test_remove_constraint(client, signed_in, pool):
    term, students, _volunteers = pool
    round_ = rounds.run_round(term, settings(), by=signed_in)
    adjust.lock_pair(round_, students[0].id, by=signed_in)
    db.session.commit()
    constraint = db.session.scalar(select(PairConstraint))
    client.post(f"/terms/{term.id}/constraints/{constraint.id}/delete?round=1")
    assert db.session.scalar(select(func.count(PairConstraint.id))) == 0


@pytest.mark.parametrize("role", ["student", "volunteer"])
def test_rounds_are_for_coordinators_only(client, auth, pool, role):
    term, students, volunteers = pool
    rounds.run_round(term, settings(), by=None)
    auth.login(students[0] if role == "student" else volunteers[0])
    assert client.get(f"/terms/{term.id}/rounds/1").status_code == 403
    assert client.post(f"/terms/{term.id}/rounds", data=run_form()).status_code == 403
    assert client.post(f"/terms/{term.id}/rounds/1/publish").status_code == 403
    assert client.get(f"/terms/{term.id}/pairs.csv").status_code == 403


def test_run_round_command(runner, pool):
    result = runner.invoke(args=["run-round", "Spring 2099"])
    assert result.exit_code == 0, result.output
    assert "Round 1 of Spring 2099: 3 pairs" in result.output
    result = runner.invoke(args=["run-round", "No Such Term"])
    assert result.exit_code == 1 and "No term is called" in result.output
