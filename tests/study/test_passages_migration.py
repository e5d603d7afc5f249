"""Revision 0026: `textbook_passages` with its full-text index on either database, and the
textbooks' `indexedPages` (null for a book stored before: never read) and `indexTruncated`; its
downgrade takes them away and leaves the textbooks and their own search as they were."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError

from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url

USERS = sa.table(
    "users",
    *(sa.column(n) for n in ("_id", "email", "name", "username")),
    sa.column("createdAt", sa.DateTime(timezone=True)),
)
BOOKS = sa.table(
    "textbooks",
    *(sa.column(n) for n in ("_id", "userId", "title", "subject", "pdfUrl", "pages")),
    sa.column("uploadedAt", sa.DateTime(timezone=True)),
)
PASSAGE = sa.text(
    'INSERT INTO textbook_passages ("_id", "userId", "textbookId", page, position, text) '
    "VALUES (:id, 'u1', 'b1', 1, 0, :text)"
)


def _passages_matching(connection: sa.Connection, word: str) -> list[str]:
    if connection.dialect.name == "sqlite":
        query = (
            'SELECT p."_id" FROM textbook_passages AS p JOIN textbook_passages_fts AS f '
            'ON f.rowid = p.rowid WHERE textbook_passages_fts MATCH :word ORDER BY p."_id"'
        )
    else:
        query = (
            'SELECT "_id" FROM textbook_passages WHERE "searchVector" @@ '
            "to_tsquery('english', :word) ORDER BY \"_id\""
        )
    return [row[0] for row in connection.execute(sa.text(query), {"word": word})]


def _textbook_titles_matching(connection: sa.Connection, word: str) -> int:
    if connection.dialect.name == "sqlite":
        query = "SELECT count(*) FROM textbooks_fts WHERE textbooks_fts MATCH :word"
    else:
        query = (
            "SELECT count(*) FROM textbooks WHERE \"searchVector\" @@ to_tsquery('english', :word)"
        )
    return int(connection.execute(sa.text(query), {"word": word}).scalar_one())


def test_passages_and_their_search_come_and_go(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0025")
        engine = create_engine(sync_url(url))
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        try:
            with engine.begin() as connection:
                connection.execute(
                    USERS.insert(),
                    {"_id": "u1", "email": "u1@x.io", "name": "u1", "username": "u1",
                     "createdAt": moment},
                )  # fmt: skip
                connection.execute(
                    BOOKS.insert(),
                    {"_id": "b1", "userId": "u1", "title": "Campbell Biology",
                     "subject": "biology", "pdfUrl": "https://x.io/b.pdf", "pages": 10,
                     "uploadedAt": moment},
                )  # fmt: skip
            migrations.upgrade(url, "0026")
            with engine.begin() as connection:
                book = connection.execute(
                    sa.text('SELECT "indexedPages", "indexTruncated" FROM textbooks')
                ).one()
                assert tuple(book) == (None, False)  # stored before: never read
                connection.execute(PASSAGE, {"id": "p1", "text": "The mitochondrion makes ATP."})
                connection.execute(PASSAGE, {"id": "p2", "text": "Chloroplasts fix carbon."})
            with engine.begin() as connection:
                assert _passages_matching(connection, "mitochondrion") == ["p1"]
                connection.execute(sa.text("DELETE FROM textbook_passages WHERE \"_id\" = 'p1'"))
                assert _passages_matching(connection, "mitochondrion") == []
                assert _passages_matching(connection, "chloroplast") == ["p2"]  # stemmed
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(sa.text('UPDATE textbooks SET "indexedPages" = -1'))

            migrations.downgrade(url, "0025")
            inspector = sa.inspect(engine)
            assert "textbook_passages" not in inspector.get_table_names()
            columns = {c["name"] for c in inspector.get_columns("textbooks")}
            assert not {"indexedPages", "indexTruncated"} & columns
            with engine.begin() as connection:
                assert _textbook_titles_matching(connection, "campbell") == 1
                connection.execute(sa.text("UPDATE textbooks SET title = 'Raven Biology'"))
                assert _textbook_titles_matching(connection, "raven") == 1
                assert _textbook_titles_matching(connection, "campbell") == 0

            migrations.upgrade(url)
            with engine.connect() as connection:
                assert _passages_matching(connection, "chloroplast") == []
        finally:
            engine.dispose()
