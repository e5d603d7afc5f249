"""HTTP byte ranges (RFC 9110 §14): which part of a file a `Range` header asks for."""

from __future__ import annotations

import re

_SPEC = re.compile(r"^\s*([0-9]*)\s*-\s*([0-9]*)\s*$")  # ASCII digits, as RFC 9110 writes them


class Unsatisfiable(ValueError):
    """No byte of the file lies in the requested range (answered with 416)."""


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """`(start, end)` inclusive for a single satisfiable range; None to send the whole file.

    A header we do not understand, or several ranges, is ignored (RFC 9110 allows serving the
    whole representation instead); a well-formed range outside the file raises Unsatisfiable.
    """
    if not header:
        return None
    unit, _, ranges = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in ranges:
        return None
    match = _SPEC.fullmatch(ranges)
    if not match or match[1] == match[2] == "":
        return None
    first, last = match[1], match[2]
    if first == "":  # the final N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # invalid spec: ignore the header
    if start >= size:
        raise Unsatisfiable
    return start, end
