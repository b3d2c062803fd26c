"""`/account/data.json`: everything kept about the person who asks, and nothing else."""

from __future__ import annotations

import dataclasses

from matcher.extensions import db
from matcher.models import User
from matcher.services import pairs
from matcher.services.pairs import PartnerCard
from matcher.web.util import today
from tests.helpers import pair_of


def _download(client, auth, user: User) -> tuple[dict, str]:
    auth.login(user)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_json(), response.text


def test_a_student_gets_her_profile_pair_requests_and_emails(client, auth, published):
    term, students, volunteers = published
    minji = students[0]
    pair = pair_of(minji)
    partner = db.session.get(User, pair.volunteer_id)
    minji.student_profile.notes = "Coordinators only: careful with her"
    pairs.request_rematch(minji, pair, "We never find a time")
    pairs.request_rematch(partner, pair, "Her partner's private words")
    db.session.commit()
    data, text = _download(client, auth, minji)
    assert data["email"] == minji.email and data["display_name"] == "Minji"
    assert data["applications"] == [{"term": term.name, "status": "approved", "continue": False}]
    profile = data["profile"]
    assert profile["english_level"] == "A2" and profile["interests"] == ["music"]
    for secret in ("notes", "id", "user_id"):
        assert secret not in profile
    assert "careful with her" not in text
    assert profile["legal_name"] == minji.student_profile.legal_name  # her own answer
    # the pair as she sees it: the partner card, and no more of the partner
    [card] = data["pairs"]
    assert set(card) == {f.name for f in dataclasses.fields(PartnerCard)}
    assert card["display_name"] == partner.display_name and card["term_name"] == term.name
    assert card["contact"] == partner.volunteer_profile.contact
    assert card["common_in_my_zone"][0]["intervals"][0] == {"day": 0, "start": 1140, "end": 1320}
    assert partner.email not in text
    # her own request with her words; not the partner's (the partner's is private)
    [request] = data["rematch_requests"]
    assert request["reason"] == "We never find a time" and request["term"] == term.name
    assert request["created_at"] and request["resolved_at"] is None
    assert "private words" not in text
    # the emails sent to her: kind and dates only
    assert [(n["kind"], n["sent_at"]) for n in data["notifications"]] == [("partner_ready", None)]
    assert set(data["notifications"][0]) == {"kind", "created_at", "sent_at"}
    assert "password" not in text and minji.session_token not in text


def test_a_volunteer_gets_his_ended_pairs_with_dates_only(client, auth, published, coordinator):
    term, students, volunteers = published
    pair = pair_of(students[1])
    volunteer = db.session.get(User, pair.volunteer_id)
    pairs.end_pair(pair, "A coordinator's reason", by=coordinator, today=today())
    db.session.commit()
    data, text = _download(client, auth, volunteer)
    assert data["pairs"] == []
    assert data["ended_pairs"] == [
        {"term": term.name, "started_on": str(pair.started_on), "ended_on": str(today())}
    ]
    assert "A coordinator's reason" not in text and "Haneul" not in text
    assert data["profile"]["experience"] == "some"


def test_a_coordinator_gets_their_account(client, auth, coordinator):
    data, _text = _download(client, auth, coordinator)
    assert data["email"] == coordinator.email and data["role"] == "coordinator"
    assert data["pairs"] == [] and data["rematch_requests"] == [] and "profile" not in data
