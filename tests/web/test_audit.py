"""The coordinators' audit page: who, what, when, about whom; filters and pages; it only reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent

UTC = dt.UTC


@pytest.fixture
def log(make_term, make_user, coordinator):
    """A small log: two coordinators, a student, two terms, over three days of May 2099."""
    spring, autumn = make_term(name="Spring 2099"), make_term(name="Autumn 2099")
    other = make_user("coordinator", display_name="Bora")
    student = make_user("student", display_name="Minji", term=spring)
    events = [
        AuditEvent(
            at=dt.datetime(2099, 5, 1, 9, tzinfo=UTC),
            actor_id=coordinator.id,
            action="term.created",
            term_id=spring.id,
        ),
        AuditEvent(
            at=dt.datetime(2099, 5, 2, 9, tzinfo=UTC),
            actor_id=other.id,
            action="enrollment.approved",
            subject_user_id=student.id,
            term_id=spring.id,
        ),
        AuditEvent(
            at=dt.datetime(2099, 5, 2, 16, tzinfo=UTC),
            actor_id=other.id,
            action="student_profile.viewed",
            subject_user_id=student.id,
            term_id=spring.id,
        ),
        AuditEvent(
            at=dt.datetime(2099, 5, 3, 9, tzinfo=UTC),
            actor_id=coordinator.id,
            action="term.created",
            term_id=autumn.id,
        ),
    ]
    db.session.add_all(events)
    db.session.commit()
    return {"spring": spring, "autumn": autumn, "other": other, "student": student}


def rows(page: str) -> list[str]:
    """The table's rows as text, cells joined by |."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [
        "|".join(re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", tr))
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_page_shows_who_what_when_about_whom(client, auth, coordinator, log):
    auth.login(coordinator)
    page = client.get("/audit").text
    found = rows(page)
    student = log["student"]
    assert found[0] == f"2099-05-03 18:00|Coord · #{coordinator.id}|Created a term|—|Autumn 2099"
    assert (
        f"2099-05-03 01:00|Bora · #{log['other'].id}|Viewed a student's profile|"
        f"Minji · #{student.id}|Spring 2099"
    ) in found  # 16:00 UTC is 01:00 the next day in Seoul, the coordinator's zone
    assert "When (Seoul)" in page
    assert 'method="post"' not in page.split("<main>", 1)[1]  # it only reads


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"action": "term.created"}, 2),
        ({"actor": "other"}, 2),
        ({"term": "autumn"}, 1),
        ({"since": "2099-05-02", "until": "2099-05-02"}, 1),  # Seoul days: 16:00 UTC is the 3rd
        ({"since": "2099-05-03"}, 2),
        ({"until": "2099-05-01"}, 1),
        ({"action": "term.created", "term": "spring"}, 1),
        ({}, 4),
    ],
)
def test_filters(client, auth, coordinator, log, query, expected):
    auth.login(coordinator)
    ids = {"other": log["other"].id, "autumn": log["autumn"].id, "spring": log["spring"].id}
    args = {key: str(ids.get(value, value)) for key, value in query.items()}
    page = client.get("/audit", query_string=args).text
    in_the_log = [r for r in rows(page) if "2099" in r.split("|")[0]]
    assert len(in_the_log) == expected


def test_filters_offer_what_the_log_holds(client, auth, coordinator, log):
    auth.login(coordinator)
    page = client.get("/audit").text
    assert '<option value="term.created">Created a term</option>' in page
    assert f'<option value="{log["other"].id}">Bora · #{log["other"].id}</option>' in page
    assert f'<option value="{log["autumn"].id}">Autumn 2099</option>' in page


