"""Range headers (RFC 9110 §14.1.2) read the way browsers and PDF readers send them."""

from __future__ import annotations

import pytest

from whitecell.core.byteranges import Unsatisfiable, requested_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),  # a suffix longer than the file is the whole file
        ("bytes=990-5000", (990, 999)),  # an end past the file is clipped
        ("bytes= 5 - 9 ", (5, 9)),
        (None, None),
        ("", None),
        ("items=0-9", None),  # another unit: ignored, the whole file is sent
        ("bytes=0-9,20-29", None),  # several ranges: the whole file, as RFC 9110 allows
        ("bytes=9-5", None),  # invalid: ignored
        ("bytes=abc", None),
        ("bytes=-", None),
    ],
)
def test_ranges(header: str | None, expected: tuple[int, int] | None) -> None:
    assert requested_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_ranges_outside_the_file_are_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        requested_range(header, 1000)
