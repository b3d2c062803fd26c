"""After the pairs meet: check-ins, "we met this week", and the pairs that need help.

At the weeks a term sets (`Term.check_in_weeks`, default 2 and 6), counted from the day a
pair started (`Pair.started_on`: the publication day, or the term's first day when the pairs
were published before it; later for a re-match), `send_check_ins` queues a check-in email
to each person of each active pair of a running term: once per person and checkpoint
(`CheckInInvite` remembers which were asked, as the outbox keeps one row per term, person
and kind). A person answers three questions;
nobody but the coordinators sees the answers, and the note is for the coordinators only.

The volunteer marks "we met this week" (a `PairSession` per ISO week). From the answers,
the sessions and the open re-match requests, `pairs_at_risk` lists the pairs that need help,
the neediest first, each with its reasons as codes that the web layer puts into words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import (
    CheckIn,
    CheckInInvite,
    Met,
    NotificationKind,
    Pair,
    PairSession,
    PairStatus,
    RematchRequest,
    Role,
    Term,
    TermStatus,
    User,
)
from matcher.services import audit, outbox, pairs
from matcher.services.errors import ServiceError

MAX_NOTE = 2000
LONGEST_CHECK_IN_WEEK = 52
MOST_CHECK_INS = 8
NOT_MET_AFTER_DAYS = 14  # not met two weeks after the pair started: at risk
SESSION_GAP_WEEKS = 3  # no session marked for three weeks: at risk


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def check_in_weeks_problem(weeks: Sequence[int]) -> str | None:
    """Why these check-in weeks cannot be a term's, or None when they can."""
    if len(weeks) > MOST_CHECK_INS:
        return _("Give at most %(num)d check-in weeks.", num=MOST_CHECK_INS)
    if any(not 1 <= week <= LONGEST_CHECK_IN_WEEK for week in weeks):
        return _(
            "Give check-in weeks as whole numbers from 1 to %(last)d.", last=LONGEST_CHECK_IN_WEEK
        )
    if len(set(weeks)) != len(weeks):
        return _("Give each check-in week once.")
    return None


def checkpoint_day(pair: Pair, week: int) -> dt.date:
    return pair.started_on + dt.timedelta(weeks=week)


def due_checkpoints(term: Term, pair: Pair, today: dt.date) -> list[int]:
    """The term's check-in weeks that have come for this pair, in order."""
    return sorted(w for w in term.check_in_weeks if checkpoint_day(pair, w) <= today)


# Sending the check-in emails


def send_check_ins(today: dt.date) -> int:
    """Queue a check-in email to each person whose checkpoint has come; how many were queued.

    Safe to run every day (and twice a day): a person is asked once per pair and checkpoint.
    Where several checkpoints came at once (the command did not run for weeks), one email
    asks about them all.
    """
    queued = 0
    running = db.session.scalars(select(Term).where(Term.status == TermStatus.PUBLISHED))
    for term in running:
        if not term.check_in_weeks:
            continue
        active = pairs.term_pairs(term)
        asked = {
            (invite.pair_id, invite.user_id, invite.checkpoint)
            for invite in db.session.scalars(
                select(CheckInInvite).where(CheckInInvite.pair_id.in_([p.id for p in active]))
            )
        }
        for pair in active:
            due = due_checkpoints(term, pair, today)
            for person in (pair.student, pair.volunteer):
                if person is None:  # left (an active pair always has both)
                    continue
                new = [w for w in due if (pair.id, person.id, w) not in asked]
                if not new or not person.active:
                    continue
                for week in new:
                    db.session.add(
                        CheckInInvite(pair_id=pair.id, user_id=person.id, checkpoint=week)
                    )
                outbox.queue_email(person, NotificationKind.CHECK_IN, term_id=term.id)
                queued += 1
    db.session.flush()
    return queued


# Answering


@dataclass(frozen=True)
class Answers:
    met: str
    rating: int
    note: str = ""


@dataclass(frozen=True)
class CheckInPair:
    """One of a person's running pairs, as the check-in page shows it."""

    pair_id: int
    partner_name: str
    checkpoint: int | None  # the checkpoint an answer now counts for; None: "any time"
    answered_on: dt.date | None  # the person's latest answer about this pair


