"""Where uploaded files live: a local directory (the default) or an S3-compatible bucket.

Keys are paths the server builds itself (`textbooks/<userId>/<id>.pdf`), never client text. Both
backends read byte ranges, so a PDF reader can stream pages; blocking calls run in threads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import anyio
from starlette.concurrency import iterate_in_threadpool

from whitecell.core.config import Settings

CHUNK = 256 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    modified: datetime


class Storage(Protocol):
    async def put(self, key: str, source: Path) -> None:
        """Store the file at `source` under `key`, replacing what was there, all or nothing."""

    async def stat(self, key: str) -> StoredFile | None: ...

    def read(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        """`length` bytes from offset `start`, in chunks."""

    async def delete(self, key: str) -> None:
        """Remove `key`; a missing key is not an error."""

    async def list(self, prefix: str) -> list[StoredFile]:
        """The files under `prefix` (a table's name); every file stored when it is empty."""


def _checked(key: str) -> str:
    parts = key.split("/")
    if not key or any(part in ("", ".", "..") for part in parts) or "\\" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


@asynccontextmanager
async def set_aside(
    storage: Storage, keys: list[str]
) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Copies of the files stored under `keys` now, and a coroutine that puts them back (and
    removes what was not there): a replacement that fails leaves the previous file in place."""
    with tempfile.TemporaryDirectory(prefix="whitecell-replaced-") as directory:
        copies: dict[str, Path | None] = {}
        for n, key in enumerate(keys):
            stored = await storage.stat(key)
            if stored is None:
                copies[key] = None
                continue
            copy = Path(directory) / str(n)
            async with await anyio.open_file(copy, "wb") as out:
                async for chunk in storage.read(key, 0, stored.size):
                    await out.write(chunk)
            copies[key] = copy

        async def put_back() -> None:
            for key, copy in copies.items():
                if copy is None:
                    await storage.delete(key)
                else:
                    await storage.put(key, copy)

        yield put_back


class LocalStorage:
    """Files under one directory; writes go to a temporary name and are renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    async def put(self, key: str, source: Path) -> None:
        target = self._path(key)

        def copy() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(source, partial)
            os.replace(partial, target)

        await anyio.to_thread.run_sync(copy)

    async def stat(self, key: str) -> StoredFile | None:
        try:
            info = await anyio.to_thread.run_sync(self._path(key).stat)
        except FileNotFoundError:
            return None
        return StoredFile(key, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC))

    def read(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        path = self._path(key)

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as handle:
                handle.seek(start)
                left = length
                while left > 0:
                    chunk = handle.read(min(CHUNK, left))
                    if not chunk:
                        return
                    left -= len(chunk)
                    yield chunk

        return iterate_in_threadpool(chunks())

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(lambda: self._path(key).unlink(missing_ok=True))

    async def list(self, prefix: str) -> list[StoredFile]:
        base = self.root / _checked(prefix.rstrip("/")) if prefix else self.root

        def walk() -> list[StoredFile]:
            if not base.is_dir():
                return []
            found = []
            for path in base.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    info = path.stat()
                    key = path.relative_to(self.root).as_posix()
                    found.append(
                        StoredFile(key, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC))
                    )
            return found

        return await anyio.to_thread.run_sync(walk)


class S3Storage:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph, R2...) through boto3 (the `s3` extra)."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket, self.prefix, self.client = bucket, prefix.strip("/"), client

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        import boto3  # optional: only servers that store files in S3 need it

        url = urlparse(settings.storage_url)
        secret = settings.storage_s3_secret_access_key.get_secret_value()
        client = boto3.client(
            "s3",
            endpoint_url=settings.storage_s3_endpoint_url or None,
            region_name=settings.storage_s3_region or None,
            aws_access_key_id=settings.storage_s3_access_key_id or None,
            aws_secret_access_key=secret or None,
        )
        return cls(url.netloc, url.path, client)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{_checked(key)}" if self.prefix else _checked(key)

    def _unprefixed(self, name: str) -> str:
        return name[len(self.prefix) + 1 :] if self.prefix else name

    async def put(self, key: str, source: Path) -> None:
        # upload_file switches to a multipart upload for large files; S3 writes are atomic.
        await anyio.to_thread.run_sync(
            lambda: self.client.upload_file(str(source), self.bucket, self._key(key))
        )

    async def stat(self, key: str) -> StoredFile | None:
        from botocore.exceptions import ClientError

        try:
            head = await anyio.to_thread.run_sync(
                lambda: self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredFile(key, int(head["ContentLength"]), head["LastModified"])

    def read(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        def chunks() -> Iterator[bytes]:
            if length <= 0:
                return
            answer = self.client.get_object(
                Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{start + length - 1}"
            )
            yield from answer["Body"].iter_chunks(CHUNK)

        return iterate_in_threadpool(chunks())

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(
            lambda: self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        )

    async def list(self, prefix: str) -> list[StoredFile]:
        def walk() -> list[StoredFile]:
            if prefix:
                under = self._key(prefix.rstrip("/")) + "/"
            else:  # everything this server stored
                under = f"{self.prefix}/" if self.prefix else ""
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=under
            )
            return [
                StoredFile(self._unprefixed(item["Key"]), int(item["Size"]), item["LastModified"])
                for page in pages
                for item in page.get("Contents", [])
            ]

        return await anyio.to_thread.run_sync(walk)


def open_storage(settings: Settings) -> Storage:
    """`storage_url`: empty for `<data_dir>/files`, a directory path, or `s3://bucket/prefix`."""
    url = settings.storage_url
    if url.startswith("s3://"):
        return S3Storage.from_settings(settings)
    if url.startswith("file://"):
        return LocalStorage(Path(urlparse(url).path))
    return LocalStorage(Path(url) if url else settings.data_dir / "files")
