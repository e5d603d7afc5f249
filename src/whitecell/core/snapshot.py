"""Snapshot exports in Convex's ZIP layout: chosen rows of chosen tables, and their files.

The layout is Convex's (`crates/exports/src/lib.rs`; ../shared/reference/platforms.md §1.8),
entry by entry and in its order, each entry deflated with Unix mode 0644:

    README.md
    _tables/documents.jsonl           {"name": <table>, "id": <table number>}, by number
    <table>/documents.jsonl           one document a line (core/convex_format.py), then
    <table>/generated_schema.jsonl    "uniform"; tables smallest first
    _storage/documents.jsonl          one line a stored file: its id, time, sha256 (base64), ...
    _storage/<storage id>.<ext>       the file's bytes

An export runs in two steps. `gather` reads the rows in one consistent snapshot of the database,
writes each table's lines to a spooled temporary file (memory up to `SPOOL_BYTES`, then disk)
and hashes every file it will hold: the database is free again before the first byte is sent,
however slowly the client reads. `Snapshot.chunks()` then streams the archive (core/zipstream.py)
and reads each file again from storage, checking it against the digest written ahead of it.
Which rows an export holds is its caller's choice: a `Selection` per table.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any
from urllib.parse import urlparse

import orjson

from whitecell.core.clock import utcnow
from whitecell.core.convex_format import (
    UNIFORM,
    ConvexDocuments,
    jsonl,
    milliseconds,
    table_numbers,
)
from whitecell.core.convex_ids import STORAGE_TABLE, encode_convex_id
from whitecell.core.crud import select_documents
from whitecell.core.dialect import Dialect
from whitecell.core.documents import bind_json
from whitecell.core.files import file_key
from whitecell.core.images import EXTENSIONS as IMAGE_EXTENSIONS
from whitecell.core.storage import Storage
from whitecell.core.store import Store
from whitecell.core.tables import Kind, Table
from whitecell.core.transactions import Tx
from whitecell.core.zipstream import ZipStream

logger = logging.getLogger("whitecell.snapshot")

PAGE_ROWS = 500  # rows read per query, in `_id` order
SPOOL_BYTES = 256 * 1024  # a table's lines kept in memory before they go to a temporary file
# What a stored file's `contentType` is when its row does not say (a PDF's never does).
PDF_TYPE = "application/pdf"
EXTENSIONS = {PDF_TYPE: "pdf", **IMAGE_EXTENSIONS}

README = """# Welcome to your White Cell snapshot export!

This ZIP file has the layout of a Convex snapshot export, so `npx convex import` reads it.

Documents for each table are listed as lines of JSON in <table_name>/documents.jsonl files;
_tables/documents.jsonl names every table in the export with its table number. Files you
uploaded are in the _storage folder, described line by line in _storage/documents.jsonl
(sha256 in base64); a row whose file is here names it by its storage id, in place of the
file's URL on the server.

Ids and times are written as Convex writes them:
- `_id` is a Convex document id. Its 16-byte body is the White Cell id the API shows, so the
  two can always be converted into each other (see docs/export.md of White Cell).
- `_creationTime` and every timestamp are milliseconds since 1970-01-01T00:00:00Z. Calendar
  days stay YYYY-MM-DD, in your own time zone.
