"""Server ids: unique, URL-safe, and in creation order."""

import re
import secrets
import time

from whitecell.core.ids import encode, new_id


def test_ids_are_url_safe_and_unique() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-hjkmnp-tv-z]{26}", i) for i in ids)


def test_ids_sort_by_creation_time() -> None:
    earlier = new_id()
    time.sleep(0.002)
    later = new_id()
    assert earlier < later


def test_ids_are_the_time_and_random_bits_in_crockford_base32() -> None:
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    cases = [(0, 0), (2**48 - 1, 2**80 - 1), (1_764_000_000_000, 1), (1_764_000_000_000, 2**79)]
    cases += [(secrets.randbits(48), secrets.randbits(80)) for _ in range(1000)]
    for millis, random in cases:
        value = millis << 80 | random
        digits = "".join(alphabet[(value >> (5 * (25 - i))) & 31] for i in range(26))
        assert encode(millis, random) == digits
