"""Uploaded files (PDFs, images): receiving one safely, serving it to its owner in ranges,
signed links, and removing files whose row is gone (docs/files.md). What an image goes through
before it is kept is `core/images.py`."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
from fastapi import Request, Response
from starlette.datastructures import FormData, UploadFile
from starlette.responses import StreamingResponse

from whitecell.core.byteranges import Unsatisfiable, requested_range
from whitecell.core.changes import ChangeEvent
from whitecell.core.clock import utcnow
from whitecell.core.config import Settings
from whitecell.core.errors import (
    FieldError,
    LengthRequired,
    PayloadTooLarge,
    RangeNotSatisfiable,
    UnsupportedMediaType,
    ValidationFailed,
)
from whitecell.core.pdf import NotAPdf, UnreadablePdf, page_count
from whitecell.core.storage import Storage, StoredFile
from whitecell.core.store import Store
from whitecell.core.tables import REGISTRY, Table

logger = logging.getLogger("whitecell.files")

# Room for the multipart framing and the small `document` field around the file itself.
FORM_OVERHEAD = 1024 * 1024
# What an upload's multipart form may hold: its one file and a few fields. A request's form is
# parsed once (Starlette keeps it), so whoever reads it first must read it with these limits.
UPLOAD_MAX_FILES = 1
UPLOAD_MAX_FIELDS = 10
# A file younger than this without its row may be an upload whose row is being written.
ORPHAN_GRACE = timedelta(hours=1)


# Every variant a table's upload may keep (`Upload.variants`): a key's suffix, a URL's segment.
VARIANTS = ("pdf", "image", "thumbnail")


def file_key(table: Table, user_id: str, doc_id: str, variant: str = "pdf") -> str:
    return f"{table.name}/{user_id}/{doc_id}.{variant}"


def file_keys(table: Table, user_id: str, doc_id: str) -> list[str]:
    """Every file a row of `table` may keep."""
    assert table.upload is not None
    return [file_key(table, user_id, doc_id, variant) for variant in table.upload.variants]


def file_url(settings: Settings, table: Table, doc_id: str, variant: str = "pdf") -> str:
    return f"{settings.public_base_url.rstrip('/')}/api/v1/{table.name}/{doc_id}/{variant}"


# -- signed links ------------------------------------------------------------------------------


def signature(secret: bytes, table: Table, doc_id: str, expires: int, variant: str = "pdf") -> str:
    # A PDF's message predates variants (links already given keep working); an image's names
    # its variant, so a thumbnail's link does not open the full image.
    name = doc_id if variant == "pdf" else f"{doc_id}:{variant}"
    message = f"file:{table.name}:{name}:{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_url(
    settings: Settings, table: Table, doc_id: str, variant: str = "pdf"
) -> tuple[str, datetime]:
    expires_at = utcnow().replace(microsecond=0) + timedelta(seconds=settings.signed_link_seconds)
    expires = int(expires_at.timestamp())
    mac = signature(settings.secret, table, doc_id, expires, variant)
    url = file_url(settings, table, doc_id, variant)
    return f"{url}?expires={expires}&signature={mac}", expires_at


def signature_valid(
    secret: bytes, table: Table, doc_id: str, expires: int, mac: str, variant: str = "pdf"
) -> bool:
    if expires < utcnow().timestamp():
        return False
    # Compared as bytes: `compare_digest` refuses str holding anything but ASCII, and a forged
    # signature may hold anything (it is then simply wrong).
    expected = signature(secret, table, doc_id, expires, variant).encode()
    return hmac.compare_digest(expected, mac.encode("utf-8", "surrogatepass"))


# -- receiving ---------------------------------------------------------------------------------

_RECEIVES_FILE = "whitecell_receives_file"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def receives_file(endpoint: Endpoint) -> Endpoint:
    """Marks a route handler that reads an upload with `received_file`: its body may reach
    `max_upload_mb` rather than the JSON limit (core/bodylimits.py). Put it under `@router.post`."""
    setattr(endpoint, _RECEIVES_FILE, True)
    return endpoint


def is_file_route(endpoint: object) -> bool:
    return getattr(endpoint, _RECEIVES_FILE, False) is True


@dataclass
class ReceivedFile:
    path: Path
    form: FormData


@dataclass
class ReceivedPdf(ReceivedFile):
    pages: int


@asynccontextmanager
async def received_file(
    request: Request, settings: Settings, what: str, *, limit_mb: int | None = None
) -> AsyncIterator[ReceivedFile]:
    """The multipart request's `file` part, copied to a temporary file within the size limit
    (`limit_mb`, else `max_upload_mb`).

    The size is refused from `Content-Length` before a byte is read, and counted again while the
    part is copied out; the temporary copy is removed when the block ends.
    """
    limit_mb = min(limit_mb or settings.max_upload_mb, settings.max_upload_mb)
    limit = limit_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise LengthRequired("Send the upload with a Content-Length header.")
    if int(declared) > limit + FORM_OVERHEAD:
        raise upload_too_large(limit_mb)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            f"Send the upload as multipart/form-data with the {what} in a part named `file`."
        )
    async with request.form(max_files=UPLOAD_MAX_FILES, max_fields=UPLOAD_MAX_FIELDS) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.field("file", f"a {what} file part named `file` is required")
        with tempfile.TemporaryDirectory(prefix="whitecell-upload-") as directory:
            path = Path(directory) / "upload"
            await anyio.to_thread.run_sync(_copy_out, upload, path, limit_mb)
            yield ReceivedFile(path, form)


@asynccontextmanager
async def received_pdf(request: Request, settings: Settings) -> AsyncIterator[ReceivedPdf]:
    """An uploaded `file` that is a readable PDF, with its page count (415/422 otherwise)."""
    async with received_file(request, settings, "PDF") as received:
        try:
            pages = await anyio.to_thread.run_sync(page_count, received.path)
        except NotAPdf as error:
            raise UnsupportedMediaType(
                f"file: {error}", errors=[FieldError("file", str(error))]
            ) from None
        except UnreadablePdf as error:
            raise ValidationFailed.field("file", str(error)) from None
        yield ReceivedPdf(received.path, received.form, pages)


def _copy_out(upload: UploadFile, path: Path, limit_mb: int) -> None:
    limit = limit_mb * 1024 * 1024
    upload.file.seek(0)
    copied = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            copied += len(chunk)
            if copied > limit:
                raise upload_too_large(limit_mb)
            out.write(chunk)
    if copied == 0:
        raise ValidationFailed.field("file", "the file is empty")


def upload_too_large(max_upload_mb: int) -> PayloadTooLarge:
    message = f"the file is larger than {max_upload_mb} MB"
    return PayloadTooLarge(f"file: {message}", errors=[FieldError("file", message)])


# -- serving -----------------------------------------------------------------------------------


def _etag(stored: StoredFile) -> str:
    return f'"{stored.size:x}-{int(stored.modified.timestamp() * 1000):x}"'


def file_response(
    request: Request,
    storage: Storage,
    stored: StoredFile,
    filename: str,
    cache: str,
    media_type: str = "application/pdf",
) -> Response:
    """The file, or the one byte range asked for, with validators for conditional requests."""
    etag = _etag(stored)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": cache,
        "Content-Disposition": content_disposition("inline", filename),
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    wanted = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range != etag:
        wanted = None  # the client's copy is stale: it gets the whole new file
    try:
        span = requested_range(wanted, stored.size)
    except Unsatisfiable:
        raise RangeNotSatisfiable(
            f"The file has {stored.size} bytes.",
            headers={"Content-Range": f"bytes */{stored.size}"},
        ) from None
    status, start, end = 200, 0, stored.size - 1
    if span is not None:
        status, (start, end) = 206, span
        headers["Content-Range"] = f"bytes {start}-{end}/{stored.size}"
    headers["Content-Length"] = str(end - start + 1)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    body = storage.read(stored.key, start, end - start + 1)
    return StreamingResponse(body, status, headers=headers, media_type=media_type)


def content_disposition(disposition: str, filename: str) -> str:
    """A `Content-Disposition` header for any file name (RFC 6266): `filename` in printable ASCII
    for old clients, and the exact name as `filename*=UTF-8''...` (RFC 8187) when it differs.

    HTTP headers carry Latin-1 at most, so a Greek, Cyrillic or CJK name written as is cannot be
    sent at all; quotes, backslashes and control characters (a newline would end the header)
    never reach the quoted form.
    """
    name = "".join(ch for ch in filename if ch.isprintable()) or "download"
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\%' else "_" for ch in name)
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def download_name(document: dict[str, Any]) -> str:
    title = str(document.get("title") or "document")
    safe = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in title).strip()
    return f"{safe[:100] or 'document'}.pdf"


# -- removing ----------------------------------------------------------------------------------


class FileReaper:
    """Deletes a row's files once the row's deletion is committed (a change-store subscriber).

    A file whose deletion is lost (a crash, an account removed by cascade) is found later by
    `sweep_orphans`, so this only has to be prompt, not perfect.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._pending: set[asyncio.Task[None]] = set()

    def __call__(self, events: Sequence[ChangeEvent]) -> None:
        for event in events:
            table = REGISTRY.get(event.table)
            if event.op != "delete" or table is None or table.upload is None or not event.userId:
                continue
            for key in file_keys(table, event.userId, event.id):
                task = asyncio.get_running_loop().create_task(self._delete(key))
                self._pending.add(task)
                task.add_done_callback(self._pending.discard)

    async def _delete(self, key: str) -> None:
        try:
            await self.storage.delete(key)
        except Exception:
            logger.exception("could not delete %s (the orphan sweep will retry)", key)

    async def drain(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)