- Every number is written with a decimal point; a field with no value is left out.
"""


class SnapshotChanged(RuntimeError):
    """A stored file changed between its digest and its copy into the archive."""


@dataclass(frozen=True)
class Selection:
    """The rows of one table an export holds: those matching `where` (SQL the server wrote,
    with `params`), each passed through `shape` (to drop what is not the reader's), with the
    private columns named in `private` read too (the operator's whole export: a puzzle's
    solution; never a person's own)."""

    table: Table
    where: str
    params: dict[str, Any] = field(default_factory=dict)
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    private: tuple[str, ...] = ()


def rows_naming(dialect: Dialect, table: Table, column: str, param: str) -> str:
    """A WHERE clause: the rows whose `column` (an id, or a list of ids) holds the parameter
    `param` (which, for a list, must be bound with `naming_param`)."""
    if table.columns[column].kind != Kind.LIST:
        return f'"{table.name}"."{column}" = :{param}'
    if dialect.is_sqlite:
        return f'EXISTS (SELECT 1 FROM json_each("{table.name}"."{column}") WHERE value = :{param})'
    return f'"{table.name}"."{column}" @> :{param}'


def naming_param(dialect: Dialect, table: Table, column: str, value: str) -> Any:
    """The parameter `rows_naming` compares `column` with, for `value`."""
    if table.columns[column].kind == Kind.LIST and not dialect.is_sqlite:
        return bind_json(dialect, [value])
    return value


@dataclass
class TableDump:
    """One table's lines, written ahead of the archive."""

    name: str
    number: int
    lines: IO[bytes]
    size: int = 0
    rows: int = 0


@dataclass(frozen=True)
class StoredEntry:
    """A stored file the export holds, as `_storage/documents.jsonl` describes it."""

    storage_id: str
    key: str
    size: int
    sha256: bytes
    content_type: str | None
    created: float  # milliseconds since the epoch

    @property
    def path(self) -> str:
        extension = EXTENSIONS.get(self.content_type or "")
        return f"_storage/{self.storage_id}" + (f".{extension}" if extension else "")

    def line(self) -> bytes:
        # Field names and order as Convex's FileStorageZipMetadata; an absent option is null.
        return (
            orjson.dumps(
                {
                    "_id": self.storage_id,
                    "_creationTime": self.created,
                    "sha256": base64.b64encode(self.sha256).decode(),
                    "size": self.size,
                    "contentType": self.content_type,
                    "internalId": str(uuid.UUID(bytes=self.internal_id)),
                }
            )
            + b"\n"
        )

    @property
    def internal_id(self) -> bytes:
        return storage_internal_id(self.key)


def storage_internal_id(key: str) -> bytes:
    """A stored file's 16-byte id inside its Convex `_storage` id: the same for the same file
    (its key) in every export, so an import that replaces files finds them again."""
    return hashlib.sha256(f"whitecell-file:{key}".encode()).digest()[:16]


@dataclass
class Snapshot:
    """A gathered export, ready to stream once (`chunks`); `close` drops its temporary files."""

    moment: datetime
    storage: Storage
    tables: list[TableDump]
    files: list[StoredEntry]
    include_storage: bool = True

    @property
    def filename(self) -> str:
        """`snapshot_<nanoseconds since the epoch>.zip`, as Convex names its exports."""
        return f"snapshot_{int(milliseconds(self.moment)) * 1_000_000}.zip"

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "tables": {dump.name: dump.rows for dump in self.tables},
            "files": len(self.files),
        }

    def close(self) -> None:
        for dump in self.tables:
            dump.lines.close()

    async def chunks(self) -> AsyncIterator[bytes]:
        """The archive's bytes, in order; the temporary files are gone once it ends."""
        archive = ZipStream(self.moment)
        try:
            async for chunk in self._entries(archive):
                if chunk:
                    yield chunk
            yield archive.finish()
        finally:
            self.close()

    async def _entries(self, archive: ZipStream) -> AsyncIterator[bytes]:
        listing = b"".join(
            jsonl({"name": dump.name, "id": dump.number})
            for dump in sorted(self.tables, key=lambda dump: dump.number)
        )
        async for chunk in archive.add_bytes("README.md", README.encode()):
            yield chunk
        async for chunk in archive.add_bytes("_tables/documents.jsonl", listing):
            yield chunk
        for dump in sorted(self.tables, key=lambda dump: (dump.size, dump.name)):
            async for chunk in archive.add_file(
                f"{dump.name}/documents.jsonl", dump.lines, dump.size
            ):
                yield chunk
            async for chunk in archive.add_bytes(f"{dump.name}/generated_schema.jsonl", UNIFORM):
                yield chunk
        if not self.include_storage:
            return
        lines = b"".join(entry.line() for entry in self.files)
        async for chunk in archive.add_bytes("_storage/documents.jsonl", lines):
            yield chunk
        for entry in self.files:
            async for chunk in self._file(archive, entry):
                yield chunk

    async def _file(self, archive: ZipStream, entry: StoredEntry) -> AsyncIterator[bytes]:
        digest = hashlib.sha256()
        body = self.storage.read(entry.key, 0, entry.size)
        async for chunk in archive.add_stream(entry.path, body, entry.size, digest.update):
            yield chunk
        if digest.digest() != entry.sha256:
            logger.error("stored file %s changed while it was exported", entry.key)
            raise SnapshotChanged(f"{entry.key} changed during the export: export again")


async def gather(
    store: Store,
    storage: Storage,
    selections: Sequence[Selection],
    *,
    include_storage: bool = True,
) -> Snapshot:
    """Read the selected rows (one consistent snapshot of the database), then digest the
    stored files they keep."""
    moment = utcnow()
    numbers = table_numbers()
    convex = ConvexDocuments(numbers)
    dumps: list[TableDump] = []
    kept: list[_KeptFile] = []
    try:
        async with store.snapshot() as tx:
            for selection in selections:
                table = selection.table
                dump = TableDump(
                    table.name,
                    numbers[table.name],
                    tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES),  # noqa: SIM115
                )
                dumps.append(dump)
                async for document in _selected(tx, selection):
                    replaced: dict[str, str] = {}
                    if include_storage and table.upload is not None:
                        for file in await _kept_files(storage, table, document):
                            kept.append(file)
                            if file.column:
                                replaced[file.column] = file.storage_id
                    line = jsonl(convex.document(table, document, made=moment, replaced=replaced))
                    dump.lines.write(line)
                    dump.size += len(line)
                    dump.rows += 1
        files = [await file.digested(storage) for file in kept]
    except BaseException:
        for dump in dumps:
            dump.lines.close()
        raise
    return Snapshot(moment, storage, dumps, files, include_storage)


