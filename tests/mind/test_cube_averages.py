"""WCA statistics, called directly, on the reference's vectors and edge cases
(../shared/reference/domain-rules.md §3.1-3.2): singles truncated, averages trimmed by
ceil(5%) per side with DNF as the worst result, rounded half up, whole seconds past ten minutes."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from whitecell.mind.cubing.averages import (
    DNF,
    average,
    mean_value,
    rolling_averages,
    single_value,
    trim_of,
)


def cs(*seconds: float | None) -> list[int]:
    """Results in centiseconds from seconds (None: DNF)."""
    return [DNF if s is None else round(s * 100) for s in seconds]


def test_the_reference_ao5_drops_the_dnf_as_its_worst_result() -> None:
    assert average(cs(10.00, 12.00, 11.00, None, 9.00)) == 1100


def test_two_dnfs_make_an_ao5_a_dnf() -> None:
    assert average(cs(10.00, None, 11.00, None, 9.00)) == DNF


def test_a_mean_of_3_rounds_half_up_to_the_hundredth() -> None:
    assert average(cs(10.01, 10.02, 10.02)) == 1002  # 30.05 / 3 = 10.0167


def test_any_dnf_makes_a_mean_of_3_a_dnf() -> None:
    assert average(cs(10.01, None, 10.02)) == DNF


def test_a_single_is_truncated_to_the_hundredth_and_a_plus_two_adds_two_seconds() -> None:
    assert single_value(12678, False, False) == 1267  # the timer's 12.678 is recorded 12.67
    assert single_value(12345, True, False) == 1434  # csTimer's [[2000, 12345]]: 14.345 -> 14.34
    assert single_value(12345, False, True) == DNF
    assert single_value(9999, False, False) == 999


def test_a_single_over_ten_minutes_is_rounded_to_the_second() -> None:
    assert single_value(600_000, False, False) == 60_000  # ten minutes exactly: as it is
    assert single_value(600_499, False, False) == 60_000  # 10:00.49 -> 10:00
    assert single_value(600_500, False, False) == 60_100  # 10:00.50 -> 10:01
    assert single_value(599_999, True, False) == 60_200  # 10:01.999 -> 10:02


def test_ties_at_a_half_round_up_where_python_would_round_to_even() -> None:
    # ao12 drops one at each end and averages ten: 10005 / 10 = 1000.5.
    results = [1000] * 9 + [1005, 900, 2000]
    assert average(results) == 1001
    assert round(10005 / 10) == 1000  # banker's rounding: the mistake this guards against
    assert mean_value(10005, 10) == 1001
    assert mean_value(2001, 2) == 1001  # 1000.5
    assert mean_value(2003, 2) == 1002  # 1001.5


def test_averages_over_ten_minutes_are_rounded_to_the_second() -> None:
    # Counting 610.00, 620.55, 630.00: 620.1833 s -> 620 s.
    assert average(cs(600.00, 610.00, 620.55, 630.00, 700.00)) == 62_000
    # 601 + 602 + 602 over three: 601.67 s -> 602 s.
    assert average(cs(601, 602, 602)) == 60_200
    # A half second past ten minutes rounds up: (60050 + 60050) / 2 = 600.5 s -> 601 s.
    assert mean_value(120_100, 2) == 60_100


def test_an_average_just_under_ten_minutes_keeps_its_hundredths() -> None:
    assert average(cs(599.99, 599.98, 599.97)) == 59_998


@pytest.mark.parametrize(
    ("size", "trim"), [(3, 0), (5, 1), (12, 1), (25, 2), (50, 3), (100, 5), (1000, 50)]
)
def test_each_side_drops_ceil_five_percent(size: int, trim: int) -> None:
    assert trim_of(size) == trim


def test_ao50_trims_three_at_each_end() -> None:
    results = [1000] * 44 + [100, 100, 100, 5000, 5000, 5000]
    assert average(results) == 1000  # trimming 2 would keep a 100 and a 5000
    # Two fast results: a 1000 is dropped with them, and one of four 5000s counts.
    assert average([1000] * 44 + [100, 100, 5000, 5000, 5000, 5000]) == 1091  # 48000 / 44


def test_ao50_takes_three_dnfs_and_not_four() -> None:
    assert average([1000] * 47 + [DNF] * 3) == 1000
    assert average([1000] * 46 + [DNF] * 4) == DNF


def test_ao100_takes_five_dnfs_and_not_six() -> None:
    assert average([1000] * 95 + [DNF] * 5) == 1000
    assert average([1000] * 94 + [DNF] * 6) == DNF


def test_one_dnf_counts_as_the_worst_result_of_an_ao12() -> None:
    # Without the DNF the slowest (3000) would be dropped; with it, 3000 counts.
    results = [1000] * 9 + [3000, 500, DNF]
    assert average(results) == (9 * 1000 + 3000) // 10 == 1200


def test_rolling_averages_equal_each_window_computed_alone() -> None:
    rng = random.Random(14)
    results = [DNF if rng.random() < 0.08 else rng.randint(700, 1500) for _ in range(400)]
    for size in (3, 5, 12, 50, 100):
        expected = [average(results[i - size + 1 : i + 1]) for i in range(size - 1, 400)]
        assert rolling_averages(results, size) == expected


def test_rounding_matches_decimal_half_up_everywhere() -> None:
    rng = random.Random(9)
    for _ in range(2000):
        count = rng.randint(1, 100)
        total = rng.randint(count * 100, count * 100_000)
        exact = Decimal(total) / Decimal(count)
        if exact > 60_000:
            expected = int((exact / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100
        else:
            expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert mean_value(total, count) == expected
