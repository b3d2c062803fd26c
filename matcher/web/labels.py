"""Human, translatable labels for the engine's vocabulary codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from matcher.engine import vocab

ROLES = {
    "student": _l("Student"),
    "volunteer": _l("Volunteer tutor"),
    "coordinator": _l("Coordinator"),
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
TERM_STATUSES = {
    "draft": _l("Draft"),
    "open": _l("Open for applications"),
    "matching": _l("Matching"),
    "published": _l("Pairs published"),
    "closed": _l("Closed"),
}
ENROLLMENT_STATUSES = {
    "applied": _l("Applied"),
    "approved": _l("Approved"),
    "withdrawn": _l("Withdrawn"),
}


def choices(mapping: dict) -> list[SelectChoice]:
    """Form choices from a code -> label mapping, in its order."""
    return [SelectChoice(value, label) for value, label in mapping.items()]
