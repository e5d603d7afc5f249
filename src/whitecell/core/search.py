"""Full-text search: FTS5 on SQLite, a weighted tsvector with a GIN index on PostgreSQL.

A table declares `search=("title", "subject", "content")`: the order gives the weights (the first
field counts most). The index objects are created by migrations (`fts_ddl`) and kept in sync by the
database itself (triggers on SQLite, a generated column on PostgreSQL), so no write can forget them.
"""

from __future__ import annotations

import re

from whitecell.core.dialect import Dialect
from whitecell.core.listing import Sql
from whitecell.core.tables import Table

WEIGHTS = ("A", "B", "C", "D")
# FTS5's BM25 adds the weighted counts of all columns before saturating them, so only a wide gap
# makes a title hit outrank a body that repeats the word (as ts_rank's A/B/C weights do).
BM25_WEIGHTS = (100.0, 10.0, 1.0, 1.0)
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_table(table: Table) -> str:
    return f"{table.name}_fts"


def fts_columns(table: Table) -> tuple[str, ...]:
    """The FTS5 table's columns. Owned tables lead with `userId`, so that a user's search is
    narrowed to their own rows inside the index (a query term) instead of ranking every user's
    matches first and dropping others' afterwards: about 9x faster with 1,000 users."""
    return ("userId", *table.search) if table.owned else table.search


def sqlite_match(text: str) -> str:
    """User words as an FTS5 query: every word must appear; the last may be a prefix."""
    words = _WORD.findall(text)[:16]
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_clause(
    dialect: Dialect, table: Table, sql: Sql, text: str, *, owner: str | None = None
) -> tuple[str, str, str]:
    """(join, condition, order-by) that restrict a query to matches, best first. `owner`: the
    only user whose rows the caller may see, if there is one."""
    if dialect.is_sqlite:
        fts = fts_table(table)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS[: len(table.search)])
        if table.owned:
            weights = "0.0, " + weights  # the owner column only filters, it never ranks
        match = sqlite_match(text)
        if table.owned and owner is not None:
            quoted = owner.replace('"', '""')
            match = f'userId : "{quoted}" AND ({match})'
        sql.params["search"] = match
        return (
            f'JOIN "{fts}" ON "{fts}".rowid = "{table.name}".rowid',
            f'"{fts}" MATCH :search',
            f'bm25("{fts}", {weights})',
        )
    sql.params["search"] = text
    query = "websearch_to_tsquery('english', :search)"
    return (
        "",
        f'"{table.name}"."searchVector" @@ {query}',
        f'ts_rank("{table.name}"."searchVector", {query}) DESC',
    )


def fts_ddl(dialect_name: str, table: Table) -> tuple[list[str], list[str]]:
    """(upgrade, downgrade) statements that create and drop `table`'s search index."""
    name, fields = table.name, table.search
    if dialect_name == "sqlite":
        fields = fts_columns(table)
        fts = fts_table(table)
        cols = ", ".join(f'"{f}"' for f in fields)
        new = ", ".join(f'new."{f}"' for f in fields)
        old = ", ".join(f'old."{f}"' for f in fields)
        up = [
            f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5({cols}, content='{name}', "
            f"content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')",
            f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{name}" BEGIN '
            f'INSERT INTO "{fts}"(rowid, {cols}) VALUES (new.rowid, {new}); END',
            f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{name}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, {cols}) '
            f"VALUES ('delete', old.rowid, {old}); END",
            # Only when an indexed column is written (an update of others leaves the entry
            # right): the XP engine updates a user's row after most scored writes.
            f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF {cols} ON "{name}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, {cols}) VALUES (\'delete\', old.rowid, {old}); '
            f'INSERT INTO "{fts}"(rowid, {cols}) VALUES (new.rowid, {new}); END',
            f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')',
        ]
        down = [f'DROP TRIGGER "{fts}_{t}"' for t in ("ai", "ad", "au")] + [f'DROP TABLE "{fts}"']
        return up, down
    vector = " || ".join(
        f"setweight(to_tsvector('english', coalesce(\"{f}\", '')), '{w}')"
        for f, w in zip(fields, WEIGHTS, strict=False)
    )
    up = [
        f'ALTER TABLE "{name}" ADD COLUMN "searchVector" tsvector '
        f"GENERATED ALWAYS AS ({vector}) STORED",
        f'CREATE INDEX "ix_{name}_searchVector" ON "{name}" USING gin ("searchVector")',
    ]
    down = [
        f'DROP INDEX "ix_{name}_searchVector"',
        f'ALTER TABLE "{name}" DROP COLUMN "searchVector"',
    ]
    return up, down
