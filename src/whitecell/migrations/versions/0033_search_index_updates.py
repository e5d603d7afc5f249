"""SQLite's full-text indexes are kept in step only when an indexed column is written: each
table's `<table>_fts_au` trigger becomes `AFTER UPDATE OF <its columns>`. Before, every update of
a row rewrote its index entry, whatever changed: the XP engine's update of a user's `totalXP`
after a scored write re-indexed the user's name (FTS5 writes and merges segments for it).

An update that names none of a table's indexed columns leaves its index entry as it was, which
is still right: the entry holds only those columns. PostgreSQL is unchanged (its `searchVector`
is a generated column). Downgrade restores the triggers that fire on every update.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each searched table and its FTS5 table's columns, as `core/search.fts_columns` gave them.
SEARCHED = {
    "users": ("name", "username"),
    "notes": ("userId", "title", "subject", "content"),
    "textbooks": ("userId", "title", "author", "subject"),
    "code_projects": ("userId", "title", "language", "description"),
    "strategies": ("userId", "title", "category", "description"),
    "stoic_quotes": ("quote", "author", "theme"),
    "textbook_passages": ("userId", "text"),
}


def _update_trigger(table: str, columns: tuple[str, ...], only_these: bool) -> str:
    fts = f"{table}_fts"
    cols = ", ".join(f'"{c}"' for c in columns)
    old = ", ".join(f'old."{c}"' for c in columns)
    new = ", ".join(f'new."{c}"' for c in columns)
    of = f"OF {cols} " if only_these else ""
    return (
        f'CREATE TRIGGER "{fts}_au" AFTER UPDATE {of}ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, {cols}) VALUES (\'delete\', old.rowid, {old}); '
        f'INSERT INTO "{fts}"(rowid, {cols}) VALUES (new.rowid, {new}); END'
    )


def _replace_triggers(only_these: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in SEARCHED.items():
        op.execute(f'DROP TRIGGER "{table}_fts_au"')
        op.execute(_update_trigger(table, columns, only_these))


def upgrade() -> None:
    _replace_triggers(only_these=True)


def downgrade() -> None:
    _replace_triggers(only_these=False)
