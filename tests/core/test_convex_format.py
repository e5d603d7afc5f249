"""Convex ids, values and the streamed ZIP, checked against Convex's own: ids taken from Convex
deployments decode to their tables, ours encode and decode back, values follow the "uniform"
export JSON (../shared/reference/platforms.md §1.3, §1.9), and an archive streams in pieces."""

from __future__ import annotations

import base64
import io
import os
import struct
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import orjson
import pytest

from whitecell.core.convex_format import jsonl, uniform
from whitecell.core.convex_ids import (
    STORAGE_TABLE,
    NotAnId,
    decode_convex_id,
    encode_convex_id,
    id_milliseconds,
    internal_id,
    whitecell_id,
)
from whitecell.core.ids import new_id
from whitecell.core.zipstream import CHUNK, ZipStream

# Ids written by Convex: `_storage` ids of four unrelated apps, and documents of user tables
# (the importer's tests number `table1` 10003; the docs' example is in the first user table).
CONVEX_IDS = {
    "kg26ct6gwrwstmp70xgkk5e3xs7gyp01": STORAGE_TABLE,
    "kg27g8aq7p579pedtb4zdm9zw980wmq1": STORAGE_TABLE,
    "kg28fq286rbx69w8thcepdgf218cf78w": STORAGE_TABLE,
    "kg2f310mx7z1z0ckkpjc52rs8n7ac8w3": STORAGE_TABLE,
    "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmyb": 10003,
    "j57ebspmvq4y2a7tdqes32jd83pnys94": 10001,
}


@pytest.mark.parametrize(("text", "table"), CONVEX_IDS.items())
def test_ids_convex_wrote_decode_to_their_table_and_encode_back(text: str, table: int) -> None:
    number, body = decode_convex_id(text)
    assert number == table and len(body) == 16
    assert encode_convex_id(number, body) == text


def test_a_white_cell_id_travels_whole_inside_a_convex_id() -> None:
    for _ in range(500):
        ours = new_id()
        theirs = encode_convex_id(10042, internal_id(ours))
        assert len(theirs) == 32  # a user table's id, as Convex writes them
        number, body = decode_convex_id(theirs)
        assert (number, whitecell_id(body)) == (10042, ours)
    made = datetime.now(UTC).timestamp() * 1000
    assert abs((id_milliseconds(new_id()) or 0) - made) < 1000


def test_an_id_that_is_not_ours_maps_to_the_same_convex_id_every_time() -> None:
    kept = "00sHx"  # a Lichess puzzle id kept from an import
    assert internal_id(kept) == internal_id(kept) != internal_id("00sHy")
    assert id_milliseconds(kept) is None


@pytest.mark.parametrize(
    "text",
    [
        "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmya",  # the last digit changed: the checksum fails
        "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmy",  # too short
        "JD7F2YQ3TCC5H4CE9QHQDK0ACH6HBMYB",  # Convex writes lowercase only
        "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmyu",  # `u` is not a Crockford digit
    ],
)
def test_text_that_is_not_a_convex_id_is_refused(text: str) -> None:
    with pytest.raises(NotAnId):
        decode_convex_id(text)


def test_numbers_are_float64_with_a_decimal_point_and_non_finite_ones_are_tagged() -> None:
    value = {"reps": 5, "weight": 82.5, "done": True, "tags": ["a", 1], "none": None}
    assert jsonl(uniform(value)) == b'{"done":true,"reps":5.0,"tags":["a",1.0],"weight":82.5}\n'
    nan = uniform(float("nan"))
    assert struct.unpack("<d", base64.b64decode(nan["$float"]))[0] != 0  # NaN is kept as NaN
    assert uniform(float("-inf")) == {
        "$float": base64.b64encode(struct.pack("<d", float("-inf"))).decode()
    }
    assert orjson.loads(jsonl({"t": uniform(1_700_697_415_295)})) == {"t": 1700697415295.0}


async def _collect(parts: AsyncIterator[bytes]) -> list[bytes]:
    return [part async for part in parts]


async def test_an_archive_streams_in_pieces_and_reads_back_whole() -> None:
    content = os.urandom(3 * 1024 * 1024)  # incompressible: Deflate cannot shrink it

    async def read() -> AsyncIterator[bytes]:
        for start in range(0, len(content), 64 * 1024):
            yield content[start : start + 64 * 1024]

    archive = ZipStream(datetime(2026, 11, 20, 10, tzinfo=UTC))
    pieces = await _collect(archive.add_bytes("README.md", b"# hello\n"))
    pieces += await _collect(archive.add_stream("_storage/file.bin", read(), len(content)))
    pieces.append(archive.finish())
    assert len(pieces) > 10 and max(len(piece) for piece in pieces) < 2 * CHUNK
    opened = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert opened.testzip() is None
    assert opened.read("_storage/file.bin") == content
    for info in opened.infolist():
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.external_attr >> 16 == 0o100644 and info.create_system == 3
        assert info.date_time == (2026, 11, 20, 10, 0, 0)
