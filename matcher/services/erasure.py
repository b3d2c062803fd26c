"""Forgetting people: an account deleted by its owner, a closed term's personal data purged,
a sign-up whose address nobody confirmed.

After `forget_person`, no row names or describes the person. What the program needs as
figures stays, with the person replaced by "a person who left":

- each round's snapshot keeps a placeholder `{"id": "left-N", "left": true}` in the
  person's place (N counts the placeholders within that round), and its result says
  "a person who left" where another person's reason named them;
- round pairs keep their scores, with the person's id emptied and nothing that described
  the pair (the engine's breakdown, the coordinator's override reason);
- audit events keep what happened and when, without who (and without the free texts of
  the events about them).

Every other row that names the person goes, found through the foreign keys to `user` and
on from table to table, so that a table added later is covered too: a `SET NULL`
reference is emptied, any other reference deletes the row. SQLite does not enforce
foreign keys, so this does explicitly what PostgreSQL's cascades would do.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, Table, delete, func, or_, select, update
from sqlalchemy.types import JSON, Text

from matcher.engine import explain
from matcher.extensions import db
from matcher.models import (
    AuditEvent,
    Base,
    EndReason,
    Enrollment,
    MatchRound,
    Notification,
    Pair,
    PairConstraint,
    RematchRequest,
    Role,
    RosterUpload,
    RoundPair,
    Term,
    TermStatus,
    User,
)
from matcher.services import audit, leaving
from matcher.services.errors import ServiceError
from matcher.services.snapshot import engine_id, is_placeholder

# How an engine text names someone who left (the engine's texts are in English).
LEFT_IN_ENGINE_TEXT = "a person who left"
# Detail keys of audit events: who a coordinator's action was about, and typed texts.
_PERSON_KEYS = ("student", "volunteer")
_TEXT_KEYS = ("reason", "override")
# A sign-up whose address nobody confirmed within this many days is forgotten.
UNCONFIRMED_DAYS = 30
# Rows that describe the people they pair: kept for the figures, emptied of the rest.
_DESCRIBING = (RoundPair, Pair)


def forget_unconfirmed(*, now: dt.datetime, days: int = UNCONFIRMED_DAYS) -> int:
    """Forget every account whose address nobody confirmed within `days` of signing up.

    Such an account never could sign in, and the address it names may be a stranger's
    (anyone can type any address at sign-up): keeping it would keep that person's address
    for nothing. Returns how many were forgotten; the caller commits.
    """
    cutoff = now - dt.timedelta(days=days)
    stale = db.session.scalars(
        select(User).where(User.unconfirmed_sign_up, User.created_at < cutoff).order_by(User.id)
    ).all()
    for user in stale:
        # approved before approval required a confirmed address: pairs end as for any leaver
        leaving.end_pairs_of_leaver(user, EndReason.ACCOUNT_DELETED, by=None, today=now.date())
        audit.record(None, "account.unconfirmed_forgotten", role=user.role)
        forget_person(user)
    return len(stale)


def forget_person(user: User) -> None:
    """Remove everything that names or describes `user`, and the account itself.

    The caller has checked that this may happen (password, last coordinator...) and has
    ended the person's pairs; this only erases. The `user` object is detached afterwards.
    """
    db.session.flush()
    user_id = user.id
    pair_ids = list(
        db.session.scalars(
            select(Pair.id).where(or_(Pair.student_id == user_id, Pair.volunteer_id == user_id))
        )
    )
    rounds = db.session.scalars(
        select(MatchRound).where(
            or_(
                MatchRound.term_id.in_(
                    select(Enrollment.term_id).where(Enrollment.user_id == user_id)
                ),
                MatchRound.id.in_(
                    select(RoundPair.round_id).where(
                        or_(RoundPair.student_id == user_id, RoundPair.volunteer_id == user_id)
                    )
                ),
            )
        )
    )
    for round_ in rounds:
        replace_in_round(round_, {engine_id(user_id)}.__contains__)
    for model in _DESCRIBING:
        _empty_descriptions(model, or_(model.student_id == user_id, model.volunteer_id == user_id))
    # What others wrote about a pair with the person (a re-match request...) may describe them.
    _empty_texts_about_pairs(Pair.id.in_(pair_ids))
    with audit.purging():
        _scrub_events(_events_about(user_id), {user_id}, set(pair_ids))
        db.session.flush()
        _remove(_table(User), select(User.id).where(User.id == user_id))
    db.session.expunge(user)
    db.session.expire_all()  # rows of the person loaded earlier are gone from the database


def replace_in_round(round_: MatchRound, leaving: Callable[[str], bool]) -> int:
    """Put a placeholder in the place of each person of the round (by engine id) for whom
    `leaving` is true, in its snapshot and its result; how many were replaced."""
    snapshot, result = copy.deepcopy(round_.snapshot), copy.deepcopy(round_.result)
    people_keys = ("students", "volunteers", "excluded")
    made = sum(is_placeholder(e) for key in people_keys for e in snapshot.get(key, []))
    placeholders: dict[str, str] = {}  # engine id -> "left-N"
    names: set[str] = set()

    def placeholder(person_id: str, name: str) -> dict[str, Any]:
        nonlocal made
        if person_id not in placeholders:
            made += 1
            placeholders[person_id] = f"left-{made}"
        if name:
            names.add(name)
        return {"id": placeholders[person_id], "left": True}

    for key, id_key in (("students", "id"), ("volunteers", "id"), ("excluded", "user_id")):
        entries = []
        for entry in snapshot.get(key, []):
            if not is_placeholder(entry) and leaving(str(entry.get(id_key))):
                entry = placeholder(str(entry.get(id_key)), str(entry.get("display_name", "")))
            entries.append(entry)
        snapshot[key] = entries
    if not placeholders:
        return 0
    for key in ("students", "volunteers"):
        for entry in snapshot[key]:
            if not is_placeholder(entry) and leaving(str(entry.get("previous_partner_id", ""))):
                entry["previous_partner_id"] = ""
    for key, side in (("unmatched_students", "student"), ("unmatched_volunteers", "volunteer")):
        result[key] = [
            entry
            if is_placeholder(entry)
            else placeholder(str(entry["id"]), "")
            if leaving(str(entry["id"]))
            else _reason_without(entry, side, placeholders, names)
            for entry in result.get(key, [])
        ]
    round_.snapshot, round_.result = snapshot, result
    return len(placeholders)


def _reason_without(
    entry: dict[str, Any], side: str, placeholders: dict[str, str], names: set[str]
) -> dict[str, Any]:
    """Another person's unmatched reason, with the people who left no longer named in it
    (its sentence is written again from the changed facts)."""
    facts = dict(entry.get("facts", {}))
    ids = [str(i) for i in facts.get("ids", [])]
    listed = list(facts.get("names", []))
    gone = [i < len(ids) and ids[i] in placeholders or n in names for i, n in enumerate(listed)]
    if not any(gone) and not any(i in placeholders for i in ids):
        return entry
    facts["ids"] = [placeholders.get(i, i) for i in ids]
    facts["names"] = [LEFT_IN_ENGINE_TEXT if g else n for n, g in zip(listed, gone, strict=True)]
    text = explain.reason_text(str(entry["reason"]), side, facts)
    return {**entry, "facts": facts, "text": text}


def _empty_descriptions(model: type[Base], where: ColumnElement[bool]) -> int:
    """Empty the free texts and JSON of `model`'s rows that `where` selects; how many."""
    table = _table(model)
    blank: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, Text):
            blank[column.key] = ""
        elif isinstance(column.type, JSON):
            blank[column.key] = []
    count = _count(select(func.count()).select_from(table).where(where))
    if count:
        db.session.execute(update(table).where(where).values(blank))
    return count


