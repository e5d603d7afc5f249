"""PDFs of textbooks and strategies: upload, the owner's ranged reads, signed links, refusals
that store nothing, and files that leave with their row."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pytest

from tests.pdfs import pdf_bytes
from tests.support import Api, ClientFactory, Person, api_with
from tests.support_s3 import S3Server
from whitecell.cleanup import cleanup
from whitecell.core import files
from whitecell.core.tables import REGISTRY

FIELDS = {
    "textbooks": {"title": "Molecular Biology", "subject": "biology", "bookmarks": []},
    "strategies": {"title": "Endgame manual", "category": "chess"},
}


async def _upload(
    api: Api, who: Person, table: str, content: bytes, **fields: Any
) -> httpx.Response:
    import orjson

    document = orjson.dumps({**FIELDS[table], **fields}).decode()
    return await api.client.post(
        f"/api/v1/{table}/upload",
        files={"file": ("book.pdf", content, "application/pdf")},
        data={"document": document},
        headers=who.headers,
    )


def _stored(api: Api) -> list[Path]:
    root = api.context.settings.data_dir / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def _rows(api: Api, table: str) -> int:
    async with api.context.store.read() as tx:
        return int(await tx.scalar(f'SELECT count(*) FROM "{table}"'))


@pytest.mark.parametrize("table", ["textbooks", "strategies"])
async def test_an_uploaded_pdf_is_served_to_its_owner_byte_for_byte(api: Api, table: str) -> None:
    content = pdf_bytes(12, padding=20_000)
    response = await _upload(api, api.a, table, content)
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["pdfUrl"].endswith(f"/api/v1/{table}/{document['_id']}/pdf")
    if table == "textbooks":
        assert document["pages"] == 12 and document["readingProgress"] == pytest.approx(8.3)
    fetched = await api.client.get(f"/api/v1/{table}/{document['_id']}/pdf", headers=api.a.headers)
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["accept-ranges"] == "bytes"


async def test_range_requests_stream_parts_of_the_file(api: Api) -> None:
    content = pdf_bytes(5, padding=50_000)
    book = (await _upload(api, api.a, "textbooks", content)).json()
    url, headers = f"/api/v1/textbooks/{book['_id']}/pdf", api.a.headers
    part = await api.client.get(url, headers={**headers, "Range": "bytes=1000-1999"})
    assert part.status_code == 206
    assert part.content == content[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(content)}"
    tail = await api.client.get(url, headers={**headers, "Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == content[-100:]
    beyond = await api.client.get(url, headers={**headers, "Range": f"bytes={len(content)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(content)}"
    head = await api.client.head(url, headers=headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(content))
    etag = head.headers["etag"]
    unchanged = await api.client.get(url, headers={**headers, "If-None-Match": etag})
    assert unchanged.status_code == 304
    stale = await api.client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": '"x"'})
    assert stale.status_code == 200 and stale.content == content


async def test_nobody_else_reaches_the_file(api: Api) -> None:
    book = (await _upload(api, api.a, "textbooks", pdf_bytes())).json()
    url = f"/api/v1/textbooks/{book['_id']}/pdf"
    other = await api.client.get(url, headers=api.b.headers)
    missing = await api.client.get(f"/api/v1/textbooks/{'0' * 26}/pdf", headers=api.b.headers)
    assert other.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"]  # no hint that the row exists
    assert (await api.client.get(url)).status_code == 401
    link = await api.client.post(f"{url}/link", headers=api.b.headers)
    assert link.status_code == 404


async def test_a_signed_link_works_without_a_token_until_it_expires(api: Api) -> None:
    content = pdf_bytes(4)
    book = (await _upload(api, api.a, "textbooks", content)).json()
    answer = await api.client.post(
        f"/api/v1/textbooks/{book['_id']}/pdf/link", headers=api.a.headers
    )
    assert answer.status_code == 200
    link = answer.json()["url"]
    assert answer.json()["expiresAt"] > book["uploadedAt"]
    fetched = await api.client.get(link)
    assert fetched.status_code == 200 and fetched.content == content
    ranged = await api.client.get(link, headers={"Range": "bytes=0-4"})
    assert ranged.status_code == 206 and ranged.content == b"%PDF-"

    tampered = link[:-1] + ("0" if link[-1] != "0" else "1")
    assert (await api.client.get(tampered)).status_code == 403
    table = REGISTRY["textbooks"]
    past = int(time.time()) - 1
    mac = files.signature(api.context.settings.secret, table, book["_id"], past)
    expired = await api.client.get(
        f"/api/v1/textbooks/{book['_id']}/pdf", params={"expires": past, "signature": mac}
    )
    assert expired.status_code == 403
    # A link for one book does not open another.
    other = (await _upload(api, api.a, "textbooks", pdf_bytes())).json()
    moved = link.replace(book["_id"], other["_id"])
    assert (await api.client.get(moved)).status_code == 403


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"PK\x03\x04 this is a zip file, not a PDF", 415, "not a PDF"),
        (b"%PDF-1.7\n" + b"garbage " * 200, 422, "damaged"),
        (pdf_bytes(3)[:400], 422, "damaged"),
        (pdf_bytes(3, password="secret"), 422, "password-protected"),
        (b"", 422, "empty"),
    ],
    ids=["not-a-pdf", "garbage", "truncated", "encrypted", "empty"],
)
async def test_bad_files_are_refused_and_nothing_is_stored(
    api: Api, content: bytes, status: int, words: str
) -> None:
    response = await _upload(api, api.a, "textbooks", content)
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "file" and words in problem["detail"]
    assert await _rows(api, "textbooks") == 0 and _stored(api) == []


async def test_a_file_over_the_limit_is_refused_before_it_is_read(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, max_upload_mb=1)
    response = await _upload(api, api.a, "textbooks", pdf_bytes(2, padding=2_200_000))
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"
    assert await _rows(api, "textbooks") == 0 and _stored(api) == []


async def test_an_upload_without_a_length_or_as_json_is_refused(api: Api) -> None:
    async def chunked() -> Any:
        yield b"--x\r\n"

    no_length = await api.client.post(
        "/api/v1/textbooks/upload",
        content=chunked(),
        headers={**api.a.headers, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert no_length.status_code == 411
    as_json = await api.client.post(
        "/api/v1/textbooks/upload", json={"title": "x"}, headers=api.a.headers
    )
    assert as_json.status_code == 415
    no_file = await api.client.post(
        "/api/v1/textbooks/upload",
        data={"document": "{}"},
        files={"other": ("a", b"b")},
        headers=api.a.headers,
    )
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "file"


async def test_bad_fields_name_the_field_and_store_nothing(api: Api) -> None:
    missing = await _upload(api, api.a, "textbooks", pdf_bytes(), subject=None)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "subject"
    past_the_end = await _upload(api, api.a, "textbooks", pdf_bytes(3), currentPage=4)
    assert past_the_end.status_code == 422
    assert "currentPage" in past_the_end.json()["detail"]
    server_owned = await _upload(api, api.a, "textbooks", pdf_bytes(), readingProgress=50)
    assert server_owned.status_code == 422
    not_json = await api.client.post(
        "/api/v1/textbooks/upload",
        files={"file": ("b.pdf", pdf_bytes(), "application/pdf")},
        data={"document": "{title"},
        headers=api.a.headers,
    )
    assert not_json.status_code == 422 and not_json.json()["errors"][0]["field"] == "document"
    assert await _rows(api, "textbooks") == 0 and _stored(api) == []


async def test_the_page_count_bounds_reading_progress(api: Api) -> None:
    book = (await _upload(api, api.a, "textbooks", pdf_bytes(10))).json()
    url = f"/api/v1/textbooks/{book['_id']}"
    moved = await api.client.patch(url, json={"currentPage": 5}, headers=api.a.headers)
    assert moved.status_code == 200 and moved.json()["readingProgress"] == 50
    assert moved.json()["lastReadAt"] is not None
    beyond = await api.client.patch(url, json={"currentPage": 11}, headers=api.a.headers)
    assert beyond.status_code == 422


@pytest.mark.parametrize("table", ["textbooks", "strategies"])
async def test_deleting_the_row_deletes_the_file(api: Api, table: str) -> None:
    document = (await _upload(api, api.a, table, pdf_bytes())).json()
    assert len(_stored(api)) == 1
    deleted = await api.client.delete(f"/api/v1/{table}/{document['_id']}", headers=api.a.headers)
    assert deleted.status_code == 204
    await api.context.reaper.drain()
    assert _stored(api) == []
    gone = await api.client.get(f"/api/v1/{table}/{document['_id']}/pdf", headers=api.a.headers)
    assert gone.status_code == 404


async def test_the_cleanup_sweeps_files_left_without_a_row(api: Api) -> None:
    for job in api.context.jobs:  # the app's own cleanup, run at start, must not sweep first
        await job.stop()
    kept = (await _upload(api, api.a, "textbooks", pdf_bytes())).json()
    root = api.context.settings.data_dir / "files" / "textbooks" / api.a.id
    old_orphan, new_orphan = root / "01old.pdf", root / "01new.pdf"
    old_orphan.write_bytes(b"%PDF-")
    new_orphan.write_bytes(b"%PDF-")  # maybe an upload whose row is being written: kept
    two_hours_ago = time.time() - 7200
    os.utime(old_orphan, (two_hours_ago, two_hours_ago))
    os.utime(root / f"{kept['_id']}.pdf", (two_hours_ago, two_hours_ago))
    removed = await cleanup(api.context)
    assert removed["orphan_files"] == 1
    assert sorted(p.name for p in root.iterdir()) == sorted(["01new.pdf", f"{kept['_id']}.pdf"])


async def test_files_in_an_s3_bucket_work_the_same(
    make_client: ClientFactory, s3: S3Server
) -> None:
    bucket = f"wc-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=bucket)
    api = await api_with(make_client, **s3.settings(bucket, "whitecell"))
    content = pdf_bytes(7, padding=30_000)
    book = (await _upload(api, api.a, "textbooks", content)).json()
    key = f"whitecell/textbooks/{api.a.id}/{book['_id']}.pdf"
    assert s3.client().head_object(Bucket=bucket, Key=key)["ContentLength"] == len(content)
    url = f"/api/v1/textbooks/{book['_id']}/pdf"
    part = await api.client.get(url, headers={**api.a.headers, "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == content[100:200]
    assert (await api.client.get(url, headers=api.b.headers)).status_code == 404
    await api.client.delete(f"/api/v1/textbooks/{book['_id']}", headers=api.a.headers)
    await api.context.reaper.drain()
    assert s3.client().list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def _saved_as(header: str) -> str:
    """The name a browser saves the file under: `filename*` when given, else `filename`."""
    parameters = dict(part.strip().split("=", 1) for part in header.split(";")[1:])
    if "filename*" in parameters:
        charset, _, encoded = parameters["filename*"].split("'", 2)
        assert charset == "UTF-8"
        return unquote(encoded, errors="strict")
    return parameters["filename"].strip('"')


@pytest.mark.parametrize(
    ("title", "saved_as"),
    [
        ("Μοριακή Βιολογία", "Μοριακή Βιολογία.pdf"),
        ("Молекулярная биология", "Молекулярная биология.pdf"),
        ("分子生物学 第3版", "分子生物学 第3版.pdf"),
        ('The "Cell"\r\nSet-Cookie: x=1\\', "The _Cell___Set-Cookie_ x_1_.pdf"),
    ],
    ids=["greek", "cyrillic", "cjk", "quotes-newlines"],
)
async def test_a_pdf_titled_in_any_script_downloads_under_its_title(
    api: Api, title: str, saved_as: str
) -> None:
    book = (await _upload(api, api.a, "textbooks", pdf_bytes(), title=title)).json()
    url = f"/api/v1/textbooks/{book['_id']}/pdf"
    link = (await api.client.post(f"{url}/link", headers=api.a.headers)).json()["url"]
    for fetched in (
        await api.client.get(url, headers=api.a.headers),
        await api.client.head(url, headers=api.a.headers),
        await api.client.get(link),
    ):
        assert fetched.status_code == 200, fetched.text
        header = fetched.headers["content-disposition"]
        assert header.startswith("inline; ")
        assert header.isascii() and "\n" not in header and "\r" not in header
        assert _saved_as(header) == saved_as
        fallback = header.split('filename="', 1)[1].split('"', 1)[0]
        assert fallback.endswith(".pdf") and "\\" not in fallback


async def test_an_anki_export_named_in_any_script_downloads(api: Api) -> None:
    for subject, saved_as in [
        ("Биология", "whitecell-Биология.apkg"),
        ("生物", "whitecell-生物.apkg"),
        ('a "b"\\c', 'whitecell-a-"b"\\c.apkg'),
    ]:
        response = await api.client.get(
            "/api/v1/flashcards/export/anki", params={"subject": subject}, headers=api.a.headers
        )
        assert response.status_code == 200, response.text
        header = response.headers["content-disposition"]
        assert header.startswith("attachment; ") and header.isascii()
        assert _saved_as(header) == saved_as


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"signature": "é" * 64}, 403),
        ({"signature": "签名"}, 403),
        ({"signature": "\x00" * 64}, 403),
        ({"expires": "soon"}, 422),
        ({"expires": "1e9"}, 422),
        ({"expires": "9" * 40}, 403),
        ({"expires": "-" + "9" * 40}, 403),
        ({"expires": "9" * 5000}, 422),
    ],
    ids=["latin", "cjk", "nul", "word", "float", "huge", "huge-negative", "thousands-of-digits"],
)
async def test_a_malformed_signed_link_is_refused_not_a_server_error(
    api: Api, params: dict[str, str], status: int
) -> None:
    book = (await _upload(api, api.a, "textbooks", pdf_bytes())).json()
    link = (
        await api.client.post(f"/api/v1/textbooks/{book['_id']}/pdf/link", headers=api.a.headers)
    ).json()["url"]
    query = dict(parse_qsl(urlsplit(link).query))
    response = await api.client.get(
        f"/api/v1/textbooks/{book['_id']}/pdf", params={**query, **params}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def _replace(api: Api, who: Person, table: str, doc_id: str, content: bytes) -> Any:
    return await api.client.put(
        f"/api/v1/{table}/{doc_id}/pdf",
        files={"file": ("new.pdf", content, "application/pdf")},
        headers=who.headers,
    )


@pytest.mark.parametrize("table", ["textbooks", "strategies"])
async def test_a_replaced_pdf_is_served_in_place_of_the_old(api: Api, table: str) -> None:
    document = (await _upload(api, api.a, table, pdf_bytes(3))).json()
    url = f"/api/v1/{table}/{document['_id']}/pdf"
    before = await api.client.get(url, headers=api.a.headers)
    content = pdf_bytes(5, padding=10_000)
    replaced = await _replace(api, api.a, table, document["_id"], content)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["pdfUrl"] == document["pdfUrl"]
    if table == "textbooks":
        assert replaced.json()["pages"] == 5
    after = await api.client.get(url, headers=api.a.headers)
    assert after.content == content and after.headers["etag"] != before.headers["etag"]
    assert len(_stored(api)) == 1


async def test_a_replacement_over_the_limit_is_refused_and_the_old_file_kept(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, max_upload_mb=1)
    content = pdf_bytes(2)
    book = (await _upload(api, api.a, "textbooks", content)).json()
    response = await _replace(api, api.a, "textbooks", book["_id"], pdf_bytes(2, padding=2_200_000))
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"
    url = f"/api/v1/textbooks/{book['_id']}/pdf"
    assert (await api.client.get(url, headers=api.a.headers)).content == content


async def test_a_refused_replacement_in_an_s3_bucket_puts_the_old_file_back(
    make_client: ClientFactory, s3: S3Server
) -> None:
    bucket = f"wc-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=bucket)
    api = await api_with(make_client, **s3.settings(bucket, "whitecell"))
    content = pdf_bytes(4, padding=30_000)
    book = (await _upload(api, api.a, "textbooks", content, currentPage=4)).json()
    refused = await _replace(api, api.a, "textbooks", book["_id"], pdf_bytes(2))
    assert refused.status_code == 422  # the reader is on page 4 of what would be 2
    key = f"whitecell/textbooks/{api.a.id}/{book['_id']}.pdf"
    stored = s3.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    assert stored == content
    accepted = await _replace(api, api.a, "textbooks", book["_id"], pdf_bytes(6))
    assert accepted.status_code == 200 and accepted.json()["pages"] == 6
    assert s3.client().get_object(Bucket=bucket, Key=key)["Body"].read() == pdf_bytes(6)