def _running(pair: Pair) -> Term:
    term = db.session.get(Term, pair.term_id)
    assert term is not None
    if pair.status != PairStatus.ACTIVE:
        raise ServiceError(_("This pair has ended already."))
    if term.status != TermStatus.PUBLISHED:
        raise ServiceError(_("This term is not running: its pairs no longer check in."))
    return term


def _is_in(user: User, pair: Pair) -> None:
    if user.id not in (pair.student_id, pair.volunteer_id):
        raise ServiceError(_("This is not your pair."))


def current_checkpoint(term: Term, pair: Pair, user: User, today: dt.date) -> int | None:
    """The latest checkpoint that has come and that this person has not answered yet."""
    answered = set(
        db.session.scalars(
            select(CheckIn.checkpoint).where(
                CheckIn.pair_id == pair.id,
                CheckIn.user_id == user.id,
                CheckIn.checkpoint.is_not(None),
            )
        )
    )
    open_ = [w for w in due_checkpoints(term, pair, today) if w not in answered]
    return open_[-1] if open_ else None


def check_in_pairs(user: User, own: Iterable[Pair], today: dt.date) -> list[CheckInPair]:
    """The person's pairs of running terms that can check in (from `pairs.own_pairs`)."""
    found = []
    for pair in own:
        term = db.session.get(Term, pair.term_id)
        if term is None or term.status != TermStatus.PUBLISHED or pair.status != PairStatus.ACTIVE:
            continue
        partner = pair.volunteer if user.id == pair.student_id else pair.student
        if partner is None:
            continue
        latest = db.session.scalar(
            select(func.max(CheckIn.created_at)).where(
                CheckIn.pair_id == pair.id, CheckIn.user_id == user.id
            )
        )
        found.append(
            CheckInPair(
                pair_id=pair.id,
                partner_name=partner.display_name,
                checkpoint=current_checkpoint(term, pair, user, today),
                answered_on=latest.date() if latest is not None else None,
            )
        )
    return found


def answer(user: User, pair: Pair, answers: Answers, *, today: dt.date) -> CheckIn:
    """Keep a person's check-in about their pair; the partner never sees it."""
    _is_in(user, pair)
    term = _running(pair)
    if answers.met not in set(Met):
        raise ServiceError(_("Say whether you have met yet."), "met")
    if not 1 <= answers.rating <= 5:
        raise ServiceError(_("Choose how it is going, from 1 to 5."), "rating")
    note = answers.note.strip()
    if len(note) > MAX_NOTE:
        raise ServiceError(_("Keep the note under %(num)d characters.", num=MAX_NOTE), "note")
    check_in = CheckIn(
        pair_id=pair.id,
        user_id=user.id,
        met=Met(answers.met),
        rating=answers.rating,
        note=note,
        checkpoint=current_checkpoint(term, pair, user, today),
    )
    db.session.add(check_in)
    db.session.flush()
    return check_in


# "We met this week"


@dataclass(frozen=True)
class WeekMark:
    number: int  # 1 for the week the pair started
    starts_on: dt.date  # its Monday
    met: bool
    current: bool  # this week: not over yet


@dataclass(frozen=True)
class Progress:
    """A pair's weeks since it started, for /my-pair."""

    pair_id: int
    weeks: tuple[WeekMark, ...]
    met_this_week: bool
    can_mark: bool  # the person is the pair's volunteer, the term runs, the pair has started
    starts_on: dt.date  # the pair's first day (the term's, when published before it starts)


def _weeks(pair: Pair, term: Term, marked: set[dt.date], today: dt.date) -> tuple[WeekMark, ...]:
    last = min(today, term.ends_on, pair.ended_on or today)
    this_week = week_start(today)
    monday, number, found = week_start(pair.started_on), 1, []
    while monday <= last:
        found.append(WeekMark(number, monday, monday in marked, monday == this_week))
        monday += dt.timedelta(weeks=1)
        number += 1
    return tuple(found)


