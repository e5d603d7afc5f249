"""A person's own export (`GET /api/v1/users/me/export`, `whitecell export --user`): every row
of theirs in every table and their files, in Convex's snapshot layout, and nothing of anyone
else's (docs/export.md). On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from tests.pdfs import pdf_bytes
from tests.samples import editable_column, sample_body
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.cli.main import cli
from whitecell.core import crud
from whitecell.core.convex_format import ConvexDocuments, table_numbers
from whitecell.core.convex_ids import (
    STORAGE_TABLE,
    decode_convex_id,
    id_milliseconds,
    whitecell_id,
)
from whitecell.core.ids import new_id
from whitecell.core.snapshot import SnapshotChanged
from whitecell.core.tables import REGISTRY, Kind, Table
from whitecell.gamification.worker import Engine
from whitecell.system.export import exported_tables, personal_export

OWNED = [t for t in REGISTRY.values() if t.owned and t.name != "sessions"]
PASSWORD = "correct horse battery staple"


@dataclass
class Export:
    """An export ZIP, opened: entry names in order, and each table's documents."""

    raw: bytes
    names: list[str]
    text: str  # every entry's bytes, inflated, as one text (to search)
    tables: dict[str, list[dict[str, Any]]]
    numbers: dict[str, int]
    archive: zipfile.ZipFile

    @classmethod
    def read(cls, raw: bytes) -> Export:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = archive.namelist()
        listed = [orjson.loads(line) for line in archive.read("_tables/documents.jsonl").split()]
        tables = {
            entry["name"]: [
                orjson.loads(line)
                for line in archive.read(f"{entry['name']}/documents.jsonl").splitlines()
            ]
            for entry in listed
        }
        text = b"\n".join(archive.read(name) for name in names).decode("latin-1")
        return cls(raw, names, text, tables, {e["name"]: e["id"] for e in listed}, archive)

    def ids(self, table: str) -> set[str]:
        """The White Cell ids of a table's exported rows (the bodies of their Convex ids)."""
        found = set()
        for document in self.tables[table]:
            number, body = decode_convex_id(document["_id"])
            assert number == self.numbers[table]
            found.add(whitecell_id(body))
        return found


def _marked(table: Table, marker: str) -> dict[str, Any]:
    """A text field holding `marker`, for a table that has a plain one."""
    try:
        column = editable_column(table)
    except AssertionError:
        return {}
    return {column.name: f"{marker} {table.name}"} if column.kind == Kind.STRING else {}


