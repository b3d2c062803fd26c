"""The term's people table (services/people.py): search, each filter, everyone matching, the
bulk actions and their refusals; the labels that tell namesakes apart; one open term; the
one-click application to the next term."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import (
    AuditEvent,
    Enrollment,
    Notification,
    NotificationKind,
    Pair,
    Term,
    TermStatus,
)
from matcher.models.base import utcnow
from matcher.services import ServiceError, people, profiles, rounds, terms
from matcher.services.naming import label_of, person_label, place
from matcher.services.people import PeopleQuery
from matcher.services.terms import TermData
from matcher.web.util import today
from tests.helpers import settings


def names(term, **query):
    return [row.user.display_name for row in people.find_people(term, PeopleQuery(**query))]


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def cohort(make_term, make_user):
    """A term with people in every state the filters tell apart."""
    term = make_term(name="Cohort term")
    made = {
        "complete": make_user("student", term=term, display_name="Mirae", city="Seoul"),
        "namesake": make_user(
            "student", term=term, display_name="Mirae", timezone="Asia/Tokyo", email="m2@x.org"
        ),
        "half": make_user(
            "student", term=term, display_name="Half Park", complete=False, goals=["academic"]
        ),
        "approved": make_user(
            "volunteer", term=term, display_name="Émile", status="approved", email="EMILE@x.org"
        ),
        "withdrawn": make_user("volunteer", term=term, display_name="Gone", status="withdrawn"),
    }
    invited = make_user("student", term=term, display_name="Invited Kim", complete=False)
    invited.password_hash = invited.email_confirmed_at = None  # as roster_import makes them
    made["invited"] = invited
    # Signed up at /register and never followed the emailed link: a password, no confirmation,
    # and the empty profile that registration makes.
    made["unconfirmed"] = unconfirmed(
        make_user("student", term=term, display_name="Una Lee", complete=False)
    )
    db.session.commit()
    return term, made


def unconfirmed(user):
    """`user` as a sign-up that was never confirmed (accounts.register makes the same)."""
    user.email_confirmed_at = None
    db.session.commit()
    return user


def test_search_by_name_email_and_short_id(cohort):
    term, made = cohort
    assert names(term, search="mirae") == ["Mirae", "Mirae"]
    assert names(term, search="émile") == ["Émile"]  # case-folded beyond ASCII, on any database
    assert names(term, search="emile@X.ORG") == ["Émile"]
    assert names(term, search=f"#{made['half'].id}") == ["Half Park"]
    assert names(term, search=f"#{made['half'].id}0") == []
    assert names(term, search="nobody") == []


def test_students_first_then_volunteers_each_by_name(cohort):
    term, made = cohort
    rows = people.find_people(term, PeopleQuery())
    assert [row.user.display_name for row in rows] == [
        "Half Park",
        "Invited Kim",
        "Mirae",
        "Mirae",
        "Una Lee",
        "Gone",
        "Émile",
    ]
    assert rows[2].user == made["complete"]  # namesakes by id


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"show": "incomplete"}, {"half", "invited", "unconfirmed"}),
        ({"show": "no_availability"}, {"half", "invited", "unconfirmed"}),
        ({"show": "not_accepted"}, {"invited"}),  # an imported person is not "unconfirmed"
        ({"show": "unconfirmed"}, {"unconfirmed"}),
        ({"show": "unconfirmed", "role": "volunteer"}, set()),
        ({"status": "approved"}, {"approved"}),
        ({"status": "withdrawn"}, {"withdrawn"}),
        ({"role": "volunteer"}, {"approved", "withdrawn"}),
        ({"role": "student", "search": "mirae"}, {"complete", "namesake"}),
        ({"show": "unmatched"}, {"approved"}),
        ({"show": "paired"}, set()),
    ],
)
def test_each_filter(cohort, query, expected):
    term, made = cohort
    ids = {row.user.id for row in people.find_people(term, PeopleQuery(**query))}
    assert ids == {made[key].id for key in expected}


def test_incomplete_filter_and_reminder_use_the_same_missing_items(cohort):
    term, made = cohort
    row = next(r for r in people.find_people(term, PeopleQuery()) if r.user == made["half"])
    assert row.completeness == profiles.completeness(made["half"])
    assert {str(m) for m in row.completeness.missing} >= {"English level", "contact to share"}


def test_paired_and_unmatched_follow_the_published_pairs(published):
    term, students, volunteers = published
    assert {r.user.id for r in people.find_people(term, PeopleQuery(show="paired"))} == {
        p.id for p in students + volunteers
    }
    assert people.find_people(term, PeopleQuery(show="unmatched")) == []


@pytest.mark.parametrize(
    "query", [{"role": "coordinator"}, {"status": "gone"}, {"show": "x"}, {"search": "a" * 201}]
)
def test_unknown_filters_are_refused(cohort, query):
    term, _made = cohort
    with pytest.raises(ServiceError):
        people.find_people(term, PeopleQuery(**query))


def test_pages(make_term, make_user):
    term = make_term()
    for n in range(7):
        make_user("student", term=term, display_name=f"P{n}")
    rows = people.find_people(term, PeopleQuery())
    page = people.page_of(rows, 2, per_page=3)
    assert ([r.user.display_name for r in page.rows], page.total, page.pages) == (
        ["P3", "P4", "P5"],
        7,
        3,
    )
    assert people.page_of(rows, 99, per_page=3).page == 3  # past the end: the last page


def approve_every_student(term, coordinator) -> people.BulkOutcome:
    """The bulk bar's "approve everyone who matches", on every page, for the term's students."""
    return people.bulk_action(
        term,
        "approved",
        everyone_matching=PeopleQuery(role="student"),
        by=coordinator,
        today=today(),
    )


def test_bulk_approve_everyone_matching_covers_every_page(make_term, make_user, coordinator):
    term = make_term()
    made = [make_user("student", term=term) for _ in range(people.PER_PAGE + 5)]
    other = make_user("student", term=make_term(), display_name="Other term")
    outcome = approve_every_student(term, coordinator)
    db.session.commit()
    assert outcome.changed == len(made) == people.PER_PAGE + 5
    assert count(Enrollment, Enrollment.term_id == term.id, Enrollment.status == "approved") == len(
        made
    )
    assert other.enrollments[0].status == "applied"


def test_everyone_matching_is_the_filter_run_again(cohort, coordinator):
    term, made = cohort
    people.bulk_action(
        term,
        "approved",
        everyone_matching=PeopleQuery(search="Mirae"),
        by=coordinator,
        today=today(),
    )
    db.session.commit()
    approved = {e.user_id for e in db.session.scalars(select(Enrollment)) if e.status == "approved"}
    assert approved == {made["complete"].id, made["namesake"].id, made["approved"].id}


def test_nothing_matching_is_refused(cohort, coordinator):
    term, _made = cohort
    with pytest.raises(ServiceError, match="Nobody matches"):
        people.bulk_action(
            term,
            "approved",
            everyone_matching=PeopleQuery(search="nobody"),
            by=coordinator,
            today=today(),
        )


def test_bulk_refusals_write_nothing(cohort, coordinator, make_term, make_user):
    term, made = cohort
    stranger = make_user("student", term=make_term())
    events = count(AuditEvent)
    for action, ids in (
        ("approved", [made["half"].enrollments[0].id, stranger.enrollments[0].id]),
        ("approved", []),
        ("delete", [made["half"].enrollments[0].id]),
        ("remind", [made["complete"].enrollments[0].id, made["invited"].enrollments[0].id]),
    ):
        with pytest.raises(ServiceError):
            people.bulk_action(term, action, enrollment_ids=ids, by=coordinator, today=today())
        db.session.rollback()
    assert count(AuditEvent) == events
    assert count(Notification) == 0
    assert count(Enrollment, Enrollment.status == "approved") == 1  # the fixture's one


def test_bulk_withdraw_ends_the_pairs_of_the_withdrawn(published, coordinator):
    term, students, _volunteers = published
    ids = [students[0].enrollments[0].id, students[1].enrollments[0].id]
    outcome = people.bulk_action(
        term, "withdrawn", enrollment_ids=ids, by=coordinator, today=today()
    )
    db.session.commit()
    assert outcome.changed == 2
    ended = db.session.scalars(select(Pair).where(Pair.status == "ended")).all()
    assert {p.student_id for p in ended} == {students[0].id, students[1].id}
    assert count(Pair, Pair.status == "active") == 1


def test_remind_queues_one_email_per_incomplete_person(cohort, coordinator):
    term, made = cohort
    chosen = [made[key].enrollments[0].id for key in ("complete", "half", "invited", "withdrawn")]
    outcome = people.bulk_action(
        term, "remind", enrollment_ids=chosen, by=coordinator, today=today()
    )
    db.session.commit()
    assert (outcome.changed, outcome.skipped) == (1, 3)  # complete, invited, withdrawn left out
    (note,) = db.session.scalars(select(Notification)).all()
    assert (note.user_id, note.kind, note.term_id) == (
        made["half"].id,
        NotificationKind.PROFILE_REMINDER,
        term.id,
    )
    assert count(AuditEvent, AuditEvent.action == "profile.reminded") == 1
    # Reminding again makes the same email wait again: never a pile of them.
    people.bulk_action(term, "remind", enrollment_ids=chosen, by=coordinator, today=today())
    db.session.commit()
    assert count(Notification) == 1


# Sign-ups whose address is not confirmed


def test_the_unconfirmed_count_is_the_filters_count(cohort, make_term, make_user):
    term, made = cohort
    gone = unconfirmed(make_user("volunteer", term=term, status="withdrawn", complete=False))
    unconfirmed(make_user("student", term=make_term(), complete=False))  # another term's
    found = people.find_people(term, PeopleQuery(show="unconfirmed"))
    assert {row.user.id for row in found} == {made["unconfirmed"].id, gone.id}
    assert people.unconfirmed_count(term) == len(found) == 2
    made["unconfirmed"].email_confirmed_at = utcnow()  # they followed the link
    db.session.commit()
    assert [row.user for row in people.find_people(term, PeopleQuery(show="unconfirmed"))] == [gone]
    assert people.unconfirmed_count(term) == 1


def approved_ids():
    return {e.user_id for e in db.session.scalars(select(Enrollment)) if e.status == "approved"}


def test_approving_everyone_matching_leaves_the_unconfirmed_out(cohort, coordinator):
    term, made = cohort
    outcome = approve_every_student(term, coordinator)
    db.session.commit()
    assert (outcome.changed, outcome.unconfirmed) == (4, 1)
    assert approved_ids() == {made[k].id for k in ("complete", "namesake", "half", "invited")} | {
        made["approved"].id
    }
    approvals = select(AuditEvent).where(AuditEvent.action == "enrollment.approved")
    assert made["unconfirmed"].id not in {e.subject_user_id for e in db.session.scalars(approvals)}


@pytest.mark.parametrize("through", ["bulk_action", "set_enrollment_status"])
def test_approving_only_unconfirmed_people_is_refused(cohort, coordinator, through):
    """Refused in the use case that approves, whoever calls it: a person page's button, the
    bulk bar, or another use case."""
    term, made = cohort
    ids = [made["unconfirmed"].enrollments[0].id]
    if through == "set_enrollment_status":
        ids.append(made["half"].enrollments[0].id)  # nothing half-done: Half stays applied
    events = count(AuditEvent)
    with pytest.raises(ServiceError, match="they have not confirmed their email address yet"):
        if through == "bulk_action":
            people.bulk_action(term, "approved", enrollment_ids=ids, by=coordinator, today=today())
        else:
            terms.set_enrollment_status(term, ids, "approved", by=coordinator, today=today())
    db.session.rollback()
    assert approved_ids() == {made["approved"].id}
    assert count(AuditEvent) == events


def test_an_unconfirmed_person_can_be_withdrawn_and_once_confirmed_approved(cohort, coordinator):
    term, made = cohort
    una = made["unconfirmed"]
    ids = [una.enrollments[0].id]
    withdrawn = people.bulk_action(
        term, "withdrawn", enrollment_ids=ids, by=coordinator, today=today()
    )
    back = people.bulk_action(term, "applied", enrollment_ids=ids, by=coordinator, today=today())
    assert (withdrawn.changed, back.changed) == (1, 1)
    una.email_confirmed_at = utcnow()
    outcome = people.bulk_action(
        term, "approved", enrollment_ids=ids, by=coordinator, today=today()
    )
    db.session.commit()
    assert (outcome.changed, outcome.unconfirmed) == (1, 0)
    assert una.id in approved_ids()


def test_remind_leaves_out_the_unconfirmed_and_counts_them_apart(cohort, coordinator):
    term, made = cohort
    chosen = [made[key].enrollments[0].id for key in ("complete", "half", "unconfirmed")]
    outcome = people.bulk_action(
        term, "remind", enrollment_ids=chosen, by=coordinator, today=today()
    )
    db.session.commit()
    assert (outcome.changed, outcome.skipped, outcome.unconfirmed) == (1, 1, 1)
    assert [n.user_id for n in db.session.scalars(select(Notification))] == [made["half"].id]
    only_them = [made["unconfirmed"].enrollments[0].id, made["complete"].enrollments[0].id]
    with pytest.raises(ServiceError, match="have not confirmed their email address yet"):
        people.bulk_action(term, "remind", enrollment_ids=only_them, by=coordinator, today=today())
    db.session.rollback()
    assert count(Notification, Notification.user_id == made["unconfirmed"].id) == 0


# Labels that tell people apart


def test_labels_tell_namesakes_apart(cohort):
    _term, made = cohort
    first, second = label_of(made["complete"]), label_of(made["namesake"])
    assert first == f"Mirae · #{made['complete'].id} · Seoul"
    assert second == f"Mirae · #{made['namesake'].id} · Tokyo"
    assert place("", "America/New_York") == "New York" and place(" Busan ", "Asia/Seoul") == "Busan"
    assert person_label("Mirae", 41) == "Mirae · #41"


def test_round_pages_label_people_from_the_snapshot(make_term, make_user, coordinator):
    term = make_term(starts_on=dt.date(2099, 1, 5), ends_on=dt.date(2099, 4, 24))
    seoul = make_user("student", term=term, status="approved", display_name="Mirae")
    busan = make_user("student", term=term, status="approved", display_name="Mirae", city="Busan")
    make_user("volunteer", term=term, status="approved", display_name="Sam", timezone="Asia/Seoul")
    round_ = rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    busan.student_profile.city = "Daegu"  # a later edit does not change the round's labels
    db.session.commit()
    view = rounds.view_round(round_)
    shown = {row.student_name for row in view.pairs} | {u.name for u in view.unmatched_students}
    assert shown == {f"Mirae · #{seoul.id} · Seoul", f"Mirae · #{busan.id} · Busan"}


# One open term


def term_data(name, status="open"):
    day = dt.date(2099, 1, 1)
    return TermData(
        name=name,
        starts_on=day,
        ends_on=day + dt.timedelta(days=100),
        applications_open_on=day - dt.timedelta(days=30),
        applications_close_on=day,
        status=status,
    )


def test_only_one_term_is_open_at_a_time(app, coordinator):
    first = terms.create_term(term_data("Spring 2099"), by=coordinator)
    draft = terms.create_term(term_data("Autumn 2099", "draft"), by=coordinator)
    db.session.commit()
    with pytest.raises(ServiceError, match="Spring 2099 is open for applications already"):
        terms.change_status(draft, "open", by=coordinator, today=today())
    with pytest.raises(ServiceError, match="Spring 2099 is open"):
        terms.create_term(term_data("Winter 2099"), by=coordinator)
    with pytest.raises(ServiceError, match="Spring 2099 is open"):
        terms.update_term(draft, term_data("Autumn 2099"), by=coordinator, today=today())
    db.session.rollback()
    assert db.session.get(Term, draft.id).status == TermStatus.DRAFT
    assert count(Term) == 2
    # Once the first moves on to matching, the other may open.
    terms.change_status(first, "matching", by=coordinator, today=today())
    terms.change_status(draft, "open", by=coordinator, today=today())
    db.session.commit()
    assert draft.status == TermStatus.OPEN
    # Saving the open term itself is no second open term.
    terms.update_term(draft, term_data("Autumn 2099 renamed"), by=coordinator, today=today())


# The next term in one click


def test_apply_to_the_next_term_carries_the_profile_over(make_term, make_user):
    past = make_term(name="Past", status="closed")
    student = make_user("student", term=past, city="Seoul")
    newcomer = make_user("student")
    open_term = make_term(name="Next")
    assert terms.next_term_for(newcomer, today()) is None
    assert terms.next_term_for(student, today()) == open_term
    assert not profiles.carried_over(student)
    terms.enroll(student, open_term, today=today())
    db.session.commit()
    enrollment = terms.enrollment_of(student, open_term)
    assert enrollment.status == "applied" and student.student_profile.city == "Seoul"
    assert terms.next_term_for(student, today()) is None  # applied already
    assert profiles.carried_over(student)
    # Saving the profile, even unchanged, is checking it: the banner goes.
    answers = {
        name: getattr(student.student_profile, name)
        for name in profiles.column_names(type(student.student_profile))
    }
    profiles.update_profile(
        student,
        answers,
        timezone=student.timezone,
        display_name=student.display_name,
        continue_partner=False,
    )
    db.session.commit()
    assert not profiles.carried_over(student)
