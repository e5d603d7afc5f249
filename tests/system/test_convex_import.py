"""`whitecell import-convex` and `whitecell export --all`: a snapshot in Convex's layout, written
here by hand from the documented layout (docs/export.md, platforms.md §1.8), imported with its
ids, references, times, numbers and files; exported whole and imported into another empty
database without loss; an invalid snapshot refused, storing nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from tests.pdfs import pdf_bytes
from tests.samples import sample_body, sample_value
from tests.support import Api, scratch_database
from whitecell.cli.main import cli
from whitecell.core import crud, migrations
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.crud import select_documents
from whitecell.core.files import file_key
from whitecell.core.ids import new_id
from whitecell.core.tables import REGISTRY, Kind
from whitecell.gamification.engine import CONSUMER
from whitecell.gamification.worker import Engine
from whitecell.server import run_with_context
from whitecell.system.export import LEFT_OUT_OF_DEPLOYMENT, deployment_selections

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# Numbers a Convex deployment might have given these tables: not White Cell's own, so the
# import must read them from `_tables/documents.jsonl`.
NUMBERS = {"users": 10005, "notes": 10009, "flashcards": 10007, "textbooks": 10011}
STORAGE = 540
BASE = "http://127.0.0.1:8000"
MAY_2026 = 1_777_777_777_123.0  # ms since 1970: 2026-05-03T03:09:37.123Z


# -- the documented layout, written without White Cell's code ---------------------------------


def convex_id(table_number: int, body: bytes) -> str:
    """VInt(table number) ‖ 16 bytes ‖ Fletcher-16 (little-endian), Crockford base32."""
    vint = bytearray()
    while True:
        low, table_number = table_number & 0x7F, table_number >> 7
        vint.append(low | (0x80 if table_number else 0))
        if not table_number:
            break
    data = bytes(vint) + body
    c0 = c1 = 0  # Fletcher-16, mod 256 (id_v6.rs)
    for byte in data:
        c0 = (c0 + byte) & 0xFF
        c1 = (c1 + c0) & 0xFF
    data += bytes([c0, c1])
    bits, count = int.from_bytes(data, "big"), len(data) * 8
    digits = -(-count // 5)
    bits <<= digits * 5 - count
    return "".join(ALPHABET[(bits >> 5 * (digits - 1 - n)) & 31] for n in range(digits))


def body_of(convex: str) -> bytes:
    """The 16 bytes inside a Convex id: before the 2-byte checksum, after the table number."""
    n = 0
    for ch in convex:
        n = n << 5 | ALPHABET.index(ch)
    size, spare = divmod(len(convex) * 5, 8)
    return (n >> spare).to_bytes(size, "big")[-18:-2]


def our_id(body: bytes) -> str:
    """docs/export.md: the White Cell id is the 16-byte body as 26 Crockford digits."""
    n = int.from_bytes(body, "big")
    return "".join(ALPHABET[(n >> 5 * i) & 31] for i in reversed(range(26)))


class Doc:
    """A document made by a real Convex deployment: 16 random bytes in its id."""

    def __init__(self, table: str) -> None:
        self.body = os.urandom(16)
        self.table = table
        self.id = convex_id(NUMBERS[table], self.body)
        self.ours = our_id(self.body)


def jsonl(*documents: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(d, option=orjson.OPT_SORT_KEYS) + b"\n" for d in documents)


def snapshot_zip(tables: dict[str, list[dict[str, Any]]], files: dict[str, bytes]) -> bytes:
    """A ZIP in Convex's layout: `_tables`, each table's documents and schema line, `_storage`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", "Welcome to your Convex snapshot export!\n")
        listed = [{"name": name, "id": NUMBERS[name]} for name in tables]
        archive.writestr("_tables/documents.jsonl", jsonl(*listed))
        for name, documents in tables.items():
            archive.writestr(f"{name}/documents.jsonl", jsonl(*documents))
            archive.writestr(f"{name}/generated_schema.jsonl", '"uniform"\n')
        storage = [
            {
                "_id": storage_id,
                "_creationTime": MAY_2026,
                "sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
                "size": len(data),
                "contentType": "application/pdf",
                "internalId": str(uuid.uuid4()),
            }
            for storage_id, data in files.items()
        ]
        archive.writestr("_storage/documents.jsonl", jsonl(*storage))
        for storage_id, data in files.items():
            archive.writestr(f"_storage/{storage_id}.pdf", data)
    return out.getvalue()


