"""Deletion that deletes: after a person deletes their account, no table names or
describes them, and the rounds they were part of keep their figures with "a person who
left" in their place."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import (
    AuditEvent,
    Enrollment,
    MatchRound,
    RematchRequest,
    RoundPair,
    TokenPurpose,
    User,
)
from matcher.models.base import utcnow
from matcher.services import accounts, adjust, audit, pairs, publishing, rounds, tokens
from matcher.web.util import today, use_case
from tests.helpers import PASSWORD, pair_of, search_every_table, settings


@pytest.fixture
def minji(published, make_term, make_user, coordinator):
    """Minji (legal name Kim Minji) everywhere a person can be: a published pair that her
    partner and she asked to change (naming her), the outbox, an emailed link, the audit
    log, and a second term's draft round (with Sora) where a coordinator forbade her pair,
    paired her by hand over a rule with a reason naming her, and where a volunteer is
    unmatched because the students he could take, she and Sora, are taken."""
    term, students, volunteers = published
    minji = students[0]
    pair = pair_of(minji)
    partner = db.session.get(User, pair.volunteer_id)
    pairs.request_rematch(partner, pair, "Minji never comes")
    pairs.request_rematch(minji, pair, "Minji here: another time please")
    audit.record(coordinator, "read.person", subject=minji, term_id=term.id)
    tokens.issue(
        minji,
        TokenPurpose.EMAIL_CHANGE,
        now=utcnow(),
        lifetime=dt.timedelta(hours=48),
        email="minji.new@example.org",
    )
    autumn = make_term(
        name="Autumn 2099", starts_on=dt.date(2099, 8, 31), ends_on=dt.date(2099, 12, 18)
    )
    busan = make_user("volunteer", term=autumn, status="approved", format="in_person", city="Busan")
    for person in (minji, students[2], *volunteers):
        db.session.add(Enrollment(term=autumn, user=person, status="approved"))
    db.session.commit()
    draft = rounds.run_round(autumn, settings(), by=coordinator)
    first = next(p for p in draft.pairs if p.student_id == minji.id)
    adjust.forbid_pair(draft, minji.id, first.volunteer_id, by=coordinator)
    adjust.pair_by_hand(draft, minji.id, busan.id, by=coordinator, reason="Minji knows Busan")
    db.session.commit()
    return {"user": minji, "term": term, "autumn": autumn, "draft": draft, "partner": partner}


def _delete(user: User) -> None:
    with use_case():  # committed, as the page does
        accounts.delete_account(user, PASSWORD, today=today())


def test_nothing_names_her_in_any_table_afterwards(minji):
    user = minji["user"]
    needles = (user.email, user.display_name, user.student_profile.legal_name)
    assert needles[2] == "Kim Minji"
    before = search_every_table(*needles)
    assert {"user.email", "match_round.snapshot", "rematch_request.reason"} <= set(before.found)
    assert "match_round.result" in before.found  # a volunteer's reason named her
    assert "round_pair.override_reason" in before.found
    assert "audit_event.detail" in before.found  # the override's reason
    assert "email_token.email" in before.found  # her new address, waiting for its link
    _delete(user)
    after = search_every_table(*needles, "minji.new@example.org")
    assert after.found == {}
    assert after.tables == len(db.metadata.sorted_tables) and after.rows > 0


def test_no_row_points_at_her(minji):
    user_id = minji["user"].id
    _delete(minji["user"])
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == "user":
                count = db.session.scalar(
                    select(func.count()).select_from(table).where(key.parent == user_id)
                )
                assert count == 0, f"{table.name}.{key.parent.name}"


def test_her_round_keeps_its_figures_with_a_person_who_left(minji, client, auth, coordinator):
    draft: MatchRound = minji["draft"]
    before = rounds.view_round(draft)
    figures = (draft.matched, len(before.pairs), len(before.unmatched_students))
    unmatched_volunteers = len(before.unmatched_volunteers)
    _delete(minji["user"])
    draft = db.session.get(MatchRound, draft.id)
    after = rounds.view_round(draft)
    assert (draft.matched, len(after.pairs), len(after.unmatched_students)) == figures
    assert len(after.unmatched_volunteers) == unmatched_volunteers
    placeholders = [s for s in draft.snapshot["students"] if s.get("left")]
    assert placeholders == [{"id": "left-1", "left": True}]
    kept = db.session.scalars(
        select(RoundPair).where(RoundPair.round_id == draft.id, RoundPair.student_id.is_(None))
    ).all()
    assert [(p.override_reason, p.breakdown, p.violations) for p in kept] == [("", [], [])]
    names = sorted(row.student_name.split(" · ")[0] for row in after.pairs)  # "Sora · #4 · Seoul"
    assert names == ["Sora", "a person who left"]
    auth.login(coordinator)
    page = client.get(f"/terms/{draft.term_id}/rounds/{draft.number}").text
    assert "a person who left" in page and "Minji" not in page
    assert '<span class="muted">a person who left</span>' in page  # no link, no action
    assert "student=None" not in page and 'value="None"' not in page


def test_her_round_can_still_be_read_run_and_published(minji, coordinator):
    autumn, draft = minji["autumn"], minji["draft"]
    _delete(minji["user"])
    draft = db.session.get(MatchRound, draft.id)
    volunteer = next(v for v in rounds.view_round(draft).unmatched_volunteers if v.user_id)
    found = adjust.alternatives(draft, volunteer_id=volunteer.user_id)
    assert [a.name.split(" · ")[0] for a in found] == ["Sora"]
    assert rounds.run_round(db.session.merge(autumn), settings(), by=coordinator).matched == 1
    db.session.rollback()
    draft = db.session.get(MatchRound, draft.id)
    outcome = publishing.publish_round(draft, by=coordinator, today=today())
    assert outcome.pairs == 1  # Sora's; the pair with the person who left is not published
    db.session.commit()


def test_the_published_term_and_the_audit_log_forget_her(minji, client, auth, coordinator):
    user, term, partner = minji["user"], minji["term"], minji["partner"]
    user_id = user.id
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    _delete(user)
    # the partner's request stays, without its words (they described her)
    left = db.session.scalars(select(RematchRequest)).all()
    assert [(r.requested_by_id, r.reason) for r in left] in ([], [(partner.id, "")])
    # every event stays (two more: her pair ended, and the deletion), none says who she was
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events + 2
    for event in db.session.scalars(select(AuditEvent)):
        assert user_id not in (event.actor_id, event.subject_user_id)
        assert user_id not in (event.detail.get("student"), event.detail.get("volunteer"))
    auth.login(coordinator)
    for url in (
        "/audit",
        f"/terms/{term.id}",
        f"/terms/{term.id}/pairs",
        f"/terms/{term.id}/rounds/1",
        f"/terms/{minji['autumn'].id}/rounds/compare?a=1&b=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Minji" not in response.text, url


def test_other_rounds_name_her_in_nobody_elses_reason(minji):
    draft = minji["draft"]
    reasons = [u["text"] for u in draft.result["unmatched_volunteers"]]
    assert any("Minji" in text for text in reasons)
    _delete(minji["user"])
    draft = db.session.get(MatchRound, draft.id)
    reasons = [u["text"] for u in draft.result["unmatched_volunteers"]]
    assert reasons and not any("Minji" in text for text in reasons)
    assert any("a person who left" in text for text in reasons)
    ids = [u["facts"].get("ids") or [] for u in draft.result["unmatched_volunteers"]]
    assert any("left-1" in found and str(minji["user"].id) not in found for found in ids)


def test_each_person_who_leaves_keeps_their_own_placeholder(minji, published):
    draft = minji["draft"]
    sora = published[1][2]
    _delete(sora)  # she leaves first: "left-1" stays hers when Minji leaves after her
    _delete(db.session.merge(minji["user"], load=True))
    draft = db.session.get(MatchRound, draft.id)
    assert [s["id"] for s in draft.snapshot["students"]] == ["left-2", "left-1"]  # Minji, Sora
    view = rounds.view_round(draft)
    assert draft.matched == len(view.pairs) == 2
    assert {row.student_name for row in view.pairs} == {"a person who left"}