def _empty_texts_about_pairs(pairs: ColumnElement[bool]) -> None:
    """Empty the free texts of every row that refers to the pairs `pairs` selects (re-match
    requests' reasons, and any table that later refers to a pair): they may describe the
    people of the pair. The rows stay."""
    for child in Base.metadata.sorted_tables:
        texts = {c.key: "" for c in child.columns if isinstance(c.type, Text)}
        for key in child.foreign_keys:
            if key.column.table is _table(Pair) and texts:
                match = key.parent.in_(select(Pair.id).where(pairs))
                db.session.execute(update(child).where(match).values(texts))


def _events_about(user_id: int) -> list[AuditEvent]:
    """Events that may name the person: theirs, about them, or in a term they were part of."""
    terms = select(Enrollment.term_id).where(Enrollment.user_id == user_id)
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                or_(
                    AuditEvent.actor_id == user_id,
                    AuditEvent.subject_user_id == user_id,
                    AuditEvent.term_id.in_(terms),
                )
            )
        )
    )


def _scrub_events(events: Iterable[AuditEvent], user_ids: set[int], pair_ids: set[int]) -> int:
    """Drop the identity of `user_ids` from the events (inside `audit.purging()`): the
    person's id in the details, and the typed texts of the events about them."""
    changed = 0
    for event in events:
        detail = dict(event.detail or {})
        about = event.actor_id in user_ids or event.subject_user_id in user_ids
        for key in _PERSON_KEYS:
            if detail.get(key) in user_ids:
                detail[key], about = None, True
        students = detail.get("students")
        if isinstance(students, list) and any(s in user_ids for s in students):
            detail["students"], about = [None if s in user_ids else s for s in students], True
        about = about or detail.get("pair") in pair_ids
        if about:
            for key in _TEXT_KEYS:
                detail.pop(key, None)
        if detail != event.detail:
            event.detail = detail
            changed += 1
    return changed


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _count(query: Select[Any]) -> int:
    return int(db.session.scalar(query) or 0)


