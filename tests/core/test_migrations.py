"""The migration history: it builds the schema the models describe, and runs down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import whitecell.models  # noqa: F401
from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import Base, sync_url

TABLES = {"users", "sessions", "otp_tokens", "rate_limits", "change_log", "notes", "admin_logs"}


def table_names(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_every_revision_runs_up_down_and_up_again(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url)
        assert table_names(url) >= TABLES
        migrations.downgrade(url, "base")
        assert {t for t in table_names(url) if not t.startswith("sqlite_")} == set()
        migrations.upgrade(url)
        assert table_names(url) >= TABLES


def not_search_machinery(
    obj: object, name: str | None, kind: str, reflected: bool, other: object
) -> bool:
    """Full-text search objects live only in migrations (FTS5 tables, tsvector columns)."""
    return not (name and (name.endswith("_fts") or "_fts_" in name or "searchVector" in name))


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": False,
                    "include_object": not_search_machinery,
                },
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_spec_indexes_exist(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        inspector = inspect(engine)
        indexes = {
            table: {tuple(i["column_names"]) for i in inspector.get_indexes(table)}
            for table in ("sessions", "otp_tokens")
        }
        uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("users")}
    finally:
        engine.dispose()
    assert {("userId",), ("expiresAt",)} <= indexes["sessions"]
    assert {("email", "createdAt"), ("expiresAt",)} <= indexes["otp_tokens"]
    assert ("email",) in uniques


def test_the_database_itself_refuses_usernames_differing_only_in_case(database_url: str) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    engine = create_engine(sync_url(database_url))
    insert = text(
        'INSERT INTO users ("_id", email, name, username) VALUES (:id, :email, :name, :username)'
    )
    try:
        with engine.begin() as connection:
            connection.execute(
                insert, {"id": "a", "email": "a@x.io", "name": "A", "username": "Zed"}
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                insert, {"id": "b", "email": "b@x.io", "name": "B", "username": "zED"}
            )
    finally:
        engine.dispose()
