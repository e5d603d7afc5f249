"""Convex document ids, written and read, and how White Cell's own ids map onto them.

A Convex id (`crates/value/src/id_v6.rs`, ../shared/reference/platforms.md §1.3) is
`VInt(table number) ‖ 16-byte internal id ‖ 2-byte footer`, in lowercase Crockford base32
(RFC 4648 bit order, no padding). The VInt is LEB128 (7 bits a byte, least significant group
first); the footer is a Fletcher-16 computed mod 256 over the bytes before it, little-endian.

White Cell's ids (`core/ids.py`) are 26 Crockford digits holding 128 bits (48 of milliseconds,
80 random): exactly the 16 bytes of a Convex internal id. So a row's Convex id carries its
White Cell id whole, and `whitecell_id` takes it back out; docs/export.md says what follows.
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_DIGITS = {ch: n for n, ch in enumerate(ALPHABET)}
INTERNAL_ID_BYTES = 16
WHITECELL_ID_LENGTH = 26  # 130 bits of digits, the top two always zero
# Convex numbers user tables from 10001; `_storage` (a virtual system table) is 540 in every
# deployment (the same number decoded from storage ids of unrelated Convex apps).
FIRST_USER_TABLE = 10001
STORAGE_TABLE = 540


class NotAnId(ValueError):
    """Text that is not an id of the kind asked for."""


def _base32(data: bytes) -> str:
    bits = int.from_bytes(data, "big")
    count = len(data) * 8
    digits = -(-count // 5)
    bits <<= digits * 5 - count  # pad the last group with zero bits on the right
    return "".join(ALPHABET[(bits >> (5 * (digits - 1 - n))) & 31] for n in range(digits))


def _unbase32(text: str) -> bytes:
    try:
        bits = 0
        for ch in text:
            bits = bits << 5 | _DIGITS[ch]
    except KeyError:
        raise NotAnId(f"{text!r} holds a character outside lowercase Crockford base32") from None
    count = len(text) * 5
    size, spare = divmod(count, 8)
    if bits & ((1 << spare) - 1):
        raise NotAnId(f"{text!r} has padding bits set")  # Convex's decoding is strict too
    return (bits >> spare).to_bytes(size, "big")


def _vint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _fletcher16(data: bytes) -> int:
    c0 = c1 = 0
    for byte in data:
        c0 = (c0 + byte) & 0xFF
        c1 = (c1 + c0) & 0xFF
    return c1 << 8 | c0


def encode_convex_id(table_number: int, internal_id: bytes) -> str:
    """The Convex id of the document `internal_id` (16 bytes) in table `table_number`."""
    if len(internal_id) != INTERNAL_ID_BYTES or table_number < 1:
        raise ValueError("a Convex id needs a positive table number and a 16-byte internal id")
    body = _vint(table_number) + internal_id
    return _base32(body + _fletcher16(body).to_bytes(2, "little"))


def decode_convex_id(text: str) -> tuple[int, bytes]:
    """The table number and the 16-byte internal id of a Convex id; NotAnId if it is not one."""
    if not 31 <= len(text) <= 37:
        raise NotAnId(f"{text!r} is not 31 to 37 characters long")
    data = _unbase32(text)
    number = shift = used = 0
    while True:  # the table number: a VInt of at most 5 bytes (a u32)
        if used == min(len(data), 5):
            raise NotAnId(f"{text!r} has no table number")
        byte = data[used]
        number |= (byte & 0x7F) << shift
        shift, used = shift + 7, used + 1
        if not byte & 0x80:
            break
    body, footer = data[:-2], data[-2:]
    if len(body) - used != INTERNAL_ID_BYTES or int.from_bytes(footer, "little") != _fletcher16(
        body
    ):
        raise NotAnId(f"{text!r} fails its checksum")
    return number, body[used:]


def internal_id(whitecell_id: str) -> bytes:
    """The 16 bytes a White Cell id becomes inside a Convex id: the id itself when it is one
    of ours (26 digits, `core/ids.py`); for any other id (kept from an import), the first 16
    bytes of its SHA-256, the same every time, but not reversible."""
    if len(whitecell_id) == WHITECELL_ID_LENGTH and whitecell_id[0] in "01234567":
        try:
            return _unbase32("0" * 6 + whitecell_id)[-INTERNAL_ID_BYTES:]
        except NotAnId:
            pass
    return hashlib.sha256(f"whitecell-id:{whitecell_id}".encode()).digest()[:INTERNAL_ID_BYTES]


def whitecell_id(internal: bytes) -> str:
    """The White Cell id a Convex internal id carries (the inverse of `internal_id` for our
    own ids): 26 Crockford digits."""
    number = int.from_bytes(internal, "big")
    return "".join(ALPHABET[(number >> (5 * n)) & 31] for n in reversed(range(WHITECELL_ID_LENGTH)))


def id_milliseconds(whitecell_id: str) -> int | None:
    """When one of our ids was made (its first 48 bits), or None for an id that is not ours."""
    if len(whitecell_id) != WHITECELL_ID_LENGTH or whitecell_id[0] not in "01234567":
        return None
    try:
        return int.from_bytes(internal_id(whitecell_id)[:6], "big")
    except NotAnId:
        return None
