"""A ZIP archive written as a stream of bytes, for a download that starts before it is complete.

The standard library's `zipfile` writes to a file it cannot seek (each entry's sizes and CRC
then follow its data in a data descriptor, as the ZIP format allows), so it needs no temporary
file and no third-party package: `ZipStream` hands it a sink that only collects what is written,
and `take()` gives those bytes away as they come. What is held in memory at once is one chunk
of input and what Deflate made of it. Deflating runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

CHUNK = 256 * 1024  # bytes of input deflated at a time
# Unix permissions rw-r--r-- on a regular file, in the high 16 bits of a ZIP entry's attributes.
FILE_MODE = 0o100644
UNIX = 3  # `create_system`: the attributes are Unix ones


class _Sink(io.RawIOBase):
    """Where `zipfile` writes: it keeps the bytes until taken, and knows how many it was given
    (all `zipfile` needs of a stream it cannot seek)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._offset = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._offset += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._offset

    def take(self) -> bytes:
        taken, self._parts = b"".join(self._parts), []
        return taken


class ZipStream:
    """Entries added one after the other; every `add_*` yields the archive's next bytes."""

    def __init__(self, moment: datetime) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_DEFLATED)
        self._date_time = moment.astimezone(UTC).timetuple()[:6]

    def _info(self, name: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = UNIX
        info.external_attr = FILE_MODE << 16
        info.file_size = size  # known in advance: it decides whether the entry needs ZIP64
        return info

    async def add_bytes(self, name: str, data: bytes) -> AsyncIterator[bytes]:
        """An entry holding `data`."""
        with self._zip.open(self._info(name, len(data)), "w") as entry:
            await anyio.to_thread.run_sync(entry.write, data)
        yield self._sink.take()

    async def add_file(self, name: str, source: IO[bytes], size: int) -> AsyncIterator[bytes]:
        """An entry holding the `size` bytes of the open file `source`, from its start."""
        source.seek(0)
        with self._zip.open(self._info(name, size), "w") as entry:
            while chunk := await anyio.to_thread.run_sync(source.read, CHUNK):
                await anyio.to_thread.run_sync(entry.write, chunk)
                yield self._sink.take()
        yield self._sink.take()

    async def add_stream(
        self,
        name: str,
        chunks: AsyncIterator[bytes],
        size: int,
        seen: Callable[[bytes], None] = lambda _chunk: None,
    ) -> AsyncIterator[bytes]:
        """An entry holding what `chunks` yields (`size` bytes); `seen` is shown each chunk
        (to check it against a digest taken before)."""
        with self._zip.open(self._info(name, size), "w") as entry:
            async for chunk in chunks:
                seen(chunk)
                await anyio.to_thread.run_sync(entry.write, chunk)
                yield self._sink.take()
        yield self._sink.take()

    def finish(self) -> bytes:
        """The central directory: the archive's last bytes."""
        self._zip.close()
        return self._sink.take()
