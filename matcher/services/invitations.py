"""Invitations: imported people choose a password from an emailed single-use link.

A roster import creates accounts without a password. The coordinator sends each person an
INVITATION email (the outbox; the mail worker issues its link's token as it sends it, valid
INVITATION_DAYS); the link's page (web/invitations.py) lets the person choose a password and
accept the program's terms, which confirms their address and signs them in. An invitation's
state comes from its outbox row and the person's latest invitation link.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection

from flask_babel import gettext as _
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import (
    EmailToken,
    Enrollment,
    Notification,
    NotificationKind,
    Role,
    Term,
    TokenPurpose,
    User,
)
from matcher.models.base import as_utc, utcnow
from matcher.services import accounts, audit, outbox, tokens
from matcher.services.errors import ServiceError
from matcher.services.tokens import TokenError

__all__ = ["InvitationState", "TokenError", "accept", "check", "send", "states"]


class InvitationState(enum.StrEnum):
    NOT_SENT = "not_sent"
    SENT = "sent"
    ACCEPTED = "accepted"
    EXPIRED = "expired"


def states(term: Term, *, now: dt.datetime | None = None) -> dict[int, InvitationState]:
    """user id -> their invitation's state, for the term's people who were imported or
    invited (people who registered themselves have none); `now` decides what has expired."""
    now = now or utcnow()
    rows = db.session.execute(
        select(User.id, User.password_hash, Notification.id, Notification.sent_at)
        .join(Enrollment, Enrollment.user_id == User.id)
        .outerjoin(
            Notification,
            (Notification.user_id == User.id)
            & (Notification.term_id == term.id)
            & (Notification.kind == NotificationKind.INVITATION),
        )
        .where(Enrollment.term_id == term.id)
    ).all()
    latest = _latest_tokens([row[0] for row in rows if row[2] is not None])
    out: dict[int, InvitationState] = {}
    for user_id, password_hash, note, sent_at in rows:
        token = latest.get(user_id)
        if token is not None and token.used_at is not None:
            out[user_id] = InvitationState.ACCEPTED
        elif note is None:
            if password_hash is None:
                out[user_id] = InvitationState.NOT_SENT
        elif password_hash is not None:
            out[user_id] = InvitationState.ACCEPTED
        elif sent_at is not None and token is not None and as_utc(token.expires_at) <= now:
            out[user_id] = InvitationState.EXPIRED
        else:
            out[user_id] = InvitationState.SENT  # sent, or waiting for the mail worker
    return out


def _latest_tokens(user_ids: Collection[int]) -> dict[int, EmailToken]:
    """Each person's latest invitation link (one query; `tokens.latest` for many)."""
    out: dict[int, EmailToken] = {}
    if not user_ids:
        return out
    found = db.session.scalars(
        select(EmailToken)
        .where(EmailToken.user_id.in_(user_ids), EmailToken.purpose == TokenPurpose.INVITATION)
        .order_by(EmailToken.created_at, EmailToken.id)
    )
    for token in found:
        out[token.user_id] = token  # the last one wins
    return out


SENDABLE = {
    "not_sent": (InvitationState.NOT_SENT,),
    "expired": (InvitationState.EXPIRED,),
}


def send(
    term: Term,
    *,
    by: User,
    now: dt.datetime,
    which: str = "not_sent",
    user_id: int | None = None,
) -> int:
    """Queue invitations: to everyone not sent yet (`which="not_sent"`), every expired one
    (`"expired"`), or one person again (`user_id`); how many were queued."""
    current = states(term, now=now)
    if user_id is not None:
        state = current.get(user_id)
        if state is None:
            raise ServiceError(_("This person has no invitation to send in this term."))
        if state == InvitationState.ACCEPTED:
            raise ServiceError(_("This person has already accepted the invitation."))
        chosen = [user_id]
    else:
        wanted = SENDABLE.get(which)
        if wanted is None:
            raise ServiceError(_("Choose which invitations to send."))
        chosen = sorted(uid for uid, state in current.items() if state in wanted)
    if not chosen:
        return 0
    outbox.queue_for_ids(chosen, NotificationKind.INVITATION, term_id=term.id)
    audit.record(by, "invitations.sent", term_id=term.id, count=len(chosen))
    return len(chosen)


def check(raw: str, *, now: dt.datetime) -> User:
    """The invited person a link names, if it can still be used; else TokenError."""
    token = tokens.check(raw, TokenPurpose.INVITATION, now=now)
    if token.user.role not in (Role.STUDENT, Role.VOLUNTEER) or not token.user.active:
        raise TokenError("unknown")
    return token.user


def accept(raw: str, *, password: str, terms_accepted: bool, now: dt.datetime) -> User:
    """The person chooses a password and accepts the terms: the link is spent, the address
    confirmed (the email reached them). The edge signs them in."""
    token = tokens.check(raw, TokenPurpose.INVITATION, now=now)
    user = check(raw, now=now)
    if not terms_accepted:
        raise ServiceError(_("Tick the box to accept the program's terms."), "accept_terms")
    accounts.check_password(password)
    tokens.use(token, now=now)
    user.password_hash = accounts.hash_password(password)
    user.email_confirmed_at = user.email_confirmed_at or now
    user.terms_accepted_at = now
    accounts.sign_out_everywhere(user)
    audit.record(user, "invitation.accepted", subject=user)
    db.session.flush()
    return user


def confirm_profile(user: User) -> None:
    """The person says their imported answers are right as they are."""
    profile = user.profile
    if profile is not None and profile.from_import:
        profile.from_import = False
        audit.record(user, "profile.confirmed", subject=user)
