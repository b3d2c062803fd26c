"""Migrations build the schema from nothing, agree with the models, and go back down."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError

import config
from matcher import create_app
from matcher.extensions import db


@pytest.fixture
def new_database_url(tmp_path) -> Iterator[Callable[[], str]]:
    """Makes brand-new empty databases of the kind the suite runs on; drops them after."""
    base = os.environ.get("TEST_DATABASE_URL")
    created: list[str] = []

    def make() -> str:
        name = f"matcher_migrations_{uuid.uuid4().hex[:8]}"
        if not base:
            return f"sqlite:///{tmp_path / name}.db"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    if not base:
        yield make
        return
    url = make_url(config._normalise(base))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        yield make
    finally:
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(new_database_url) -> str:
    return new_database_url()


def app_on(url: str) -> Flask:
    class Fresh(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(Fresh)


def differences_from_models(conn: Connection) -> list[Any]:
    return compare_metadata(
        MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
    )


def constraints(conn: Connection) -> dict[str, Any]:
    """Each table's unique and CHECK constraints as the database reports them."""
    inspector = inspect(conn)
    found = {}
    for table in set(inspector.get_table_names()) - {"alembic_version"}:
        uniques = inspector.get_unique_constraints(table)
        checks = inspector.get_check_constraints(table)
        found[table] = (
            sorted((u["name"], tuple(u["column_names"])) for u in uniques),
            sorted((c["name"], c["sqltext"]) for c in checks),
        )
    return found


def test_upgrade_to_head_matches_models(empty_database_url):
    app = app_on(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = differences_from_models(conn)
            tables = set(db.inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {"user", "term", "enrollment", "student_profile", "alembic_version"} <= tables


def test_upgraded_constraints_are_the_models(new_database_url):
    """Names and CHECKs, which the comparison with the models does not look at."""
    migrated, built = app_on(new_database_url()), app_on(new_database_url())
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            from_migrations = constraints(conn)
        db.engine.dispose()
    with built.app_context():
        db.create_all()
        with db.engine.connect() as conn:
            from_models = constraints(conn)
        db.engine.dispose()
    assert from_migrations == from_models
    uniques, checks = from_migrations["match_round"]
    assert ("uq_match_round_term_id_number", ("term_id", "number")) in uniques
    assert {name for name, _ in checks} == {"ck_match_round_kind", "ck_match_round_status"}


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    app = app_on(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            before = constraints(conn)
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            diff = differences_from_models(conn)
            after = constraints(conn)
        db.engine.dispose()
    assert left == set()
    assert diff == []
    assert after == before


def test_the_database_refuses_a_status_outside_the_enum(empty_database_url):
    app = app_on(empty_database_url)
    insert = text(
        "INSERT INTO term (name, starts_on, ends_on, applications_open_on,"
        " applications_close_on, status, created_at) VALUES (:status, '2027-03-02',"
        " '2027-06-26', '2027-01-01', '2027-02-01', :status, '2027-01-01 00:00:00')"
    )
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert, {"status": "open"})
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"status": "opened"})
        db.engine.dispose()


ROWS = {
    "term": "(id, name, starts_on, ends_on, applications_open_on, applications_close_on,"
    " status, created_at) VALUES (1, 'T', '2027-03-02', '2027-06-26', '2027-01-01',"
    " '2027-02-01', 'published', '2027-01-01 00:00:00')",
    "user": "(id, email, password_hash, role, display_name, locale, timezone, active,"
    " session_token, created_at) VALUES (1, 'a@example.org', 'x', 'student', 'A', 'en',"
    " 'UTC', true, 't1', '2027-01-01 00:00:00')",
    "enrollment": "(id, term_id, user_id, status, continue_partner, created_at, updated_at)"
    " VALUES (1, 1, 1, 'approved', false, '2027-01-01 00:00:00', '2027-01-01 00:00:00')",
    "match_round": "(id, term_id, number, kind, status, settings, snapshot, result, matched,"
    " seconds, created_at) VALUES (1, 1, 1, 'full', 'published', '{}', '{}', '{}', 0, 0,"
    " '2027-01-01 00:00:00')",
}


def test_the_last_migration_keeps_the_data_both_ways(empty_database_url):
    """Rows written before the CHECKs and renamed constraints come through up and down."""
    app = app_on(empty_database_url)
    count = "SELECT " + " + ".join(f'(SELECT count(*) FROM "{table}")' for table in ROWS)
    with app.app_context():
        upgrade(revision="5a1c0e7d9b21")
        with db.engine.begin() as conn:
            for table, values in ROWS.items():
                conn.execute(text(f'INSERT INTO "{table}" {values}'))
        upgrade()
        with db.engine.connect() as conn:
            after_upgrade = conn.execute(text(count)).scalar()
            status = conn.execute(text("SELECT status FROM enrollment")).scalar()
        downgrade(revision="5a1c0e7d9b21")
        with db.engine.connect() as conn:
            after_downgrade = conn.execute(text(count)).scalar()
        db.engine.dispose()
    assert after_upgrade == after_downgrade == len(ROWS)
    assert status == "approved"


LEAVE = "9d91dae29863"  # people who leave: pair.end_reason becomes a checked enum


def test_end_reasons_in_words_become_reasons_and_notes_both_ways(empty_database_url):
    """ "Term ended" becomes term_ended, a coordinator's words become ended_by_coordinator
    with the words as the note, an active pair has no reason; and back again."""
    app = app_on(empty_database_url)
    pair = (
        "INSERT INTO pair (id, term_id, student_id, volunteer_id, status, score, overlap_hours,"
        " breakdown, override_reason, started_on, end_reason) VALUES (:id, 1, 1, 2, :status,"
        " 50, 3, '[]', '', '2027-03-02', :reason)"
    )
    volunteer = ROWS["user"].replace("(1, 'a@", "(2, 'b@").replace("'t1'", "'t2'")
    with app.app_context():
        upgrade(revision=f"{LEAVE}-1")
        with db.engine.begin() as conn:
            for table in ("term", "user"):
                conn.execute(text(f'INSERT INTO "{table}" {ROWS[table]}'))
            conn.execute(text(f'INSERT INTO "user" {volunteer}'))
            for row in (
                (1, "active", ""),
                (2, "ended", "Term ended"),
                (3, "ended", "Moved abroad.\nBoth agreed."),
            ):
                conn.execute(text(pair), dict(zip(("id", "status", "reason"), row, strict=True)))
        upgrade(revision=LEAVE)
        read = text("SELECT id, end_reason, end_note FROM pair ORDER BY id")
        with db.engine.connect() as conn:
            upgraded = [tuple(row) for row in conn.execute(read)]
        downgrade(revision=f"{LEAVE}-1")
        with db.engine.connect() as conn:
            downgraded = [
                tuple(row) for row in conn.execute(text("SELECT id, end_reason FROM pair"))
            ]
        db.engine.dispose()
    assert upgraded == [
        (1, None, ""),
        (2, "term_ended", ""),
        (3, "ended_by_coordinator", "Moved abroad.\nBoth agreed."),
    ]
    assert sorted(downgraded) == [(1, ""), (2, "Term ended"), (3, "Moved abroad.\nBoth agreed.")]
