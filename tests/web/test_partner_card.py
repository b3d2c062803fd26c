"""What a partner sees is a PartnerCard: never a legal name, a coordinator's note or an email."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from jinja2 import meta
from sqlalchemy import select

from matcher import engine
from matcher.extensions import db
from matcher.models import Pair, Term
from matcher.services import leaving, pairs, publishing, rounds
from matcher.services.leaving import EndedNotice
from matcher.services.pairs import CommonPeriod, PartnerCard

SEOUL_EVENINGS = "".join(
    "1" if slot % 48 in range(38, 44) and slot < 3 * 48 else "0" for slot in range(336)
)
SECRETS = ("Kim Hidden-Legal", "Fled in 2019, family still there", "minji.private@example.org")


@pytest.fixture
def published_pair(make_term, make_user, coordinator):
    """A volunteer paired with a student who has a legal name, notes and a private email."""
    term = make_term(
        name="Spring 2099", starts_on=dt.date(2099, 1, 5), ends_on=dt.date(2099, 4, 24)
    )
    student = make_user(
        "student",
        term=term,
        status="approved",
        display_name="Minji",
        email=SECRETS[2],
        legal_name=SECRETS[0],
        notes=SECRETS[1],
        contact="KakaoTalk: minji88",
        availability=SEOUL_EVENINGS,
    )
    volunteer = make_user(
        "volunteer",
        term=term,
        status="approved",
        display_name="Aiko",
        timezone="Asia/Tokyo",
        contact="LINE: aiko",
        availability=SEOUL_EVENINGS,
    )
    round_ = rounds.run_round(term, engine.Settings(), by=coordinator)
    publishing.publish_round(round_, by=coordinator, today=dt.date(2099, 1, 1))
    db.session.commit()
    return student, volunteer


def test_the_volunteer_sees_the_card_and_nothing_private(client, auth, published_pair):
    student, volunteer = published_pair
    auth.login(volunteer)
    page = client.get("/my-pair").get_data(as_text=True)
    main = page.split("<main>")[1]
    assert "Minji" in main and "KakaoTalk: minji88" in main and "A2 elementary" in main
    assert "Your common time each week: 9.0 hours" in main
    for secret in SECRETS:
        assert secret not in page
    assert student.email not in page


def test_the_student_sees_the_volunteers_card(client, auth, published_pair):
    student, volunteer = published_pair
    auth.login(student)
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "Aiko" in main and "LINE: aiko" in main and "Some (tutoring" in main
    assert volunteer.email not in main


def _plain(value: object) -> bool:
    """A value a template may hold: text, numbers, dates, and tuples of those or of times."""
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, CommonPeriod | engine.Interval):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    return value is None or isinstance(value, str | int | float | dt.date)


def test_a_card_is_frozen_and_holds_only_plain_values(published_pair):
    student, volunteer = published_pair
    (card,) = pairs.partner_cards(volunteer, dt.date(2099, 1, 1))
    assert isinstance(card, PartnerCard)
    for field in dataclasses.fields(card):
        assert _plain(getattr(card, field.name)), field.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.contact = "changed"  # type: ignore[misc]
    assert (card.display_name, card.role, card.english_level) == ("Minji", "student", "A2")


def test_the_page_reads_nothing_but_cards(app):
    """The template's free names: the cards, the notices of an ended pair, the request
    form, its macro and helpers, and the pair's own row of weeks (services.checkins.Progress:
    dates and met or not, nobody's data)."""
    source, _filename, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, "pairs/mine.html")
    names = meta.find_undeclared_variables(app.jinja_env.parse(source))
    assert names <= {"cards", "notices", "form", "times", "labels", "_", "url_for", "progress"}, (
        names
    )


def test_an_ended_pair_notice_names_nobody(published_pair):
    """While a person waits for a new partner, their notice holds no name and no why."""
    student, volunteer = published_pair
    pair = db.session.scalar(select(Pair).where(Pair.student_id == student.id))
    leaving.withdraw_self(student, db.session.get(Term, pair.term_id), today=dt.date(2099, 1, 1))
    (notice,) = leaving.ended_notices(volunteer)
    assert isinstance(notice, EndedNotice) and notice.partner_left
    assert {f.name for f in dataclasses.fields(notice)} == {"term_name", "ended_on", "partner_left"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        notice.partner_left = False  # type: ignore[misc]


def test_partners_in_one_zone_read_their_times_once(client, auth, published_pair):
    """Seen in the demo: two people in Seoul each read the same list twice, "in your time
    (Seoul)" and "in Minji's time (Seoul)"."""
    student, volunteer = published_pair
    auth.login(student)
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "In your time (Seoul)" in main and "In Aiko’s time (Tokyo)" in main
    auth.logout()
    volunteer.timezone = "Asia/Seoul"
    db.session.commit()
    auth.login(student)
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "In your time (Seoul)" in main and "Aiko’s time" not in main
