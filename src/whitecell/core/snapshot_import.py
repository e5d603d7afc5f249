"""A snapshot ZIP in Convex's layout imported into White Cell, whole or not at all
(`whitecell import-convex`; docs/export.md, "Import").

It reads the layout Convex's importer reads (../shared/reference/platforms.md §1.8):
`_tables/documents.jsonl` for the table numbers, `<table>/documents.jsonl` for the documents,
`_storage/documents.jsonl` and `_storage/<id>[.<ext>]` for the files. Every document is read
back and checked against its table's declaration (`core/convex_reading.py`) and every file
against its size and SHA-256 before anything is written; then one write transaction inserts
the rows through `crud.insert_server_rows` (so the change log and search indexes follow), and
the files are put into storage before it commits. A snapshot with one bad document or file is
refused as a whole, naming the table, line and field.

Rows are held in memory between the two steps: an import is an operator's one-off move of one
deployment, not a stream.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from whitecell.core import crud
from whitecell.core.convex_ids import STORAGE_TABLE, NotAnId, decode_convex_id
from whitecell.core.convex_reading import ConvexReader, FileField, InvalidDocument
from whitecell.core.errors import AppError
from whitecell.core.files import file_key
from whitecell.core.storage import Storage
from whitecell.core.store import Store
from whitecell.core.tables import REGISTRY, Table
from whitecell.core.transactions import INTEGRITY_ERRORS, Tx

BATCH_ROWS = 200  # rows a multi-row INSERT holds (about 30 columns: far under bind limits)
COPY_CHUNK = 256 * 1024
# What the database refuses of a snapshot's rows: an `_id` or unique value already stored
# (--force), a userId naming no account.
REFUSALS: tuple[type[Exception], ...] = (AppError, *INTEGRITY_ERRORS)


class SnapshotRefused(ValueError):
    """The snapshot cannot be imported; nothing was stored."""


@dataclass(frozen=True)
class StorageEntry:
    """One line of `_storage/documents.jsonl`, and the ZIP entry holding its bytes."""

    storage_id: str
    sha256: bytes
    size: int
    entry: str


@dataclass
class ReadSnapshot:
    """A checked snapshot: each table's rows, and the files rows keep."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)  # each row's line in its file
    files: list[tuple[str, str]] = field(default_factory=list)  # (storage key, storage id)
    stored: dict[str, StorageEntry] = field(default_factory=dict)  # by storage id
    skipped_tables: list[str] = field(default_factory=list)
    unused_files: int = 0


@dataclass(frozen=True)
class ImportSummary:
    """What an import stored: rows per table, files, what it passed over."""

    tables: dict[str, int]
    files: int
    skipped_tables: list[str]
    unused_files: int
    seq: int  # the last change-log sequence the import wrote (0 if none)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "files": self.files,
            "skippedTables": self.skipped_tables,
            "unusedFiles": self.unused_files,
        }


def _lines(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[int, Any]]:
    """The JSON values of a `.jsonl` entry, numbered from 1; a bad line is refused."""
    with archive.open(name) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError:
                raise SnapshotRefused(f"{name} line {number}: not JSON") from None


def _tables(archive: zipfile.ZipFile) -> dict[str, int]:
    if "_tables/documents.jsonl" not in archive.namelist():
        raise SnapshotRefused("not a Convex snapshot: no _tables/documents.jsonl")
    numbers = {}
    for number, entry in _lines(archive, "_tables/documents.jsonl"):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise SnapshotRefused(f"_tables/documents.jsonl line {number}: no table name")
        if not isinstance(entry.get("id"), int | float):
            raise SnapshotRefused(f"_tables/documents.jsonl line {number}: no table number")
        numbers[entry["name"]] = int(entry["id"])
    return numbers


