"""Server-generated document ids: opaque, URL-safe and sortable by creation time.

26 characters of lowercase Crockford base32: 48 bits of milliseconds since the epoch, then 80 random
bits (the ULID layout). Nothing else may rely on the shape: imported ids are kept as they come.
"""

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# Two digits (10 bits) at a time: a workout writes a row per set, each with its id.
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
_prefix: tuple[int, str] = (-1, "")  # the last millisecond and its 10 digits


def encode(millis: int, random: int) -> str:
    """The 26 digits of `millis` (48 bits: 10 digits, the top 2 bits zero) then `random` (80
    bits: 16 digits), most significant first."""
    global _prefix
    if _prefix[0] != millis:
        _prefix = (millis, "".join(_PAIRS[(millis >> s) & 1023] for s in (40, 30, 20, 10, 0)))
    pairs = _PAIRS
    return (
        _prefix[1]
        + pairs[random >> 70]
        + pairs[(random >> 60) & 1023]
        + pairs[(random >> 50) & 1023]
        + pairs[(random >> 40) & 1023]
        + pairs[(random >> 30) & 1023]
        + pairs[(random >> 20) & 1023]
        + pairs[(random >> 10) & 1023]
        + pairs[random & 1023]
    )


def new_id() -> str:
    return encode(time.time_ns() // 1_000_000, secrets.randbits(80))
