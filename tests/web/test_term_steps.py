"""The term page's next step, the run form's kept adjustments, read-only earlier drafts
and past pairs, through the pages."""

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import MatchRound, Pair, RematchRequest
from matcher.services import adjust, rounds, terms
from matcher.web.util import today
from tests.helpers import run_form, settings


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


def _next_step(client, term):
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    return page.split('id="next-step"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    "status,sentence,button",
    [
        ("draft", "nobody can apply yet", "Open for applications"),
        ("open", "People can apply", "Close applications and start matching"),
        ("matching", "publish the round you choose", None),
        ("published", "The term is running", "Close the term"),
        ("closed", "This term is closed", None),
    ],
)
def test_the_term_page_says_the_next_step(client, signed_in, make_term, status, sentence, button):
    block = _next_step(client, make_term(status=status))
    assert sentence in block
    assert (button in block) if button else ("<button" not in block)


def test_the_next_step_button_moves_the_term_and_a_wrong_step_is_refused(
    client, signed_in, make_term
):
    term = make_term(status="draft")
    page = client.post(f"/terms/{term.id}/status", data={"status": "open"}, follow_redirects=True)
    assert "The term is now “Open for applications”." in page.get_data(as_text=True)
    page = client.post(f"/terms/{term.id}/status", data={"status": "closed"}, follow_redirects=True)
    assert "cannot go from" in page.get_data(as_text=True)
    page = client.post(f"/terms/{term.id}/status", data={"status": "x"}, follow_redirects=True)
    assert "Choose a status from the list." in page.get_data(as_text=True)
    db.session.expire_all()
    assert term.status == "open"


def test_the_run_form_counts_kept_adjustments_and_starts_fresh(client, signed_in, pool):
    term, students, _volunteers = pool
    first = rounds.run_round(term, settings(), by=signed_in)
    adjust.swap(first, students[0].id, students[1].id, by=signed_in)
    db.session.commit()
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert "This run keeps 2 adjustments of the term" in page
    assert "Start fresh: drop 2 adjustments" in page
    client.post(f"/terms/{term.id}/rounds", data=run_form(start_fresh="y"))
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert "This run keeps 0 adjustments" in page and "Start fresh" not in page


def test_an_earlier_draft_shows_no_adjust_buttons_but_can_be_published(client, signed_in, pool):
    term = pool[0]
    rounds.run_round(term, settings(), by=signed_in)
    rounds.run_round(term, settings(objective="fair"), by=signed_in)
    db.session.commit()
    old = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    assert "This draft is read-only" in old and "Publish this round" in old
    assert ">Lock<" not in old and ">Swap<" not in old
    latest = client.get(f"/terms/{term.id}/rounds/2").get_data(as_text=True)
    assert ">Lock<" in latest and ">Swap<" in latest
    page = client.post(f"/terms/{term.id}/rounds/1/publish", follow_redirects=True)
    assert "Round 1 is published" in page.get_data(as_text=True)
    after = client.get(f"/terms/{term.id}/rounds/2").get_data(as_text=True)
    assert "Publish this round" not in after and ">Lock<" not in after
    compare = client.get(f"/terms/{term.id}/rounds/compare?a=1&b=2")
    assert compare.status_code == 200
    assert db.session.get(MatchRound, rounds.get_round(term, 1).id).status == "published"


def test_a_closed_term_shows_a_past_pair_without_a_rematch_request(
    client, auth, published, coordinator
):
    term, students, _volunteers = published
    terms.change_status(term, "closed", by=coordinator, today=today())
    db.session.commit()
    auth.login(students[0])
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "past pair" in main and "Aiko" in main and "How to contact" in main
    assert "Ask the coordinators for a different partner" not in main
    pair_id = db.session.scalar(select(Pair.id).where(Pair.student_id == students[0].id))
    page = client.post(f"/my-pair/{pair_id}/rematch", data={"reason": "x"}, follow_redirects=True)
    assert "its pairs are past pairs" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RematchRequest.id))) == 0
