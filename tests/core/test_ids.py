"""Server ids: unique, URL-safe, and in creation order."""

import re
import time

from whitecell.core.ids import new_id


def test_ids_are_url_safe_and_unique() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-hjkmnp-tv-z]{26}", i) for i in ids)


def test_ids_sort_by_creation_time() -> None:
    earlier = new_id()
    time.sleep(0.002)
    later = new_id()
    assert earlier < later
