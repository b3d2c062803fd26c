"""Matching rounds through the pages and the command line."""

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import MatchRound, PairConstraint
from matcher.models.base import as_utc
from matcher.services import adjust, rounds
from tests.helpers import pairs_of, run_form, settings


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


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


def test_the_term_page_says_when_rounds_ran_in_the_coordinators_zone(client, signed_in, pool):
    term = pool[0]
    signed_in.timezone = "Asia/Seoul"
    round_ = rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    seoul = as_utc(round_.created_at).astimezone(ZoneInfo("Asia/Seoul"))
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert "Run at (Seoul)" in page
    assert f"<td>{seoul:%Y-%m-%d %H:%M}</td>" in page


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
    response = client.post(
        f"/terms/{term.id}/rounds", data=run_form(**{field: value}), follow_redirects=True
    )
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


def test_swap_of_two_students_with_one_volunteer_is_refused(client, signed_in, pool):
    """Seen in the demo (volunteers with two students): the swap form's first two choices
    shared a volunteer, and swapping them said "Saved." and kept two do-nothing adjustments."""
    term, students, _volunteers = pool
    round_ = rounds.run_round(term, settings(), by=signed_in)
    first, second = (p for p in round_.pairs if p.student_id in (students[0].id, students[1].id))
    second.volunteer_id = first.volunteer_id  # as a volunteer who takes two students
    db.session.commit()
    before = pairs_of(round_)
    page = client.post(
        f"/terms/{term.id}/rounds/1/swap",
        data={"student_id": students[0].id, "other_student_id": students[1].id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "These two students have the same volunteer" in page and "Saved." not in page
    db.session.expire_all()
    assert pairs_of(db.session.get(MatchRound, round_.id)) == before
    assert db.session.scalar(select(func.count(PairConstraint.id))) == 0


def test_the_swap_form_starts_on_two_students_with_different_volunteers(client, signed_in, pool):
    """In the demo the form's first two choices shared a volunteer: swapping them is refused."""
    term, students, _volunteers = pool
    round_ = rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    page = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    swap_form = page.split('name="other_student_id"')[1].split("</select>")[0]
    order = [int(v) for v in re.findall(r'<option value="(\d+)"', swap_form)]
    by_student = {p.student_id: p for p in round_.pairs}
    last = by_student[order[-1]]
    for student_id in order[:-1]:  # everyone but the last row shares the first row's volunteer
        by_student[student_id].volunteer_id = by_student[order[0]].volunteer_id
    db.session.commit()
    page = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    swap_form = page.split('name="other_student_id"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d+)" selected>', swap_form) == [str(last.student_id)]


def test_adjust_errors_come_back_as_messages(client, signed_in, pool):
    term, students, _volunteers = pool
    rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    page = client.post(
        f"/terms/{term.id}/rounds/1/swap",
        data={"student_id": students[0].id, "other_student_id": students[0].id},
        follow_redirects=True,
    ).get_data(as_text=True)
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