def _storage_entries(archive: zipfile.ZipFile) -> dict[str, StorageEntry]:
    """`_storage/documents.jsonl`, each line matched with its file entry."""
    names = archive.namelist()
    if "_storage/documents.jsonl" not in names:
        return {}
    files = {}
    by_stem = {
        name.removeprefix("_storage/").split(".", 1)[0]: name
        for name in names
        if name.startswith("_storage/") and name != "_storage/documents.jsonl"
    }
    for number, line in _lines(archive, "_storage/documents.jsonl"):
        where = f"_storage/documents.jsonl line {number}"
        storage_id = line.get("_id") if isinstance(line, dict) else None
        try:
            table_number, _ = decode_convex_id(str(storage_id))
        except NotAnId as error:
            raise SnapshotRefused(f"{where}: field _id: {error}") from None
        if table_number != STORAGE_TABLE:
            raise SnapshotRefused(f"{where}: field _id: not a _storage id")
        try:
            digest = base64.b64decode(line["sha256"], validate=True)
            size = int(line["size"])
        except (KeyError, TypeError, ValueError):
            raise SnapshotRefused(f"{where}: field sha256/size: missing or malformed") from None
        if len(digest) != 32:
            raise SnapshotRefused(f"{where}: field sha256: not a SHA-256 in base64")
        entry = by_stem.get(str(storage_id))
        if entry is None:
            raise SnapshotRefused(f"{where}: no file _storage/{storage_id} in the snapshot")
        files[str(storage_id)] = StorageEntry(str(storage_id), digest, size, entry)
    return files


def read_snapshot(archive: zipfile.ZipFile, base_url: str) -> ReadSnapshot:
    """Every document read back and checked, or SnapshotRefused naming the first bad one."""
    numbers = _tables(archive)
    stored = _storage_entries(archive)
    reader = ConvexReader(numbers, set(stored), base_url)
    result = ReadSnapshot(stored=stored)
    used: set[str] = set()
    for name in numbers:
        table = REGISTRY.get(name)
        if table is None:
            if name.startswith("_"):
                result.skipped_tables.append(name)  # a Convex system table (`_scheduled_...`)
                continue
            raise SnapshotRefused(f"table {name}: White Cell has no such table")
        path = f"{name}/documents.jsonl"
        if path not in archive.namelist():
            raise SnapshotRefused(f"table {name}: no {path} in the snapshot")
        rows = result.rows.setdefault(name, [])
        lines = result.lines.setdefault(name, [])
        for number, convex in _lines(archive, path):
            if not isinstance(convex, dict):
                raise SnapshotRefused(f"{path} line {number}: not a JSON object")
            try:
                read = reader.row(table, convex)
            except InvalidDocument as error:
                raise SnapshotRefused(f"table {name}, {path} line {number}: {error}") from None
            rows.append(read.document)
            lines.append(number)
            for kept in read.files:
                result.files.append(
                    (_key(table, read.document, kept, path, number), kept.storage_id)
                )
                used.add(kept.storage_id)
    result.unused_files = len(set(stored) - used)
    _check_references(result)
    return result


def _check_references(read: ReadSnapshot) -> None:
    """Every reference to a table the snapshot holds names one of its documents: a row pointing
    at nothing is refused (White Cell never keeps one: a delete releases its references)."""
    ids = {name: {row["_id"] for row in found} for name, found in read.rows.items()}
    for name, found in read.rows.items():
        table = REGISTRY[name]
        columns = [c for c in table.columns.values() if c.ref in ids and c.name != "_id"]
        for number, row in zip(read.lines[name], found, strict=True):
            for column in columns:
                value = row.get(column.name)
                named = value if isinstance(value, list) else [value] if value else []
                if missing := [v for v in named if v not in ids[str(column.ref)]]:
                    raise SnapshotRefused(
                        f"table {name}, {name}/documents.jsonl line {number}: field "
                        f"{column.name}: names no document of {column.ref} ({missing[0]})"
                    )


def _key(table: Table, document: dict[str, Any], kept: FileField, path: str, line: int) -> str:
    owner = document.get("userId")
    if not owner:
        raise SnapshotRefused(f"table {table.name}, {path} line {line}: a file with no userId")
    return file_key(table, str(owner), str(document["_id"]), kept.variant)