class Deployment:
    """A small Convex deployment of White Cell's schema: one person, two linked notes, a
    flashcard made from one, a textbook with its PDF in `_storage`."""

    def __init__(self) -> None:
        self.user, self.note, self.other = Doc("users"), Doc("notes"), Doc("notes")
        self.card, self.book = Doc("flashcards"), Doc("textbooks")
        self.pdf = pdf_bytes(2)
        self.storage_id = convex_id(STORAGE, os.urandom(16))

    def tables(self, **changes: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        made = {"_creationTime": MAY_2026}
        user = self.user.id
        notes = [
            {
                **made,
                "_id": self.note.id,
                "userId": user,
                "title": "Krebs cycle",
                "content": "Citrate to oxaloacetate",
                "subject": "Biology",
                "tags": ["cells"],
                "linkedNotes": [self.other.id],
                "isArchived": False,
                "isPinned": True,
                "updatedAt": MAY_2026 + 60_000,
                "wordCount": 3.0,
            },
            {
                **made,
                "_id": self.other.id,
                "userId": user,
                "title": "Glycolysis",
                "content": "Glucose to pyruvate",
                "subject": "Biology",
                "tags": [],
                "linkedNotes": [],
                "isArchived": False,
                "isPinned": False,
                "createdAt": MAY_2026 - 1000,
                "updatedAt": MAY_2026,
                "wordCount": 3.0,
            },
        ]
        card = {
            **made,
            "_id": self.card.id,
            "userId": user,
            "sourceNoteId": self.note.id,
            "question": "Where does the Krebs cycle run?",
            "answer": "In the mitochondrial matrix",
            "subject": "Biology",
            "difficulty": 4.0,
            "nextReviewDate": MAY_2026 + 86_400_000,
            "reviewCount": 1.0,
            "easeFactor": 2.6,
            "interval": 1.0,
            "reviewHistory": [
                {
                    "date": "2026-05-03T03:09:37.123Z",
                    "quality": 4.0,
                    "easeFactor": 2.6,
                    "interval": 1.0,
                    "timeSpent": 12.5,
                }
            ],
            "status": "learning",
            "updatedAt": MAY_2026,
            **changes.get("flashcards", {}),
        }
        book = {
            **made,
            "_id": self.book.id,
            "userId": user,
            "title": "Molecular Biology of the Cell",
            "subject": "Biology",
            "pdfUrl": self.storage_id,
            "pages": 2.0,
            "currentPage": 2.0,
            "bookmarks": [1.0, 2.0],
            "readingProgress": 50.0,
            "uploadedAt": MAY_2026,
            "indexTruncated": False,
        }
        account = {
            **made,
            "_id": user,
            "email": "ada@example.com",
            "name": "Ada",
            "username": "ada",
            "role": "user",
            "subscription": "premium",
            "updatedAt": MAY_2026,
            "isActive": True,
            "isBanned": False,
            "totalXP": 120.0,
            "currentLevel": 2.0,
        }
        return {"users": [account], "notes": notes, "flashcards": [card], "textbooks": [book]}

    def zip(self, **changes: dict[str, Any]) -> bytes:
        return snapshot_zip(self.tables(**changes), {self.storage_id: self.pdf})


# -- the commands, and what a database holds --------------------------------------------------

Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WHITECELL_PUBLIC_BASE_URL", BASE)

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def second_database(tmp_path: Path) -> Iterator[str]:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url)
        yield url


State = tuple[dict[str, list[dict[str, Any]]], dict[str, bytes]]