async def sweep_orphans(store: Store, storage: Storage) -> int:
    """Delete stored files whose row no longer exists; returns how many."""
    removed = 0
    cutoff = datetime.now(UTC) - ORPHAN_GRACE
    for table in REGISTRY.values():
        if table.upload is None:
            continue
        files: dict[str, list[StoredFile]] = {}
        for item in await storage.list(table.name):
            doc_id = _doc_id(item.key)
            if doc_id is not None:
                files.setdefault(doc_id, []).append(item)
        ids = [doc_id for doc_id, items in files.items() if max(i.modified for i in items) < cutoff]
        for batch_start in range(0, len(ids), 500):
            batch = ids[batch_start : batch_start + 500]
            names = {f"i{n}": doc_id for n, doc_id in enumerate(batch)}
            placeholders = ", ".join(f":{name}" for name in names)
            async with store.read() as tx:
                rows = await tx.all(
                    f'SELECT "_id" FROM "{table.name}" WHERE "_id" IN ({placeholders})', names
                )
            alive = {row[0] for row in rows}
            for doc_id in batch:
                if doc_id not in alive:
                    for item in files[doc_id]:
                        await storage.delete(item.key)
                        removed += 1
    return removed


def _doc_id(key: str) -> str | None:
    doc_id, _, variant = key.rsplit("/", 1)[-1].rpartition(".")
    return doc_id if doc_id and variant in VARIANTS else None