def _sessions(pair_ids: Sequence[int]) -> dict[int, set[dt.date]]:
    marked: dict[int, set[dt.date]] = {pair_id: set() for pair_id in pair_ids}
    for pair_id, monday in db.session.execute(
        select(PairSession.pair_id, PairSession.week_start).where(PairSession.pair_id.in_(pair_ids))
    ):
        marked[pair_id].add(monday)
    return marked


def progress(user: User, own: Sequence[Pair], today: dt.date) -> dict[int, Progress]:
    """For each of the person's pairs (from `pairs.own_pairs`), its row of weeks."""
    marked = _sessions([p.id for p in own])
    found = {}
    for pair in own:
        term = db.session.get(Term, pair.term_id)
        assert term is not None
        found[pair.id] = Progress(
            pair_id=pair.id,
            weeks=_weeks(pair, term, marked[pair.id], today),
            met_this_week=week_start(today) in marked[pair.id],
            can_mark=user.id == pair.volunteer_id
            and term.status == TermStatus.PUBLISHED
            and pair.started_on <= today,
            starts_on=pair.started_on,
        )
    return found


def mark_met(user: User, pair: Pair, *, today: dt.date) -> PairSession:
    """The volunteer marks "we met this week": once per ISO week, a second tap changes nothing."""
    _is_in(user, pair)
    if user.id != pair.volunteer_id:
        raise ServiceError(_("The volunteer of the pair marks the weeks you met."))
    _running(pair)
    if today < pair.started_on:
        raise ServiceError(
            _(
                "Your pair starts on %(date)s: mark the weeks you meet from then.",
                date=pair.started_on,
            )
        )
    monday = week_start(today)
    query = select(PairSession).where(
        PairSession.pair_id == pair.id, PairSession.week_start == monday
    )
    existing = db.session.scalar(query)
    if existing is not None:
        return existing
    session = PairSession(pair_id=pair.id, week_start=monday)
    try:
        with db.session.begin_nested():  # the same tap twice at once: one row, no error
            db.session.add(session)
    except IntegrityError:
        existing = db.session.scalar(query)
        assert existing is not None
        return existing
    return session


# Pairs at risk, for the coordinators


# How much each reason weighs when ordering the pairs by how much help they need.
REASON_WEIGHTS = {
    "rematch_requested": 8,
    "rating_1": 6,
    "no_time": 5,
    "rating_2": 5,
    "not_met": 3,
    "no_sessions": 2,
}


@dataclass(frozen=True)
class Reason:
    code: str  # a key of REASON_WEIGHTS; labels.AT_RISK_REASONS puts it into words
    weeks: int = 0  # for no_sessions: how many weeks without a session


@dataclass(frozen=True)
class Note:
    role: str  # who wrote it: student or volunteer
    written_on: dt.date
    text: str


@dataclass(frozen=True)
class PairAtRisk:
    pair: Pair
    reasons: tuple[Reason, ...]
    notes: tuple[Note, ...]  # the latest check-in notes of each person (coordinators only)

    @property
    def need(self) -> int:
        return sum(REASON_WEIGHTS[r.code] for r in self.reasons)


def _latest_answers(pair_ids: Sequence[int]) -> dict[tuple[int, int], CheckIn]:
    """The latest check-in of each (pair, person)."""
    latest: dict[tuple[int, int], CheckIn] = {}
    for check_in in db.session.scalars(
        select(CheckIn)
        .where(CheckIn.pair_id.in_(pair_ids))
        .order_by(CheckIn.created_at, CheckIn.id)
    ):
        latest[(check_in.pair_id, check_in.user_id)] = check_in
    return latest


