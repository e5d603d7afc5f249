"""The migration history: it builds the SQL schema the code declares (`Base.metadata`: derived
tables, Core tables, legacy ORM mirrors), and runs down and up again."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import whitecell.models  # noqa: F401
from tests.support import POSTGRES_URL, scratch_database
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


@pytest.mark.skipif(bool(POSTGRES_URL), reason="PostgreSQL keeps timestamps as timestamptz")
def test_a_year_999_timestamp_stored_unpadded_is_padded_and_sorts_first_after_0011(
    tmp_path: Path,
) -> None:
    # What strftime("%Y") wrote before the codec was fixed: the year without its leading zeros.
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0010")
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        'INSERT INTO users ("_id", email, name, username, "createdAt") '
                        "VALUES ('u', 'u@x.io', 'U', 'u', '5-01-02 03:04:05.000000')"
                    )
                )
                for key, moment in [
                    ("late", "2020-06-01 00:00:00.000000"),
                    ("old", "999-06-01 00:00:00.000000"),
                    ("older", "42-12-31 23:59:59.999999"),
                    ("millennium", "1000-01-01 00:00:00.000000"),
                ]:
                    connection.execute(
                        text(
                            'INSERT INTO cube_times ("_id", "userId", "cubeType", time, '
                            "scramble, date) VALUES (:key, 'u', '3x3', 1000, 'R', :moment)"
                        ),
                        {"key": key, "moment": moment},
                    )
            migrations.upgrade(url, "0011")
            with engine.connect() as connection:
                dates = connection.execute(
                    text('SELECT "_id", date FROM cube_times ORDER BY date')
                ).all()
                joined = connection.execute(
                    text('SELECT "createdAt", "lastLogin" FROM users')
                ).one()
                later = connection.execute(
                    text("SELECT count(*) FROM cube_times WHERE date > '1500-01-01'")
                ).scalar()
        finally:
            engine.dispose()
    assert dates == [
        ("older", "0042-12-31 23:59:59.999999"),
        ("old", "0999-06-01 00:00:00.000000"),
        ("millennium", "1000-01-01 00:00:00.000000"),
        ("late", "2020-06-01 00:00:00.000000"),
    ]
    assert tuple(joined) == ("0005-01-02 03:04:05.000000", None)
    assert later == 1  # a range filter no longer finds the years 42 and 999 after 1500


def not_search_machinery(
    obj: object, name: str | None, kind: str, reflected: bool, other: object
) -> bool:
    """Full-text search objects live only in migrations (FTS5 tables, tsvector columns)."""
    return not (name and (name.endswith("_fts") or "_fts_" in name or "searchVector" in name))


def test_migrated_schema_matches_the_declared_sql_schema(database_url: str) -> None:
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


# The spec's "Indexes" blocks (Foreign Key, Query, Filter, Sort lines), table by table. Search
# lines are full-text indexes (tests/core/test_search.py); Unique lines are checked below.
SPEC_INDEXED_FIELDS = {
    "notes": ["userId", "subject", "isArchived"],
    "flashcards": ["userId", "nextReviewDate", "subject", "status"],
    "quizzes": ["userId", "subject", "createdAt"],
    "textbooks": ["userId"],
    "study_goals": ["userId", "status", "targetDate"],
    "study_sessions": ["userId", "date", "subject"],
    "workouts": ["userId", "date", "type"],
    "measurements": ["userId", "date"],
    "personal_records": ["userId", "exercise", "date"],
    "meals": ["userId", "date"],
    "nutrition_goals": ["userId", "date"],
    "progress_photos": ["userId", "date", "angle"],
    "fitness_goals": ["userId", "status"],
    "chess_puzzles": ["userId", "date", "solved"],
    "cube_times": ["userId", "cubeType", "date", "time"],
    "debate_sessions": ["userId", "date"],
    "memory_palaces": ["userId"],
    "logic_puzzles": ["userId", "date"],
    "code_projects": ["userId"],
    "strategies": ["userId"],
    "daily_tasks": ["userId", "date", "completed"],
    "habit_stacks": ["userId"],
    "pmo_tracker": ["userId", "date"],
    # `platform` is a list: filtered ("contains") within the owner's rows through the userId
    # indexes, since a B-tree cannot index array elements (docs/api.md).
    "content_items": ["userId", "status", "dueDate"],
    "content_ideas": ["userId", "category"],
    "content_templates": ["userId"],
    "ai_conversations": ["userId", "topic", "module", "createdAt"],
    "ai_context_memory": ["userId"],
    "xp_logs": ["userId", "date", "module"],
    "badges": ["userId"],
    "streaks": ["userId"],
    "analytics": ["timestamp", "event", "userId"],
    "admin_logs": ["adminId", "timestamp", "targetId"],
    "sessions": ["userId", "expiresAt"],
    "otp_tokens": ["expiresAt"],
}
# The spec's "High-Priority Indexes": these composites lead an index (ours end with `_id`).
HIGH_PRIORITY = {
    "notes": ("userId", "subject"),
    "flashcards": ("userId", "nextReviewDate"),
    "workouts": ("userId", "date"),
    "meals": ("userId", "date"),
    "sessions": ("expiresAt",),
}


def test_every_index_of_the_spec_is_real_and_owner_scoped(database_url: str) -> None:
    from whitecell.core.tables import REGISTRY

    engine = create_engine(sync_url(database_url))
    try:
        inspector = inspect(engine)
        found = {
            table: {tuple(i["column_names"]) for i in inspector.get_indexes(table)}
            | {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
            for table in SPEC_INDEXED_FIELDS
        }
        badge_uniques = {
            tuple(u["column_names"]) for u in inspector.get_unique_constraints("badges")
        }
        flag_uniques = {
            tuple(u["column_names"]) for u in inspector.get_unique_constraints("feature_flags")
        }
    finally:
        engine.dispose()
    missing = []
    for table, fields in SPEC_INDEXED_FIELDS.items():
        owner_scoped = REGISTRY[table].owned and table != "sessions"
        for name in fields:
            if owner_scoped and name != "userId":
                ok = any(ix[:1] == ("userId",) and name in ix for ix in found[table])
            else:
                ok = any(ix[:1] == (name,) for ix in found[table])
            if not ok:
                missing.append(f"{table}.{name}")
    assert missing == []
    for table, composite in HIGH_PRIORITY.items():
        assert any(ix[: len(composite)] == composite for ix in found[table]), table
    assert ("userId", "badgeType") in badge_uniques
    assert ("name",) in flag_uniques