def _remove(table: Table, rows: Select[Any]) -> None:
    """Delete `rows` (a SELECT of ids of `table`) and follow every foreign key to them:
    a SET NULL reference is emptied, any other deletes the referring rows, and so on."""
    for child in Base.metadata.sorted_tables:
        for key in child.foreign_keys:
            if key.column.table is not table:
                continue
            match = key.parent.in_(rows)
            if key.ondelete and key.ondelete.upper() == "SET NULL":
                db.session.execute(update(child).where(match).values({key.parent.key: None}))
            elif "id" in child.c:
                _remove(child, select(child.c.id).where(match))
            else:
                db.session.execute(delete(child).where(match))
    db.session.execute(delete(table).where(table.c.id.in_(rows)))


# Purging a closed term


def purge_term(term: Term) -> Counter[str]:
    """Remove a closed term's personal data; what was removed, counted per kind.

    The term row and its anonymous figures stay (the term's report lives in its own
    table); its rounds keep their figures with placeholders in the people's places. The
    accounts of people in no later term go (profile, applications and all), as if they had
    deleted them; people in a later term keep their account and profile, which that term
    uses. The caller commits, or rolls back for a dry run.
    """
    if term.status != TermStatus.CLOSED:
        raise ServiceError(
            _(
                "%(term)s is not closed, so its data cannot be purged. Close the term first.",
                term=term.name,
            )
        )
    removed: Counter[str] = Counter()
    db.session.flush()
    rounds = list(db.session.scalars(select(MatchRound).where(MatchRound.term_id == term.id)))
    for round_ in rounds:
        removed["snapshot_people"] += replace_in_round(round_, lambda _id: True)
    in_round = RoundPair.round_id.in_([r.id for r in rounds])
    removed["round_pairs"] += _empty_descriptions(RoundPair, in_round)
    db.session.execute(update(RoundPair).where(in_round).values(student_id=None, volunteer_id=None))
    removed["pair_notes"] += _empty_descriptions(Pair, Pair.term_id == term.id)
    requests = RematchRequest.pair_id.in_(select(Pair.id).where(Pair.term_id == term.id))
    removed["rematch_texts"] += _count(
        select(func.count(RematchRequest.id)).where(requests, RematchRequest.reason != "")
    )
    _empty_texts_about_pairs(Pair.term_id == term.id)
    for model, where in (
        (Notification, Notification.term_id == term.id),
        (PairConstraint, PairConstraint.term_id == term.id),
        (RosterUpload, RosterUpload.term_id == term.id),
    ):
        removed[_KINDS[model]] += _count(select(func.count()).select_from(model).where(where))
        db.session.execute(delete(model).where(where))
    with audit.purging():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.term_id == term.id))
        removed["audit_texts"] += _drop_texts(events)
        db.session.flush()
    for person in _people_in_no_later_term(term):
        forget_person(person)
        removed["accounts"] += 1
    audit.record(None, "term.purged", term_id=term.id, removed=dict(removed))
    return removed


# What `purge_term` counts, in the order the command prints it.
PURGED_KINDS = {
    "snapshot_people": "people replaced by a placeholder in round snapshots",
    "round_pairs": "round pairs emptied of the people in them",
    "pair_notes": "published pairs emptied of their notes and score breakdowns",
    "rematch_texts": "re-match request texts",
    "notifications": "notifications",
    "constraints": "locks and forbids",
    "roster_uploads": "roster files waiting for an import's confirmation",
    "audit_texts": "audit events stripped of typed texts",
    "accounts": "accounts of people in no later term (with profile and applications)",
}
_KINDS = {
    Notification: "notifications",
    PairConstraint: "constraints",
    RosterUpload: "roster_uploads",
}


def _drop_texts(events: Iterable[AuditEvent]) -> int:
    changed = 0
    for event in events:
        if any(key in (event.detail or {}) for key in _TEXT_KEYS):
            event.detail = {k: v for k, v in event.detail.items() if k not in _TEXT_KEYS}
            changed += 1
    return changed


def _people_in_no_later_term(term: Term) -> list[User]:
    later = (
        select(Enrollment.user_id)
        .join(Term, Term.id == Enrollment.term_id)
        .where(Term.starts_on > term.starts_on)
    )
    return list(
        db.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(
                Enrollment.term_id == term.id,
                User.role != Role.COORDINATOR,
                User.id.not_in(later),
            )
            .order_by(User.id)
        )
    )
