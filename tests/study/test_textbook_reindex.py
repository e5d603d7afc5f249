"""PDFs stored before their text was kept (revision 0026) are read by `whitecell textbooks
reindex` (study/textindex.py `reindex_textbooks`); running it again reads nothing new."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import Engine

from tests.pdfs import scanned_pdf_bytes, text_pdf_bytes
from tests.study.test_textbook_text import BOOK, ask, passages, upload, uploaded
from tests.support import Api
from whitecell.cli.main import cli
from whitecell.study.textindex import Reindexed, reindex_textbooks


def _as_if_stored_before(engine: Engine) -> None:
    """What revision 0026 leaves of books uploaded before it: no passages, never read."""
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM textbook_passages"))
        connection.execute(
            sa.text('UPDATE textbooks SET "indexedPages" = NULL, "indexTruncated" = false')
        )


async def test_reindexing_reads_the_pdfs_never_read_once(api: Api, sync_engine: Engine) -> None:
    mine = await uploaded(api, api.a, BOOK)
    theirs = await uploaded(api, api.b, BOOK[:2])
    scan = (await upload(api, api.a, scanned_pdf_bytes(2), title="Scan")).json()
    linked = {"title": "Linked", "subject": "biology", "pdfUrl": "https://x.io/b.pdf", "pages": 9}
    await api.create(api.a, "textbooks", {**linked, "bookmarks": []})
    _as_if_stored_before(sync_engine)
    assert await ask(api, api.a, "mitochondrion") == []

    done = await reindex_textbooks(api.context)
    assert done == Reindexed(books=3, passages=5, without_text=1, without_file=1)
    assert sorted(p["page"] for p in await ask(api, api.a, "mitochondrion osmosis")) == [1, 3]
    assert {p["textbookId"] for p in await ask(api, api.b, "mitochondrion osmosis")} == {
        theirs["_id"]
    }
    books = {
        book["_id"]: book for book in (await api.get(api.a, "textbooks", limit=10)).json()["items"]
    }
    assert books[mine["_id"]]["indexedPages"] == 3
    assert books[scan["_id"]]["indexedPages"] == 0  # read: a scan, nothing to search

    again = await reindex_textbooks(api.context)
    assert again == Reindexed(without_file=1)  # nothing new to read
    everything = await reindex_textbooks(api.context, everything=True)
    assert everything == Reindexed(books=3, passages=5, without_text=1, without_file=1)
    assert len(await passages(api, api.a, mine["_id"])) == 3  # replaced, not doubled


def test_the_command_reads_a_pdf_stored_before(
    database_url: str, sync_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    with sync_engine.begin() as connection:
        connection.execute(
            sa.text(
                'INSERT INTO users ("_id", email, name, username, "createdAt") '
                "VALUES ('u1', 'u1@x.io', 'U1', 'u1', :moment)"
            ),
            {"moment": moment},
        )
        connection.execute(
            sa.text(
                'INSERT INTO textbooks ("_id", "userId", title, subject, "pdfUrl", pages, '
                "\"uploadedAt\") VALUES ('b1', 'u1', 'Biology', 'biology', "
                "'http://127.0.0.1:8000/api/v1/textbooks/b1/pdf', 3, :moment)"
            ),
            {"moment": moment},
        )
    stored = tmp_path / "files" / "textbooks" / "u1" / "b1.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(text_pdf_bytes(BOOK))
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))

    result = CliRunner().invoke(cli, ["textbooks", "reindex"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {
        "books": 1,
        "passages": 3,
        "without_text": 0,
        "without_file": 0,
    }
    with sync_engine.connect() as connection:
        pages = connection.execute(
            sa.text("SELECT page FROM textbook_passages WHERE \"userId\" = 'u1' ORDER BY page")
        ).scalars()
        assert list(pages) == [1, 2, 3]
        indexed = connection.execute(sa.text('SELECT "indexedPages" FROM textbooks')).scalar()
        assert indexed == 3
    again = CliRunner().invoke(cli, ["textbooks", "reindex"], catch_exceptions=False)
    assert json.loads(again.output.strip().splitlines()[-1])["books"] == 0
