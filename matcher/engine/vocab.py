"""The program's fixed vocabularies, as the codes stored and exchanged everywhere.

Pure data: the engine, the CSV mode, the models and the forms all use these codes.
Human labels (and their translations) live in the web layer.
"""

from __future__ import annotations

DAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES  # 48
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY  # 336; slot 0 is Monday 00:00-00:30

ENGLISH_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
GOALS: tuple[str, ...] = (
    "conversation",
    "academic",
    "job_interview",
    "test_prep",
    "speech_contest",
)
INTERESTS: tuple[str, ...] = (
    "music",
    "movies",
    "books",
    "sports",
    "cooking",
    "travel",
    "technology",
    "business",
    "art",
    "faith",
    "nature",
    "games",
    "news",
    "fashion",
)
GENDERS: tuple[str, ...] = ("female", "male", "other")
FORMATS: tuple[str, ...] = ("online", "in_person", "either")
EXPERIENCE: tuple[str, ...] = ("none", "some", "teacher")
KOREAN_LEVELS: tuple[str, ...] = ("none", "basic", "conversational", "fluent")
CAPACITIES: tuple[int, ...] = (1, 2, 3)

# Codes of the engine's outputs; the web layer translates them.
CRITERIA: tuple[str, ...] = (
    "overlap",
    "interests",
    "goals",
    "level",
    "gender",
    "continuity",
)
HARD_CONSTRAINTS: tuple[str, ...] = (
    "overlap",  # weekly common time below the minimum
    "gender_required",  # the student requires a tutor gender the volunteer does not have
    "format",  # no common format (online / in person in the same city)
    "forbidden",  # a coordinator's "never pair"
    "not_approved",  # the volunteer is not approved
)
UNMATCHED_REASONS: tuple[str, ...] = (
    "no_common_time",
    "gender_required",
    "format",
    "forbidden",
    "not_approved",
    "partners_locked",
    "partners_taken",
)
CONSTRAINT_KINDS: tuple[str, ...] = ("lock", "forbid")
OBJECTIVES: tuple[str, ...] = ("best", "fair")