def stored(settings: Settings) -> State:
    """Every row of every declared table (by `_id`) and every stored file, by key."""

    async def read(context: AppContext) -> State:
        rows, files = {}, {}
        async with context.store.read() as tx:
            for name in sorted(REGISTRY):
                found = await select_documents(tx, name, "1 = 1", {}, 'ORDER BY "_id"')
                if found:
                    rows[name] = found
        for table in [t for t in REGISTRY.values() if t.upload is not None]:
            for item in await context.storage.list(table.name):
                chunks = [c async for c in context.storage.read(item.key, 0, item.size)]
                files[item.key] = b"".join(chunks)
        return rows, files

    return run_with_context(settings, read)


@pytest.fixture
def settings_at(settings_for: Callable[..., Settings], tmp_path: Path) -> Callable[..., Settings]:
    def build(url: str, data: str = "data") -> Settings:
        return settings_for(database_url=url, data_dir=tmp_path / data, public_base_url=BASE)

    return build


# -- tests ---------------------------------------------------------------------------------------


def test_a_convex_snapshot_imports_with_ids_references_times_and_files(
    run: Run, tmp_path: Path, database_url: str, settings_at: Callable[..., Settings]
) -> None:
    convex = Deployment()
    source = tmp_path / "snapshot.zip"
    source.write_bytes(convex.zip())

    done = run("import-convex", str(source))
    assert done.exit_code == 0, done.output
    summary = orjson.loads(done.stdout)
    assert summary["tables"] == {"users": 1, "notes": 2, "flashcards": 1, "textbooks": 1}
    assert summary["files"] == 1

    rows, files = stored(settings_at(database_url))
    [user] = rows["users"]
    assert user["_id"] == convex.user.ours and user["email"] == "ada@example.com"
    assert user["createdAt"] == "2026-05-03T03:09:37.123Z"  # from `_creationTime`
    assert user["totalXP"] == 120 and isinstance(user["totalXP"], int)
    notes = {note["_id"]: note for note in rows["notes"]}
    assert set(notes) == {convex.note.ours, convex.other.ours}
    note = notes[convex.note.ours]
    assert note["userId"] == convex.user.ours
    assert note["linkedNotes"] == [convex.other.ours]  # a reference inside the same table
    assert note["updatedAt"] == "2026-05-03T03:10:37.123Z"
    assert notes[convex.other.ours]["createdAt"] == "2026-05-03T03:09:36.123Z"  # its own
    [card] = rows["flashcards"]
    assert card["_id"] == convex.card.ours and card["sourceNoteId"] == convex.note.ours
    assert card["difficulty"] == 4 and isinstance(card["difficulty"], int)
    assert card["easeFactor"] == 2.6 and card["nextReviewDate"] == "2026-05-04T03:09:37.123Z"
    assert (
        card["reviewHistory"][0]["quality"] == 4 and card["reviewHistory"][0]["timeSpent"] == 12.5
    )
    [book] = rows["textbooks"]
    assert book["pdfUrl"] == f"{BASE}/api/v1/textbooks/{convex.book.ours}/pdf"
    assert book["bookmarks"] == [1, 2] and book["pages"] == 2
    key = file_key(REGISTRY["textbooks"], convex.user.ours, convex.book.ours, "pdf")
    assert files == {key: convex.pdf}

    async def offsets(context: AppContext) -> tuple[Any, Any]:
        async with context.store.read() as tx:
            last = await tx.scalar("SELECT max(seq) FROM change_log")
            scored = await tx.scalar(
                "SELECT seq FROM consumer_offsets WHERE name = :n", {"n": CONSUMER}
            )
        return last, scored

    # The XP the rows earned is in the snapshot: the engine does not score them again.
    last, scored = run_with_context(settings_at(database_url), offsets)
    assert last and scored == last

    again = run("import-convex", str(source))
    assert again.exit_code == 1 and "not empty" in again.output


