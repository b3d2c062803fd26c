"""How a coordinator tells people apart: "Mirae · #41 · Seoul".

Display names are often shared (a pseudonym, a common given name), so wherever a
coordinator reads or picks a person the name comes with the short id (the account's id,
which the people table's search also takes as ``#41``) and where the person is: the city
they gave, else the city of their time zone. One function builds that label for everyone;
round pages build it from the round's snapshot, so that it says what the round saw.
"""

from __future__ import annotations

from matcher.models import User

SEPARATOR = " · "


def place(city: str | None, timezone: str | None) -> str:
    """The city the person gave, else the last part of their time zone ("Asia/Seoul" is
    "Seoul", "America/New_York" is "New York"); "" when neither is known."""
    if city and city.strip():
        return city.strip()
    if not timezone:
        return ""
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def short_id(user_id: int | str) -> str:
    return f"#{user_id}"


def person_label(name: str, user_id: int | str, where: str = "") -> str:
    """The one way a coordinator's page names a person: name · #id · place."""
    parts = [name, short_id(user_id)]
    if where:
        parts.append(where)
    return SEPARATOR.join(parts)


def label_of(user: User) -> str:
    """`person_label` for a person as they are now (city from their profile, else zone)."""
    profile = user.profile
    return person_label(
        user.display_name, user.id, place(profile.city if profile else "", user.timezone)
    )