def _image(marker: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (len(marker) * 9 % 256, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def _fill(api: Api, who: Person, marker: str) -> dict[str, bytes]:
    """A row of `who` in every owned table (as the API or the server makes it), a textbook PDF
    and a progress photo uploaded, an analytics event, a password; the files the server keeps
    (the PDF, the photo as re-encoded, its thumbnail), by their URL's last segment."""
    for table in OWNED:
        overrides = _marked(table, marker)
        if table.access.create == "owner":
            await api.create(who, table.name, sample_body(table, **overrides))
            continue
        document = {"_id": new_id(), "userId": who.id, **sample_body(table, **overrides)}
        for column in table.columns.values():
            if column.kind == Kind.TIMESTAMP and column.required and column.name not in document:
                document[column.name] = "2026-11-20T10:00:00.000Z"
        async with api.context.store.write() as tx:
            await crud.insert_server_row(tx, table, document)
    uploads = {
        "textbooks": pdf_bytes(2, padding=3000 + len(marker)),
        "progress_photos": _image(marker),
    }
    fields = {
        "textbooks": {"title": f"{marker} book", "subject": "biology", "bookmarks": []},
        "progress_photos": {"date": "2026-11-20", "angle": "front", "notes": f"{marker} photo"},
    }
    kept = {}
    for table, content in uploads.items():
        response = await api.client.post(
            f"/api/v1/{table}/upload",
            files={"file": ("upload", content, "application/octet-stream")},
            data={"document": orjson.dumps(fields[table]).decode()},
            headers=who.headers,
        )
        assert response.status_code == 201, response.text
        for variant in REGISTRY[table].upload.variants:  # type: ignore[union-attr]
            served = await api.get(who, f"{table}/{response.json()['_id']}/{variant}")
            kept[variant] = served.content
    event = {"event": f"{marker} clicked", "module": "study"}
    assert (await api.client.post("/api/v1/analytics", json=event, headers=who.headers)).is_success
    password = {"password": PASSWORD, "signOutOtherSessions": False}
    response = await api.client.put("/api/v1/users/me/password", json=password, headers=who.headers)
    assert response.status_code == 204, response.text
    return kept


async def _quotes(api: Api) -> tuple[str, str]:
    """A quote both A and B saved, and one only B saved."""
    shared, bobs = [
        (await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes", quote=q)))["_id"]
        for q in ("Waste no more time arguing.", "bob-secret quote")
    ]
    for who, quote in ((api.a, shared), (api.b, shared), (api.b, bobs)):
        response = await api.client.put(f"/api/v1/stoic_quotes/{quote}/saved", headers=who.headers)
        assert response.is_success, response.text
    return shared, bobs


async def _ids_of(api: Api, who: Person) -> dict[str, set[str]]:
    """Every id the database holds for `who`, by table (read here, not by the export's code)."""
    found: dict[str, set[str]] = {"users": {who.id}}
    async with api.context.store.read() as tx:
        for table in [t for t in REGISTRY.values() if t.owned] + [REGISTRY["analytics"]]:
            rows = await tx.all(
                f'SELECT "_id" FROM "{table.name}" WHERE "userId" = :me', {"me": who.id}
            )
            found[table.name] = {row[0] for row in rows}
    return found


async def _export(api: Api, who: Person) -> Export:
    await api.context.service(Engine).drain()  # XP and badges of the rows just made are theirs
    response = await api.client.get("/api/v1/users/me/export", headers=who.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="snapshot_\d{19}\.zip"', response.headers["content-disposition"]
    )
    assert "content-length" not in response.headers  # streamed as it is written
    return Export.read(response.content)


async def test_a_person_s_export_holds_exactly_their_rows_and_files(api: Api) -> None:
    uploads_a = await _fill(api, api.a, "ada-own")
    uploads_b = await _fill(api, api.b, "bob-secret")
    shared, bobs = await _quotes(api)
    await api.context.service(Engine).drain()
    expected, bobs_ids = await _ids_of(api, api.a), await _ids_of(api, api.b)
    export = await _export(api, api.a)

    # Every table they own, their account, and the shared rows that name them; each exactly.
    assert set(export.tables) == {*expected, "stoic_quotes"}
    for table, ids in expected.items():
        assert export.ids(table) == ids, table
    assert export.ids("stoic_quotes") == {shared}
    # Tables the API lists for them list the same rows (what they could page through).
    for table in OWNED:
        if table.generated_read and table.access.read in ("owner", "owner_or_public"):
            listed = (await api.get(api.a, table.name, limit=100)).json()["items"]
            mine = {item["_id"] for item in listed if item["userId"] == api.a.id}  # not B's public
            assert mine and mine <= export.ids(table.name), table.name
    assert export.numbers == {name: table_numbers()[name] for name in export.tables}

    # Nothing of B's: no id (ours or Convex's), no text, no file, not even who else saved.
    assert "bob-secret" not in export.text and "bob@example.com" not in export.text
    convex = ConvexDocuments(table_numbers())
    for table, ids in bobs_ids.items():
        for doc_id in ids:
            assert doc_id not in export.text, table
            assert convex.convex_id(table, doc_id) not in export.text, table
    [quote] = export.tables["stoic_quotes"]
    assert [whitecell_id(decode_convex_id(v)[1]) for v in quote["savedBy"]] == [api.a.id]
    assert bobs not in export.text
    for content in uploads_b.values():
        assert content not in export.text.encode("latin-1")

    # Their secrets stay on the server: the password's hash, session tokens, one-time codes.
    async with api.context.store.read() as tx:
        password_hash = await tx.scalar(
            'SELECT "passwordHash" FROM users WHERE "_id" = :me', {"me": api.a.id}
        )
        tokens = [row[0] for row in await tx.all("SELECT token FROM sessions")]
    assert password_hash and password_hash not in export.text
    assert "passwordHash" not in export.text and "otp_tokens" not in export.names
    assert api.a.token not in export.text and not any(token in export.text for token in tokens)
    sessions = export.tables["sessions"]
    assert sessions and all("token" not in session for session in sessions)
    [account] = export.tables["users"]
    assert account["email"] == "ada@example.com"

    _assert_files(export, uploads_a)


def _assert_files(export: Export, uploads: dict[str, bytes]) -> None:
    """The uploaded files are in `_storage`, described with their size and base64 SHA-256, and
    the rows name them by storage id in place of the server's URL."""
    described = [
        orjson.loads(line) for line in export.archive.read("_storage/documents.jsonl").split()
    ]
    assert len(described) == 3  # the PDF, the photo and its thumbnail
    paths = {}
    for entry in described:
        assert decode_convex_id(entry["_id"])[0] == STORAGE_TABLE
        assert set(entry) == {"_id", "_creationTime", "sha256", "size", "contentType", "internalId"}
        [path] = [n for n in export.names if n.startswith(f"_storage/{entry['_id']}")]
        content = export.archive.read(path)
        assert entry["size"] == len(content)
        assert entry["sha256"] == base64.b64encode(hashlib.sha256(content).digest()).decode()
        assert isinstance(entry["_creationTime"], float)
        paths[entry["_id"]] = (path, content, entry["contentType"])
    [book] = [t for t in export.tables["textbooks"] if "pdfUrl" in t and t["pdfUrl"] in paths]
    pdf = (f"_storage/{book['pdfUrl']}.pdf", uploads["pdf"], "application/pdf")
    assert paths[book["pdfUrl"]] == pdf
    [photo] = [p for p in export.tables["progress_photos"] if p.get("imageUrl") in paths]
    for variant in ("image", "thumbnail"):
        storage_id = photo[f"{variant}Url"]
        assert paths[storage_id] == (f"_storage/{storage_id}.png", uploads[variant], "image/png")
    # The layout: README first, the table list, each table then its schema line, files last.
    assert export.names[:2] == ["README.md", "_tables/documents.jsonl"]
    folders = {n.split("/")[0] for n in export.names if n.endswith("/documents.jsonl")}
    assert folders - {"_tables", "_storage"} == set(export.tables)  # _tables lists them all
    for name in export.tables:
        at = export.names.index(f"{name}/documents.jsonl")
        assert export.names[at + 1] == f"{name}/generated_schema.jsonl"
        assert export.archive.read(f"{name}/generated_schema.jsonl") == b'"uniform"\n'
        lines = export.archive.read(f"{name}/documents.jsonl")
        assert not lines or lines.endswith(b"\n")
    assert export.names.index("_storage/documents.jsonl") > at
    for info in export.archive.infolist():
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.external_attr >> 16 == 0o100644


async def test_ids_times_and_numbers_are_written_as_convex_writes_them(api: Api) -> None:
    note = await api.create(api.a, "notes", sample_body("notes", title="Cells", color=None))
    linked = await api.create(api.a, "notes", sample_body("notes", linkedNotes=[note["_id"]]))
    export = await _export(api, api.a)
    documents = {whitecell_id(decode_convex_id(d["_id"])[1]): d for d in export.tables["notes"]}
    first, second = documents[note["_id"]], documents[linked["_id"]]
    # The body of `_id` is our id; references are Convex ids of the rows they name.
    assert decode_convex_id(second["linkedNotes"][0]) == decode_convex_id(first["_id"])
    number, body = decode_convex_id(first["userId"])
    assert (number, whitecell_id(body)) == (export.numbers["users"], api.a.id)
    # `_creationTime` is when the id was made; a timestamp is float milliseconds; every
    # number has a decimal point; a field without a value is absent.
    assert first["_creationTime"] == float(id_milliseconds(note["_id"]) or 0)
    raw = export.archive.read("notes/documents.jsonl").decode()
    created_ms = _ms(note["createdAt"])
    assert first["createdAt"] == created_ms and f'"createdAt":{created_ms}' in raw
    assert abs(first["_creationTime"] - created_ms) < 1000
    assert f'"wordCount":{float(note["wordCount"])}' in raw
    assert note["color"] is None and "color" not in first
    assert "null" not in raw


def _ms(iso: str) -> float:
    moment = datetime.fromisoformat(iso) - datetime(1970, 1, 1, tzinfo=UTC)
    return float(moment // timedelta(milliseconds=1))


async def test_an_export_needs_a_session_and_is_rate_limited(make_client: ClientFactory) -> None:
    api = await api_with(make_client, rate_export_user=(2, 3600))
    assert (await api.client.get("/api/v1/users/me/export")).status_code == 401
    for _ in range(2):
        assert (await api.get(api.a, "users/me/export")).status_code == 200
    refused = await api.get(api.a, "users/me/export")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await api.get(api.b, "users/me/export")).status_code == 200  # per person


async def test_a_file_replaced_during_the_download_stops_it_rather_than_lie(api: Api) -> None:
    """`_storage/documents.jsonl` states each file's SHA-256 before its bytes are sent; a file
    replaced in between would not match it, so the archive is never finished."""
    uploads = await _fill(api, api.a, "ada-own")
    snapshot = await personal_export(api.context, api.a.id)
    [key] = [f.key for f in snapshot.files if f.key.endswith(".pdf")]
    replacement = api.context.settings.data_dir / "other.pdf"
    replacement.write_bytes(uploads["pdf"].replace(b"xxxx", b"yyyy", 1))
    await api.context.storage.put(key, replacement)
    with pytest.raises(SnapshotChanged, match="export again"):
        async for _chunk in snapshot.chunks():
            pass
    assert all(dump.lines.closed for dump in snapshot.tables)  # its temporary files are gone


Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))  # the app's too: the same files

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


async def test_an_operator_exports_a_person_from_the_command_line(
    api: Api, run: Run, tmp_path: Path
) -> None:
    uploads = await _fill(api, api.a, "ada-own")
    await _fill(api, api.b, "bob-secret")
    by_api = await _export(api, api.a)

    target = tmp_path / "ada.zip"
    done = await asyncio.to_thread(run, "export", "--user", "ada@example.com", "--to", str(target))
    assert done.exit_code == 0, done.output
    summary = orjson.loads(done.stdout)  # a log line may land in the output
    by_cli = Export.read(target.read_bytes())
    assert summary["file"] == str(target) and summary["files"] == 3
    assert {name: by_cli.ids(name) for name in by_cli.tables} == {
        name: by_api.ids(name) for name in by_api.tables
    }
    assert summary["tables"] == {name: len(rows) for name, rows in by_cli.tables.items()}
    assert "bob-secret" not in by_cli.text
    _assert_files(by_cli, uploads)
    assert not list(tmp_path.glob(".*.partial"))

    folder = tmp_path / "exports"
    folder.mkdir()
    done = await asyncio.to_thread(run, "export", "--user", "ada@example.com", "--to", str(folder))
    [written] = folder.iterdir()
    assert re.fullmatch(r"snapshot_\d{19}\.zip", written.name), done.output

    missing = await asyncio.to_thread(run, "export", "--user", "nobody@example.com")
    assert missing.exit_code == 1 and "no account for nobody@example.com" in missing.output


def test_the_docs_list_what_an_export_holds_as_the_code_decides_it() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text()
    assert exported_tables() in page, (
        "docs/export.md is out of date: replace its table with the output of `python -c "
        "'import whitecell.models; from whitecell.system.export import exported_tables; "
        "print(exported_tables())'`"
    )