@pytest.mark.parametrize(
    "query",
    [
        {"action": "no.such.thing"},
        {"actor": "9223372036854775808"},
        {"term": "x"},
        {"since": "9999-12-31"},
        {"since": "yesterday"},
        {"since": "2099-05-03", "until": "2099-05-01"},
        {"page": "0", "since": "yesterday"},
    ],
)
def test_bad_filters_say_so_and_show_nothing(client, auth, coordinator, log, query):
    auth.login(coordinator)
    response = client.get("/audit", query_string=query)
    assert response.status_code == 200
    assert "Correct the filters above to see the log." in response.text
    assert rows(response.text) == []


@pytest.mark.parametrize("page", ["0", "-3", "abc"])
def test_a_bad_page_number_says_so_and_links_to_the_first_page(
    client, auth, coordinator, log, page
):
    """Only the page number is wrong (nothing above is marked): say that, not "correct the
    filters above"."""
    auth.login(coordinator)
    response = client.get("/audit", query_string={"page": page, "term": str(log["spring"].id)})
    assert "This list has no such page." in response.text
    assert "Correct the filters above" not in response.text and rows(response.text) == []
    assert f'href="/audit?term={log["spring"].id}">Go to the first page</a>' in response.text


def test_pages_of_fifty_keep_the_filters(client, auth, coordinator, log):
    start = dt.datetime(2099, 6, 1, tzinfo=UTC)
    db.session.add_all(
        AuditEvent(
            at=start + dt.timedelta(minutes=i),
            actor_id=coordinator.id,
            action="pairs.exported",
            term_id=log["spring"].id,
        )
        for i in range(120)
    )
    db.session.commit()
    auth.login(coordinator)
    query = {"action": "pairs.exported", "term": str(log["spring"].id)}
    first = client.get("/audit", query_string=query).text
    assert "120 events" in first and "Page 1 of 3" in first
    assert len(rows(first)) == 50
    assert rows(first)[0].startswith("2099-06-01 10:59")  # newest first, in Seoul time
    link = re.search(r'href="(/audit\?[^"]*)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "action=pairs.exported" in link and f"term={log['spring'].id}" in link
    second = client.get(link).text
    assert "Page 2 of 3" in second and rows(second)[0].startswith("2099-06-01 10:09")
    last = client.get("/audit", query_string={**query, "page": "99999999"}).text
    assert "Page 3 of 3" in last and len(rows(last)) == 20


def test_unknown_query_keys_do_not_reach_the_links(client, auth, coordinator, log):
    db.session.add_all(
        AuditEvent(action="pairs.exported", actor_id=coordinator.id) for _ in range(60)
    )
    db.session.commit()
    auth.login(coordinator)
    page = client.get("/audit", query_string={"_external": "1", "_anchor": "x"}).text
    assert 'href="/audit?page=2"' in page


def test_a_person_who_left_is_not_named(client, auth, coordinator, log):
    from matcher.services import accounts
    from matcher.web.util import today, use_case
    from tests.helpers import PASSWORD

    student_id, bora = log["student"].id, log["other"].id
    with use_case():  # committed, as the page does: the next request sees it
        accounts.delete_account(log["student"], PASSWORD, today=today())
    auth.login(coordinator)
    page = client.get("/audit").text
    assert "Minji" not in page
    # PostgreSQL drops the identity (ON DELETE SET NULL); SQLite keeps the bare id.
    kept = db.session.scalar(
        select(AuditEvent.subject_user_id).where(AuditEvent.action == "enrollment.approved")
    )
    about = f"a person who left · #{student_id}" if kept else "—"
    assert f"Bora · #{bora}|Approved an application|{about}|Spring 2099" in "\n".join(
        r.split("|", 1)[1] for r in rows(page)
    )


@pytest.mark.parametrize("role", ["student", "volunteer"])
def test_only_coordinators_see_the_log(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/audit").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, coordinator):
    assert "/login" in client.get("/audit").location


def test_reading_the_log_writes_nothing(client, auth, coordinator, log):
    auth.login(coordinator)
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    client.get("/audit", query_string={"action": "term.created"})
    assert client.post("/audit").status_code == 405
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count
