"""A textbook's text kept searchable (docs/study.md, "Textbook text"): the passages of its stored
PDF in `textbook_passages`, read before the transaction that stores or replaces the PDF
(`read_pdf_text`, in a worker thread) and written in it (`keep_passages`), deleted with the
textbook (`drop_passages`); `reindex_textbooks` reads the PDFs stored before there were passages
(`whitecell textbooks reindex`).

Passages record no change events (`events=False`): a book writes up to ~1,500 of them at once,
which no live view shows one by one; the textbook's own event (its `indexedPages`, its new file)
announces them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from whitecell.core import crud
from whitecell.core.context import AppContext
from whitecell.core.files import file_key
from whitecell.core.storage import Storage, StoredFile
from whitecell.core.tables import REGISTRY
from whitecell.core.transactions import Tx
from whitecell.study.pdftext import Passage, read_text

# By name: study/tables.py imports this module to declare the textbooks' hooks.
TEXTBOOKS, PASSAGES = "textbooks", "textbook_passages"


def read_pdf_text(path: Path) -> tuple[dict[str, Any], list[Passage]]:
    """The textbook's fields that say what of its PDF is searchable, and the passages."""
    text = read_text(path)
    facts = {"indexedPages": text.pages_with_text, "indexTruncated": text.truncated}
    return facts, text.passages


async def keep_passages(tx: Tx, book: dict[str, Any], passages: list[Passage]) -> None:
    """`passages` become the book's, in place of those of its previous PDF."""
    await drop_passages(tx, book)
    rows = [
        {
            "userId": book["userId"],
            "textbookId": book["_id"],
            "page": passage.page,
            "position": position,
            "text": passage.text,
        }
        for position, passage in enumerate(passages)
    ]
    await crud.insert_server_rows(tx, REGISTRY[PASSAGES], rows)


async def drop_passages(tx: Tx, book: dict[str, Any]) -> None:
    await crud.delete_server_rows(
        tx,
        REGISTRY[PASSAGES],
        '"userId" = :me AND "textbookId" = :book',
        {"me": book["userId"], "book": book["_id"]},
    )


@dataclass
class Reindexed:
    books: int = 0  # textbooks whose stored PDF was read
    passages: int = 0
    without_text: int = 0  # of those, PDFs with no text layer (scans)
    without_file: int = 0  # textbooks that link to a PDF elsewhere: nothing stored to read


async def reindex_textbooks(ctx: AppContext, *, everything: bool = False) -> Reindexed:
    """Read the stored PDF of every textbook never read (`indexedPages` null), or of every
    textbook with `everything`, and keep its passages. Running it again reads nothing new."""
    unread = "" if everything else 'WHERE "indexedPages" IS NULL '
    async with ctx.store.read() as tx:
        rows = await tx.all(f'SELECT "_id", "userId" FROM textbooks {unread}ORDER BY "_id"')
    done = Reindexed()
    for book_id, owner in rows:
        key = file_key(REGISTRY[TEXTBOOKS], str(owner), str(book_id))
        stored = await ctx.storage.stat(key)
        if stored is None:
            done.without_file += 1
            continue
        with tempfile.TemporaryDirectory(prefix="whitecell-reindex-") as directory:
            path = Path(directory) / "book.pdf"
            await _copy_out(ctx.storage, stored, path)
            facts, passages = await anyio.to_thread.run_sync(read_pdf_text, path)
        if await _keep_if_unchanged(ctx, str(book_id), stored, facts, passages, everything):
            done.books += 1
            done.passages += len(passages)
            if not passages:
                done.without_text += 1
    return done


async def _copy_out(storage: Storage, stored: StoredFile, path: Path) -> None:
    async with await anyio.open_file(path, "wb") as out:
        async for chunk in storage.read(stored.key, 0, stored.size):
            await out.write(chunk)


async def _keep_if_unchanged(
    ctx: AppContext,
    book_id: str,
    read: StoredFile,
    facts: dict[str, Any],
    passages: list[Passage],
    everything: bool,
) -> bool:
    """Keep what was read unless the book went, was read meanwhile (a replaced PDF brings its
    own passages) or its file changed since: False then."""
    table = REGISTRY[TEXTBOOKS]
    async with ctx.store.write() as tx:
        # Locked as a replacement locks it, so the two never both write the book's passages.
        lock = "" if tx.dialect.is_sqlite else "FOR UPDATE"
        found = await crud.select_documents(tx, TEXTBOOKS, '"_id" = :id', {"id": book_id}, lock)
        book = found[0] if found else None
        now = await ctx.storage.stat(read.key)
        if book is None or now != read or (book["indexedPages"] is not None and not everything):
            return False
        changed = {name: value for name, value in facts.items() if book[name] != value}
        if changed:
            book = await crud.update_server_row(tx, table, book, changed)
        await keep_passages(tx, book, passages)
    return True