def test_an_export_of_everything_imports_into_another_database_without_loss(
    run: Run,
    tmp_path: Path,
    database_url: str,
    second_database: str,
    settings_at: Callable[..., Settings],
) -> None:
    convex = Deployment()
    source = tmp_path / "snapshot.zip"
    source.write_bytes(convex.zip())
    assert run("import-convex", str(source)).exit_code == 0
    before = stored(settings_at(database_url))

    whole = tmp_path / "whole.zip"
    done = run("export", "--all", "--to", str(whole))
    assert done.exit_code == 0, done.output
    archive = zipfile.ZipFile(whole)
    names = archive.namelist()
    assert "sessions/documents.jsonl" not in names and "otp_tokens/documents.jsonl" not in names
    # Back towards Convex: each document keeps the 16 bytes of its Convex id, and its
    # `_creationTime` is its creation field (table numbers are this export's own).
    exported = map(orjson.loads, archive.read("notes/documents.jsonl").splitlines())
    assert {body_of(d["_id"]): d["_creationTime"] for d in exported} == {
        body_of(d["_id"]): d.get("createdAt", d["_creationTime"]) for d in convex.tables()["notes"]
    }

    elsewhere = {
        "WHITECELL_DATABASE_URL": second_database,
        "WHITECELL_DATA_DIR": str(tmp_path / "b"),
    }
    moved = run("import-convex", str(whole), env=elsewhere)
    assert moved.exit_code == 0, moved.output
    rows, files = stored(settings_at(second_database, "b"))
    # The catalogues keyed by outside ids are not exported: the new database keeps its own.
    kept = {name: found for name, found in rows.items() if name not in LEFT_OUT_OF_DEPLOYMENT}
    assert (kept, files) == before


async def _every_table(api: Api) -> None:
    """A row in every table the whole export holds, each column given a value (references
    to the rows made before; private columns too), and a textbook's PDF uploaded."""
    made: dict[str, str] = {"users": api.a.id}
    for table in sorted(REGISTRY.values(), key=lambda t: t.name):
        if table.name in LEFT_OUT_OF_DEPLOYMENT or table.name == "users":
            continue
        document: dict[str, Any] = {"_id": new_id(), **sample_body(table)}
        for column in table.columns.values():
            if column.name in document or column.name == "_id":
                continue
            if column.ref and column.kind == Kind.ID:
                document[column.name] = made.get(column.ref)
            elif column.ref:
                document[column.name] = [made[column.ref]] if column.ref in made else []
            elif (value := sample_value(column)) is not None:
                document[column.name] = value
        async with api.context.store.write() as tx:
            await crud.insert_server_row(tx, table, document)
        made.setdefault(table.name, document["_id"])
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(photo, "PNG")
    uploads = {
        "textbooks": (pdf_bytes(2), {"title": "Cells", "subject": "biology"}),
        "progress_photos": (photo.getvalue(), {"date": "2026-11-20", "angle": "front"}),
    }
    for name, (content, fields) in uploads.items():
        response = await api.client.post(
            f"/api/v1/{name}/upload",
            files={"file": ("upload", content, "application/octet-stream")},
            data={"document": orjson.dumps(fields).decode()},
            headers=api.a.headers,
        )
        assert response.status_code == 201, response.text
    await api.context.service(Engine).drain()  # the XP of the rows just made, before the export


