"""WCA results arithmetic, pure: a solve's single, an average's trim and rounding, and every
rolling average of a history computed in one pass (docs/mind.md, "Cubing").

Rules (../shared/reference/domain-rules.md §3; WCA Regulations 9f1, 9f2, 9f8-9f11, and csTimer's
`getNTrim` for averages beyond 5):
- Values are WCA result values: centiseconds, `DNF` (-1) for a did-not-finish.
- A single is its time plus 2 s for a +2, truncated to the hundredth (9f1); over ten minutes it
  is rounded to the second instead, half up (9f2).
- An average of n drops ceil(5% of n) results at each end and takes the mean of the rest; a DNF
  is the worst result, so more DNFs than one end drops make the average a DNF (9f9). A mean of 3
  drops nothing, and any DNF makes it a DNF (9f11).
- An average is rounded half up to the hundredth, or to the second when over ten minutes (9f1,
  9f2; `floor(x + 0.5)` on positive integers, never Python's banker's `round`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence

DNF = -1  # the WCA's result value of a DNF (DNS, -2, is not a result a timer records)
PLUS_TWO_MS = 2000  # Regulation 10e / A4d1: a +2 adds two seconds
TEN_MINUTES = 60_000  # centiseconds: past it results and averages count whole seconds
# The rolling statistics shown, as csTimer names them: (name, number of solves).
STATISTICS: tuple[tuple[str, int], ...] = (
    ("mo3", 3),
    ("ao5", 5),
    ("ao12", 12),
    ("ao50", 50),
    ("ao100", 100),
)


def single_value(time_ms: int, plus_two: bool, dnf: bool) -> int:
    """A solve's WCA result in centiseconds (DNF for a DNF): the time plus 2 s for a +2,
    truncated to the hundredth; over ten minutes, rounded to the second."""
    if dnf:
        return DNF
    centis = (int(time_ms) + (PLUS_TWO_MS if plus_two else 0)) // 10
    if centis > TEN_MINUTES:
        return (centis + 50) // 100 * 100
    return centis


def mean_value(total: int, count: int) -> int:
    """The mean of `count` finished results summing to `total` centiseconds, rounded half up to
    the hundredth, or to the second when over ten minutes."""
    if total > TEN_MINUTES * count:
        return (total + 50 * count) // (100 * count) * 100
    return (2 * total + count) // (2 * count)


def trim_of(size: int) -> int:
    """Results dropped at each end of an average of `size`: none for a mean of 3, else
    ceil(5% of size) (ao5 and ao12: 1, ao50: 3, ao100: 5)."""
    if size <= 3:
        return 0
    trim = -(-size * 5 // 100)
    return trim - 1 if 2 * trim >= size else trim


def average(values: Sequence[int]) -> int:
    """The WCA average of these results (a mean of 3 for three, trimmed above): centiseconds, or
    DNF."""
    trim = trim_of(len(values))
    finished = sorted(v for v in values if v != DNF)
    dnfs = len(values) - len(finished)
    if dnfs > trim:
        return DNF
    counting = finished[trim : len(finished) - (trim - dnfs)]
    return mean_value(sum(counting), len(counting))


def rolling_averages(values: Sequence[int], size: int) -> list[int]:
    """The average of each run of `size` consecutive results, in order (one per result from the
    `size`-th on), in one pass: the window is kept sorted (DNFs, -1, first), so each step is a
    binary-search insert and removal and the sums of the `trim` ends, never a sort."""
    trim = trim_of(size)
    kept = size - 2 * trim
    window = sorted(values[: size - 1])
    dnfs = window.count(DNF)
    total = sum(window) + dnfs  # of the finished results (each DNF added -1)
    averages = []
    for index in range(size - 1, len(values)):
        value = values[index]
        insort(window, value)
        if value == DNF:
            dnfs += 1
        else:
            total += value
        if dnfs > trim:
            averages.append(DNF)
        elif trim == 0:
            averages.append(mean_value(total, size))
        else:
            # The best `trim` finished results, and at the worst end the DNFs then the slowest.
            dropped = sum(window[dnfs : dnfs + trim])
            if trim > dnfs:
                dropped += sum(window[size - trim + dnfs :])
            averages.append(mean_value(total - dropped, kept))
        leaving = values[index - size + 1]
        del window[bisect_left(window, leaving)]
        if leaving == DNF:
            dnfs -= 1
        else:
            total -= leaving
    return averages


def better(value: int, than: int | None) -> bool:
    """Whether result `value` beats `than` (None: nothing to beat yet); a DNF beats nothing,
    and a finished result beats a DNF."""
    if value == DNF:
        return False
    return than is None or than == DNF or value < than
