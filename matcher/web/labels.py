"""Human, translatable labels for the engine's vocabulary codes and the models' enums.

Templates read labels here and nowhere else: `labels.ROUND_KINDS[round.kind]`. Each enum's
mapping is keyed by its members, which equal their stored strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from matcher.engine import PairOrigin, vocab
from matcher.models import (
    ConstraintKind,
    EndReason,
    EnrollmentStatus,
    Met,
    Role,
    RoundKind,
    RoundStatus,
    TermStatus,
)
from matcher.services.people import BulkAction, Show

ROLES = {
    Role.STUDENT: _l("Student"),
    Role.VOLUNTEER: _l("Volunteer tutor"),
    Role.COORDINATOR: _l("Coordinator"),
}

ENGLISH_LEVELS = {
    "A1": _l("A1 – Beginner: I know a few words and simple phrases."),
    "A2": _l("A2 – Elementary: I can talk about myself and everyday things slowly."),
    "B1": _l("B1 – Intermediate: I can handle simple conversations on familiar topics."),
    "B2": _l("B2 – Upper intermediate: I can discuss many topics, with some mistakes."),
    "C1": _l("C1 – Advanced: I speak fluently about most things, including work or study."),
    "C2": _l("C2 – Proficient: I understand almost everything and express myself precisely."),
}
ENGLISH_LEVELS_SHORT = {
    "A1": _l("A1 beginner"),
    "A2": _l("A2 elementary"),
    "B1": _l("B1 intermediate"),
    "B2": _l("B2 upper intermediate"),
    "C1": _l("C1 advanced"),
    "C2": _l("C2 proficient"),
}
GOALS = {
    "conversation": _l("Everyday conversation"),
    "academic": _l("Academic English (university, classes)"),
    "job_interview": _l("Job interviews and work"),
    "test_prep": _l("Test preparation (TOEIC, TOEFL, IELTS)"),
    "speech_contest": _l("The speech contest"),
}
INTERESTS = {
    "music": _l("Music"),
    "movies": _l("Movies and TV"),
    "books": _l("Books"),
    "sports": _l("Sports"),
    "cooking": _l("Cooking"),
    "travel": _l("Travel"),
    "technology": _l("Technology"),
    "business": _l("Business"),
    "art": _l("Art"),
    "faith": _l("Faith"),
    "nature": _l("Nature"),
    "games": _l("Games"),
    "news": _l("News and society"),
    "fashion": _l("Fashion and beauty"),
}
GENDERS = {"female": _l("Woman"), "male": _l("Man"), "other": _l("Other")}
TUTOR_GENDERS = {"female": _l("A woman"), "male": _l("A man")}
FORMATS = {
    "online": _l("Online only"),
    "in_person": _l("In person only"),
    "either": _l("Online or in person"),
}
EXPERIENCE = {
    "none": _l("None yet"),
    "some": _l("Some (tutoring, language exchange)"),
    "teacher": _l("Qualified or working teacher"),
}
KOREAN_LEVELS = {
    "none": _l("None"),
    "basic": _l("Basic"),
    "conversational": _l("Conversational"),
    "fluent": _l("Fluent or native"),
}
DAYS = dict(
    zip(
        vocab.DAYS,
        (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")),
        strict=True,
    )
)
DAY_CODES = vocab.DAYS  # day number -> code, for Interval.day
CRITERIA = vocab.CRITERIA  # the soft criteria a round weighs, in the engine's order
CRITERION_NAMES = {
    "overlap": _l("Common time"),
    "interests": _l("Shared interests"),
    "goals": _l("Goals the tutor supports"),
    "level": _l("Level fit"),
    "gender": _l("Gender preference"),
    "continuity": _l("Same partner as last term"),
}
OBJECTIVES = {"best": _l("Best total"), "fair": _l("Fairest")}
OBJECTIVE_CHOICES = {
    "best": _l("Best total: the highest sum of scores"),
    "fair": _l("Fairest: the best lowest score first, then the best total"),
}

# The time zone chooser's groups, in their order, by the first part of a zone's IANA name.
TIMEZONE_REGIONS = {
    "Asia": _l("Asia"),
    "Europe": _l("Europe"),
    "America": _l("Americas"),
    "Australia": _l("Australia"),
    "Pacific": _l("Pacific"),
    "Africa": _l("Africa"),
    "Atlantic": _l("Atlantic"),
    "Indian": _l("Indian Ocean"),
    "Antarctica": _l("Antarctica and the Arctic"),
}
TIMEZONE_REGION_OF = {  # older names' areas, shown with the region they lie in
    "Brazil": "America",
    "Canada": "America",
    "Chile": "America",
    "Mexico": "America",
    "Arctic": "Antarctica",
}

TERM_STATUSES = {
    TermStatus.DRAFT: _l("Draft"),
    TermStatus.OPEN: _l("Open for applications"),
    TermStatus.MATCHING: _l("Matching"),
    TermStatus.PUBLISHED: _l("Running (pairs published)"),
    TermStatus.CLOSED: _l("Closed"),
}
ENROLLMENT_STATUSES = {
    EnrollmentStatus.APPLIED: _l("Applied"),
    EnrollmentStatus.APPROVED: _l("Approved"),
    EnrollmentStatus.WITHDRAWN: _l("Withdrawn"),
}
# The people table's filters beyond the status (services.people.Show).
PEOPLE_FILTERS = {
    Show.INCOMPLETE: _l("Profile incomplete"),
    Show.NO_AVAILABILITY: _l("No availability"),
    Show.NOT_ACCEPTED: _l("Invitation not accepted"),
    Show.UNCONFIRMED: _l("Email not confirmed"),
    Show.PAIRED: _l("Paired"),
    Show.UNMATCHED: _l("Approved, not paired"),
}
# What the people table's bulk bar does (services.people.BulkAction).
BULK_ACTIONS = {
    BulkAction.APPROVE: _l("Approve"),
    BulkAction.WITHDRAW: _l("Withdraw"),
    BulkAction.RESET: _l("Back to applied"),
    BulkAction.REMIND: _l("Remind them what their profile lacks"),
}
# What a roster import does to each person in the file (services/roster_import.py).
IMPORT_CHANGES = {
    "new": _l("New"),
    "updated": _l("Updated"),
    "unchanged": _l("Unchanged"),
    "error": _l("Problem"),
}
# An imported person's invitation (services/invitations.InvitationState).
INVITATION_STATES = {
    "not_sent": _l("Not sent"),
    "sent": _l("Sent"),
    "accepted": _l("Accepted"),
    "expired": _l("Expired"),
}
ROUND_KINDS = {RoundKind.FULL: _l("Full"), RoundKind.REMATCH: _l("Re-match")}
ROUND_STATUSES = {RoundStatus.DRAFT: _l("Draft"), RoundStatus.PUBLISHED: _l("Published")}
END_REASONS = {
    EndReason.ACCOUNT_DELETED: _l("A partner deleted their account"),
    EndReason.WITHDREW: _l("A partner withdrew from the term"),
    EndReason.WITHDRAWN_BY_COORDINATOR: _l("A partner was withdrawn by a coordinator"),
    EndReason.ENDED_BY_COORDINATOR: _l("Ended by a coordinator"),
    EndReason.TERM_ENDED: _l("The term ended"),
}
CONSTRAINT_KINDS = {ConstraintKind.LOCK: _l("Lock"), ConstraintKind.FORBID: _l("Forbid")}
# The tag a round's page shows beside a pair; the solver's pairs have none (a locked pair
# shows its own "locked" tag).
PAIR_ORIGIN_TAGS = {
    PairOrigin.SOLVED: "",
    PairOrigin.LOCKED: "",
    PairOrigin.CONTINUE_PARTNER: "",
    PairOrigin.KEPT: _l("kept"),
    PairOrigin.MANUAL: _l("by hand"),
    PairOrigin.SWAPPED: _l("by hand"),
}


def choices(mapping: Mapping[Any, Any]) -> list[SelectChoice]:
    """Form choices from a code -> label mapping, in its order."""
    return [SelectChoice(value, label) for value, label in mapping.items()]


# What each audit event says happened; an action without a label shows its code.
AUDIT_ACTIONS = {
    "account.registered": _l("Registered"),
    "account.password_changed": _l("Changed their password"),
    "account.deleted": _l("Deleted an account"),
    "account.unconfirmed_forgotten": _l("Forgot a sign-up whose address was never confirmed"),
    "account.email_confirmed": _l("Confirmed their email address"),
    "account.password_reset": _l("Chose a new password from an emailed link"),
    "account.email_change_requested": _l("Asked to change their email address"),
    "account.email_changed": _l("Changed their email address"),
    "coordinator.created": _l("Coordinator account created"),
    "coordinator.invited": _l("Invited a coordinator"),
    "coordinator.joined": _l("Accepted an invitation to coordinate"),
    "two_factor.enabled": _l("Set up two-step sign-in"),
    "two_factor.recovery_code_used": _l("Signed in with a recovery code"),
    "two_factor.recovery_codes_renewed": _l("Got new recovery codes"),
    "profile.updated": _l("Updated their profile"),
    "student_profile.viewed": _l("Viewed a student's profile"),
    "read.person": _l("Viewed a person's page"),
    "read.term_people": _l("Viewed a term's people"),
    "read.round": _l("Viewed a matching round"),
    "read.alternatives": _l("Viewed someone's alternative partners"),
    "read.comparison": _l("Compared two rounds"),
    "read.pairs": _l("Viewed the published pairs"),
    "read.pairs_csv": _l("Exported the pairs"),
    "term.purged": _l("Purged a closed term's personal data"),
    "term.created": _l("Created a term"),
    "term.updated": _l("Changed a term"),
    "term.status_changed": _l("Moved a term to its next step"),
    "round.started_fresh": _l("Dropped a term's adjustments to start fresh"),
    "enrollment.applied": _l("Applied to a term"),
    "enrollment.approved": _l("Approved an application"),
    "enrollment.withdrawn": _l("Withdrew an application"),
    "profile.reminded": _l("Reminded someone what their profile lacks"),
    "enrollment.withdrew": _l("Withdrew from a term"),
    "round.run": _l("Ran a matching round"),
    "round.published": _l("Published a round"),
    "emails.resent": _l("Sent the emails again"),
    "pair.locked": _l("Locked a pair"),
    "pair.unlock": _l("Removed a lock"),
    "pair.forbidden": _l("Forbade a pair"),
    "pair.unforbid": _l("Removed a “never pair”"),
    "pair.assigned": _l("Paired two people by hand"),
    "pair.unpaired": _l("Took a pair apart"),
    "pair.swapped": _l("Swapped two partners"),
    "pair.ended": _l("Ended a pair"),
    "pairs.exported": _l("Exported the pairs"),
    "rematch.requested": _l("Asked for a re-match"),
    "rematch.dismissed": _l("Dismissed a re-match request"),
    "roster.imported": _l("Imported a roster"),
    "invitations.sent": _l("Sent invitations"),
    "invitation.accepted": _l("Accepted an invitation"),
    "profile.confirmed": _l("Confirmed their imported profile"),
    "pair.reminded": _l("Sent a pair a reminder to meet"),
    "report.exported": _l("Exported a term's report"),
}

# Check-ins (services/checkins.py)
CHECK_IN_MET = {
    Met.YES: _l("Yes, we have met"),
    Met.NOT_YET: _l("Not yet"),
    Met.NO_TIME: _l("We cannot find a time"),
}
CHECK_IN_RATINGS = {
    1: _l("1 – Badly"),
    2: _l("2 – Not so well"),
    3: _l("3 – OK"),
    4: _l("4 – Well"),
    5: _l("5 – Very well"),
}
# Why a pair is at risk; "weeks" is filled in for no_sessions.
AT_RISK_REASONS = {
    "rematch_requested": _l("Asked the coordinators for a new partner"),
    "rating_1": _l("A check-in says it goes badly (1 of 5)"),
    "rating_2": _l("A check-in says it goes not so well (2 of 5)"),
    "no_time": _l("A check-in says “we cannot find a time”"),
    "not_met": _l("Have not met two weeks after the pair started"),
    "no_sessions": _l("No meeting marked for %(weeks)d weeks"),
}
# The term report's buckets of weekly hours in common (services/reports.py).
HOURS_BUCKETS = {
    "0-2": _l("Under 2 hours"),
    "2-3": _l("2 to 3 hours"),
    "3-5": _l("3 to 5 hours"),
    "5-10": _l("5 to 10 hours"),
    "10+": _l("10 hours or more"),
}

# Where to recruit (the term page): full day names, and the reasons students stay
# unmatched, as the engine's reason codes (and "changed": a coordinator's change).
DAY_NAMES = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
UNMATCHED_REASONS = {
    "no_common_time": _l("Not enough common time with any volunteer"),
    "gender_required": _l("Require a tutor gender that no suitable volunteer has"),
    "format": _l("No volunteer who meets the same way (online, or in person in their city)"),
    "forbidden": _l("Every compatible volunteer is marked “never pair”"),
    "not_approved": _l("Every compatible volunteer is not approved"),
    "partners_locked": _l("Every compatible volunteer is in a locked pair"),
    "partners_taken": _l("Every compatible volunteer is paired with someone else"),
    "changed": _l("Left without a partner by a coordinator's change in this round."),
}

# What a roster file may say instead of a code: the labels the profile form shows.
_TYPED_LABELS: dict[str, tuple[Mapping[str, Any], ...]] = {
    "english_level": (ENGLISH_LEVELS, ENGLISH_LEVELS_SHORT),
    "goals": (GOALS,),
    "interests": (INTERESTS,),
    "gender": (GENDERS, TUTOR_GENDERS),
    "format": (FORMATS,),
    "experience": (EXPERIENCE,),
    "korean_level": (KOREAN_LEVELS,),
}


def typed_labels(locales: tuple[str, ...] = ("en", "ko")) -> dict[str, dict[str, str]]:
    """vocabulary -> {label: code}: the profile form's labels in each language, for the
    roster parser (`matcher.roster.Vocabulary`), which stays free of Flask."""
    out: dict[str, dict[str, str]] = {name: {} for name in _TYPED_LABELS}
    for locale in locales:
        with force_locale(locale):
            for name, mappings in _TYPED_LABELS.items():
                for mapping in mappings:
                    out[name].update({str(label): code for code, label in mapping.items()})
    return out
