"""The file store's contract, the same on a local directory and on an S3-compatible server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support_s3 import S3Server
from whitecell.core.config import Settings
from whitecell.core.storage import LocalStorage, S3Storage, Storage, open_storage


@pytest.fixture(params=["local", "s3"])
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, s3: S3Server
) -> AsyncIterator[Storage]:
    if request.param == "local":
        yield LocalStorage(tmp_path / "files")
        return
    bucket = f"wc-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=bucket)
    settings = Settings(_env_file=None, data_dir=tmp_path, **s3.settings(bucket, "uploads"))  # type: ignore[call-arg]
    yield open_storage(settings)


async def _read(storage: Storage, key: str, start: int, length: int) -> bytes:
    return b"".join([chunk async for chunk in storage.read(key, start, length)])


async def test_a_stored_file_reads_back_whole_and_in_ranges(
    storage: Storage, tmp_path: Path
) -> None:
    source = tmp_path / "source.bin"
    data = bytes(range(256)) * 4000  # 1,024,000 bytes: several read chunks
    source.write_bytes(data)
    await storage.put("textbooks/u1/d1.pdf", source)
    stored = await storage.stat("textbooks/u1/d1.pdf")
    assert stored is not None and stored.size == len(data)
    assert await _read(storage, "textbooks/u1/d1.pdf", 0, len(data)) == data
    assert await _read(storage, "textbooks/u1/d1.pdf", 300_000, 10) == data[300_000:300_010]
    assert await _read(storage, "textbooks/u1/d1.pdf", len(data) - 5, 5) == data[-5:]


async def test_put_replaces_and_delete_removes(storage: Storage, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"first version")
    second.write_bytes(b"second")
    await storage.put("strategies/u1/d1.pdf", first)
    await storage.put("strategies/u1/d1.pdf", second)
    assert await _read(storage, "strategies/u1/d1.pdf", 0, 100) == b"second"
    await storage.delete("strategies/u1/d1.pdf")
    assert await storage.stat("strategies/u1/d1.pdf") is None
    await storage.delete("strategies/u1/d1.pdf")  # deleting twice is not an error


async def test_list_finds_the_keys_under_a_table(storage: Storage, tmp_path: Path) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"%PDF-")
    for key in ("textbooks/u1/a.pdf", "textbooks/u2/b.pdf", "strategies/u1/c.pdf"):
        await storage.put(key, source)
    keys = sorted(item.key for item in await storage.list("textbooks"))
    assert keys == ["textbooks/u1/a.pdf", "textbooks/u2/b.pdf"]


@pytest.mark.parametrize("key", ["../etc/passwd", "a/../../b", "/abs", "a//b", "", "a\\b"])
async def test_keys_that_could_leave_the_store_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        await LocalStorage(tmp_path).stat(key)


def test_configuration_picks_the_backend(tmp_path: Path) -> None:
    def build(url: str) -> Storage:
        return open_storage(Settings(_env_file=None, data_dir=tmp_path, storage_url=url))  # type: ignore[call-arg]

    default = build("")
    assert isinstance(default, LocalStorage) and default.root == tmp_path / "files"
    assert isinstance(build("/srv/files"), LocalStorage)
    bucket = build("s3://books/prod")
    assert isinstance(bucket, S3Storage) and (bucket.bucket, bucket.prefix) == ("books", "prod")
