"""Building blocks for the matching-round tests: people who can be paired, and settings."""

from __future__ import annotations

from matcher import engine
from tests.conftest import week

SEOUL_EVENINGS = week((38, 44), (48 + 38, 48 + 44), (96 + 38, 96 + 44))  # Mon-Wed 19-22
# The same hours seen from Los Angeles, in winter and in summer time (Mon-Wed 02:00-06:00).
LA_FOR_SEOUL_EVENINGS = week((4, 12), (48 + 4, 48 + 12), (96 + 4, 96 + 12))
TOKYO_EVENINGS = SEOUL_EVENINGS  # same offset as Seoul all year


def settings(**changes: object) -> engine.Settings:
    return engine.Settings(**changes)  # type: ignore[arg-type]


def run_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "weight_overlap": 30,
        "weight_interests": 15,
        "weight_goals": 20,
        "weight_level": 15,
        "weight_gender": 10,
        "weight_continuity": 10,
        "min_overlap_hours": "2",
        "objective": "best",
        "lock_continue_partner": "y",
    }
    data.update(changes)
    return data
