"""Server-generated document ids: opaque, URL-safe and sortable by creation time.

26 characters of lowercase Crockford base32: 48 bits of milliseconds since the epoch, then 80 random
bits (the ULID layout). Nothing else may rely on the shape: imported ids are kept as they come.
"""

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id() -> str:
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))
