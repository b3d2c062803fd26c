"""Declarative base with a type map and a naming convention (stable names for Alembic)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, MetaData, String
from sqlalchemy.orm import DeclarativeBase, registry

# Constraints are named after their table and all their columns, so that two unique
# constraints starting with the same column cannot clash and a rename is visible.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            dt.datetime: DateTime(timezone=True),
            str: String(255),
            dict[str, Any]: JSON,
            list[str]: JSON,
            list[Any]: JSON,
        },
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as an aware UTC datetime: SQLite hands them back naive (they are UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def enum_values(enum_class: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in enum_class]


def checked_enum(enum_class: type[enum.StrEnum], column: str, length: int) -> Enum:
    """A VARCHAR column holding one of the enum's lowercase values, with a CHECK in the database.

    The CHECK is named ``ck_<table>_<column>``; reading the column gives the enum member.
    """
    return Enum(
        enum_class,
        name=column,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=enum_values,
    )