def _reasons(
    pair: Pair,
    weeks: tuple[WeekMark, ...],
    answers: list[CheckIn],
    ever_met: bool,
    requested: bool,
    today: dt.date,
) -> list[Reason]:
    reasons = []
    if requested:
        reasons.append(Reason("rematch_requested"))
    lowest = min((a.rating for a in answers), default=5)
    if lowest <= 2:
        reasons.append(Reason(f"rating_{lowest}"))
    if any(a.met == Met.NO_TIME for a in answers):
        reasons.append(Reason("no_time"))
    met_any = ever_met or any(w.met for w in weeks)
    if not met_any and today >= pair.started_on + dt.timedelta(days=NOT_MET_AFTER_DAYS):
        reasons.append(Reason("not_met"))
    elif met_any:
        # Weeks without a session, counting back from this week (which is not over yet).
        gap = 0
        for week in reversed(weeks):
            if week.met:
                break
            if not week.current:
                gap += 1
        if gap >= SESSION_GAP_WEEKS:
            reasons.append(Reason("no_sessions", weeks=gap))
    return reasons


def pairs_at_risk(term: Term, today: dt.date) -> list[PairAtRisk]:
    """The term's active pairs that need help, the neediest first, each with its reasons."""
    if term.status != TermStatus.PUBLISHED:
        return []
    active = pairs.term_pairs(term)
    ids = [p.id for p in active]
    marked = _sessions(ids)
    latest = _latest_answers(ids)
    ever_met = set(
        db.session.scalars(
            select(CheckIn.pair_id).where(CheckIn.pair_id.in_(ids), CheckIn.met == Met.YES)
        )
    )
    requested = set(
        db.session.scalars(
            select(RematchRequest.pair_id).where(
                RematchRequest.pair_id.in_(ids), RematchRequest.resolved_at.is_(None)
            )
        )
    )
    found = []
    for pair in active:
        answers = [a for key, a in latest.items() if key[0] == pair.id]
        reasons = _reasons(
            pair,
            _weeks(pair, term, marked[pair.id], today),
            answers,
            pair.id in ever_met,
            pair.id in requested,
            today,
        )
        if reasons:
            notes = tuple(
                Note(
                    Role.STUDENT if a.user_id == pair.student_id else Role.VOLUNTEER,
                    a.created_at.date(),
                    a.note,
                )
                for a in sorted(answers, key=lambda a: a.user_id != pair.student_id)
                if a.note
            )
            found.append(PairAtRisk(pair, tuple(reasons), notes))
    found.sort(key=lambda risk: (-risk.need, risk.pair.id))
    return found


def remind_pair(pair: Pair, *, by: User) -> list[int]:
    """Email both people of a pair a neutral reminder to meet; the ids of the queued emails."""
    _running(pair)
    people = [i for i in (pair.student_id, pair.volunteer_id) if i is not None]
    queued = outbox.queue_for_ids(people, NotificationKind.PAIR_REMINDER, term_id=pair.term_id)
    audit.record(by, "pair.reminded", term_id=pair.term_id, pair=pair.id)
    return queued


# Counts


@dataclass(frozen=True)
class Summary:
    """The check-ins of a term: each person's latest answer per pair counts once."""

    answered: int  # every answer given
    people: int  # people who answered at least once
    met: dict[str, int]  # Met value -> how many latest answers say it
    ratings: dict[int, int]  # 1..5 -> how many latest answers
    mean_rating: float | None


def summary(term: Term) -> Summary:
    pair_ids = list(db.session.scalars(select(Pair.id).where(Pair.term_id == term.id)))
    answered = db.session.scalar(
        select(func.count(CheckIn.id)).where(CheckIn.pair_id.in_(pair_ids))
    )
    latest = list(_latest_answers(pair_ids).values())
    met = Counter(str(a.met) for a in latest)
    ratings = Counter(a.rating for a in latest)
    return Summary(
        answered=int(answered or 0),
        people=len({a.user_id for a in latest}),
        met={m.value: met.get(m.value, 0) for m in Met},
        ratings={r: ratings.get(r, 0) for r in range(1, 6)},
        mean_rating=round(sum(a.rating for a in latest) / len(latest), 1) if latest else None,
    )


@dataclass(frozen=True)
class TermCounts:
    summary: Summary
    at_risk: int


def term_counts(term: Term, at_risk: Sequence[PairAtRisk]) -> TermCounts:
    """The term page's counts: check-ins answered, met or not yet, mean rating, at risk."""
    return TermCounts(summary(term), len(at_risk))