def _private(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """The private columns the whole export carries (a puzzle's solution), by table."""

    async def read(context: AppContext) -> dict[str, list[tuple[Any, ...]]]:
        found = {}
        async with context.store.read() as tx:
            for selection in deployment_selections():
                if selection.private:
                    names = ", ".join(f'"{n}"' for n in selection.private)
                    table = selection.table.name
                    sql = f'SELECT "_id", {names} FROM "{table}" ORDER BY "_id"'
                    found[table] = [tuple(row) for row in await tx.all(sql)]
        return found

    return run_with_context(settings, read)


async def test_every_table_and_file_moves_to_another_white_cell_through_export_all(
    api: Api,
    run: Run,
    tmp_path: Path,
    database_url: str,
    second_database: str,
    settings_at: Callable[..., Settings],
) -> None:
    await _every_table(api)
    here = settings_at(database_url)
    here.data_dir = api.context.settings.data_dir  # the app's files
    whole = tmp_path / "whole.zip"
    mine = {"WHITECELL_DATA_DIR": str(api.context.settings.data_dir)}
    done = await asyncio.to_thread(run, "export", "--all", "--to", str(whole), env=mine)
    assert done.exit_code == 0, done.output
    before = await asyncio.to_thread(stored, here)
    private = await asyncio.to_thread(_private, here)
    assert private["logic_puzzles"] and all(row[1] for row in private["logic_puzzles"])

    elsewhere = {
        "WHITECELL_DATABASE_URL": second_database,
        "WHITECELL_DATA_DIR": str(tmp_path / "b"),
    }
    moved = await asyncio.to_thread(run, "import-convex", str(whole), env=elsewhere)
    assert moved.exit_code == 0, moved.output
    there = settings_at(second_database, "b")
    rows, files = await asyncio.to_thread(stored, there)
    kept = {name: found for name, found in rows.items() if name not in LEFT_OUT_OF_DEPLOYMENT}
    expected = {n: found for n, found in before[0].items() if n not in LEFT_OUT_OF_DEPLOYMENT}
    assert set(kept) == set(expected) - {"sessions"}
    assert len(kept) == len(REGISTRY) - len(LEFT_OUT_OF_DEPLOYMENT)  # a row in each
    for name, found in kept.items():
        assert found == expected[name], name
    assert files == before[1]
    assert sorted(key.rsplit(".", 1)[1] for key in files) == ["image", "pdf", "thumbnail"]
    assert await asyncio.to_thread(_private, there) == private


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"difficulty": 9.0}, "field difficulty"),
        ({"difficulty": 3.5}, "field difficulty"),
        ({"status": "forgotten"}, "field status"),
        ({"sourceNoteId": "not-a-convex-id"}, "field sourceNoteId"),
        ({"nextReviewDate": "tomorrow"}, "field nextReviewDate"),
        ({"color": "red"}, "field color: table flashcards has no such field"),
        ({"sourceNoteId": convex_id(NUMBERS["notes"], bytes(16))}, "names no document of notes"),
        ({"sourceNoteId": convex_id(NUMBERS["users"], bytes(16))}, "not an id of table notes"),
    ],
)
def test_an_invalid_snapshot_is_refused_whole_naming_table_line_and_field(
    run: Run,
    tmp_path: Path,
    database_url: str,
    settings_at: Callable[..., Settings],
    changes: dict[str, Any],
    named: str,
) -> None:
    source = tmp_path / "snapshot.zip"
    source.write_bytes(Deployment().zip(flashcards=changes))
    done = run("import-convex", str(source))
    assert done.exit_code == 1
    assert "table flashcards, flashcards/documents.jsonl line 1" in done.output
    assert named in done.output and "nothing imported" in done.output
    assert stored(settings_at(database_url)) == ({}, {})


def test_an_id_already_stored_refuses_a_forced_import_whole(
    run: Run, tmp_path: Path, database_url: str, settings_at: Callable[..., Settings]
) -> None:
    convex = Deployment()
    source = tmp_path / "snapshot.zip"
    source.write_bytes(convex.zip())
    assert run("import-convex", str(source)).exit_code == 0
    before = stored(settings_at(database_url))
    done = run("import-convex", "--force", str(source))
    assert done.exit_code == 1 and "refused, nothing imported: table users" in done.output
    assert stored(settings_at(database_url)) == before


def test_a_file_that_differs_from_its_digest_is_refused_and_nothing_is_stored(
    run: Run, tmp_path: Path, database_url: str, settings_at: Callable[..., Settings]
) -> None:
    convex = Deployment()
    raw = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(convex.zip())) as good, zipfile.ZipFile(raw, "w") as bad:
        for name in good.namelist():
            data = good.read(name)
            bad.writestr(name, data + b"tampered" if name.endswith(".pdf") else data)
    source = tmp_path / "snapshot.zip"
    source.write_bytes(raw.getvalue())
    done = run("import-convex", str(source))
    assert done.exit_code == 1 and "sha256" in done.output
    assert stored(settings_at(database_url)) == ({}, {})


def test_a_database_without_the_schema_is_refused_before_anything(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "snapshot.zip"
    source.write_bytes(Deployment().zip())
    with scratch_database(tmp_path) as bare:
        done = run("import-convex", str(source), env={"WHITECELL_DATABASE_URL": bare})
    assert done.exit_code == 1 and "run `whitecell db upgrade` first" in done.output