@contextmanager
def checked_files(
    archive: zipfile.ZipFile, stored: dict[str, StorageEntry], wanted: set[str]
) -> Iterator[dict[str, Path]]:
    """The files rows keep, copied out of the ZIP to a temporary directory, each checked
    against its size and SHA-256 (SnapshotRefused if one differs)."""
    with tempfile.TemporaryDirectory(prefix="whitecell-import-") as directory:
        paths = {}
        for storage_id in sorted(wanted):
            entry = stored[storage_id]
            target = Path(directory) / storage_id
            digest, size = hashlib.sha256(), 0
            with archive.open(entry.entry) as source, target.open("wb") as out:
                while chunk := source.read(COPY_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if size != entry.size or digest.digest() != entry.sha256:
                raise SnapshotRefused(
                    f"_storage/{storage_id}: its size or sha256 differs from "
                    "_storage/documents.jsonl"
                )
            paths[storage_id] = target
        yield paths


# Logs of what happened: an import adds the snapshot's entries to them and never deletes one
# (an audit trail is not replaced by another's).
APPENDED = frozenset({"admin_logs", "analytics"})


def shared(table: Table) -> bool:
    """A table of no one's rows (quotes, flags, logs): one a new database may already hold rows
    of (the shipped Stoic quotes)."""
    return not table.owned and table.name != "users"


async def people_tables(tx: Tx) -> list[str]:
    """The tables of people's data (accounts, owned rows) that hold a row: an import wants none."""
    found = []
    for name, table in sorted(REGISTRY.items()):
        if shared(table):
            continue
        if await tx.scalar(f'SELECT 1 FROM "{name}" LIMIT 1') is not None:
            found.append(name)
    return found


def _full_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the same fields in the same order (one INSERT holds them): a field left out
    takes its declared default, or null."""
    names = [n for n, c in table.columns.items() if not c.private or any(n in r for r in rows)]
    full = []
    for row in rows:
        out = {}
        for name in names:
            column = table.columns[name]
            value = row.get(name)
            if value is None and column.has_default:
                # A callable default is the server's (`defaults.now`, `today` in UTC here).
                default = column.default
                value = default(None) if callable(default) else default
                value = list(value) if isinstance(value, list) else value
            out[name] = value
        full.append(out)
    return full


async def import_snapshot(
    store: Store, storage: Storage, source: IO[bytes], *, base_url: str, force: bool = False
) -> ImportSummary:
    """Import the snapshot ZIP `source` whole, or raise SnapshotRefused and store nothing."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise SnapshotRefused("not a ZIP file") from None
    with archive:
        read = read_snapshot(archive, base_url)
        with checked_files(archive, read.stored, {sid for _, sid in read.files}) as paths:
            put: list[str] = []
            try:
                async with store.write() as tx:
                    if not force and (holding := await people_tables(tx)):
                        raise SnapshotRefused(
                            "the database is not empty (rows in "
                            + ", ".join(holding[:5])
                            + (", ..." if len(holding) > 5 else "")
                            + "): import into an empty one, or give --force"
                        )
                    # Accounts first: every owned row's userId is a foreign key to them.
                    for name in sorted(read.rows, key=lambda n: (n != "users", n)):
                        table = REGISTRY[name]
                        if shared(table) and name not in APPENDED:
                            # The snapshot's quotes and flags replace the new database's own.
                            await crud.delete_server_rows(tx, table, "1 = 1", {})
                        rows = _full_rows(table, read.rows[name])
                        for start in range(0, len(rows), BATCH_ROWS):
                            batch = rows[start : start + BATCH_ROWS]
                            try:
                                await crud.insert_server_rows(tx, table, batch)
                            except REFUSALS as error:
                                message = str(error).splitlines()[0]
                                raise SnapshotRefused(f"table {name}: {message}") from None
                    for key, storage_id in read.files:
                        put.append(key)
                        await storage.put(key, paths[storage_id])
            except BaseException:
                for key in put:
                    await storage.delete(key)
                raise
    return ImportSummary(
        {name: len(rows) for name, rows in read.rows.items()},
        len(read.files),
        read.skipped_tables,
        read.unused_files,
        tx.seq,
    )