async def _selected(tx: Tx, selection: Selection) -> AsyncIterator[dict[str, Any]]:
    """The selection's documents, page by page in `_id` order, shaped."""
    after = ""
    while True:
        page = await select_documents(
            tx,
            selection.table.name,
            f'({selection.where}) AND "_id" > :_after',
            {**selection.params, "_after": after},
            f'ORDER BY "_id" LIMIT {PAGE_ROWS}',
        )
        if selection.private and page:
            await _add_private(tx, selection, page)
        for document in page:
            yield selection.shape(document) if selection.shape else document
        if len(page) < PAGE_ROWS:
            return
        after = page[-1]["_id"]


async def _add_private(tx: Tx, selection: Selection, page: list[dict[str, Any]]) -> None:
    """Set the selection's private columns on a page of its documents (read apart: the codec
    reads public columns only). Private columns are text, stored as the API would show them."""
    names = ", ".join(f'"{name}"' for name in selection.private)
    ids = {f"p{n}": document["_id"] for n, document in enumerate(page)}
    rows = await tx.all(
        f'SELECT "_id", {names} FROM "{selection.table.name}" '
        f'WHERE "_id" IN ({", ".join(f":{key}" for key in ids)})',
        ids,
    )
    found = {row[0]: row[1:] for row in rows}
    for document in page:
        values = found.get(document["_id"], (None,) * len(selection.private))
        document.update(zip(selection.private, values, strict=True))


@dataclass(frozen=True)
class _KeptFile:
    """A stored file a selected row keeps, and the column whose URL is the server's link to it
    (None when the row links elsewhere: that address is left as it is)."""

    key: str
    column: str | None
    content_type: str | None
    modified: datetime

    @property
    def storage_id(self) -> str:
        return encode_convex_id(STORAGE_TABLE, storage_internal_id(self.key))

    async def digested(self, storage: Storage) -> StoredEntry:
        """Its entry, with the size and SHA-256 of what storage holds now."""
        digest, size = hashlib.sha256(), 0
        stored = await storage.stat(self.key)
        if stored is None:
            raise SnapshotChanged(f"{self.key} was deleted during the export: export again")
        async for chunk in storage.read(self.key, 0, stored.size):
            digest.update(chunk)
            size += len(chunk)
        created = milliseconds(self.modified)
        return StoredEntry(
            self.storage_id, self.key, size, digest.digest(), self.content_type, created
        )


async def _kept_files(storage: Storage, table: Table, document: dict[str, Any]) -> list[_KeptFile]:
    upload = table.upload
    assert upload is not None
    kept = []
    for variant in upload.variants:
        key = file_key(table, str(document["userId"]), str(document["_id"]), variant)
        stored = await storage.stat(key)
        if stored is None:
            continue
        column = upload.thumbnail if variant == "thumbnail" else upload.url
        url = document.get(column or "")
        own_link = f"/api/v1/{table.name}/{document['_id']}/{variant}"
        linked = isinstance(url, str) and urlparse(url).path == own_link
        content_type = PDF_TYPE if upload.kind == "pdf" else document.get("contentType")
        kept.append(_KeptFile(key, column if linked else None, content_type, stored.modified))
    return kept
