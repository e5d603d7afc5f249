"""Body-weight trends, pure (docs/fitness.md, "Body measurements"): exact kg/lbs conversion, the
7-day moving average, and the change per week as the least-squares slope over the window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

KG_PER_LB = 0.45359237  # exact, by the international yard and pound agreement (1959)
MASS_UNITS = {"kg": 1.0, "kgs": 1.0, "kilogram": 1.0, "kilograms": 1.0}
MASS_UNITS |= dict.fromkeys(("lb", "lbs", "pound", "pounds"), KG_PER_LB)
AVERAGE_DAYS = 7  # the moving average's window: the day and the six before it


def mass_unit(unit: str | None) -> float | None:
    """Kilograms per `unit`, or None when it is not a unit of mass."""
    return MASS_UNITS.get((unit or "").strip().casefold())


def convert_mass(value: float, unit: str, to: str) -> float | None:
    """`value` in `unit` written in `to` (kg and lbs, exactly); None when either is no mass."""
    source, target = mass_unit(unit), mass_unit(to)
    if source is None or target is None:
        return None
    return value if source == target else value * source / target


def moving_average(days: Sequence[tuple[date, float]], span: int = AVERAGE_DAYS) -> list[float]:
    """For each (day, value), sorted by day: the mean of the values of that day and the
    `span - 1` calendar days before it (days without a value are left out, not counted as 0)."""
    averages, start, total = [], 0, 0.0
    for end, (day, value) in enumerate(days):
        total += value
        while days[start][0] <= day - timedelta(days=span):
            total -= days[start][1]
            start += 1
        averages.append(total / (end - start + 1))
    return averages


def change_per_week(days: Sequence[tuple[date, float]]) -> float | None:
    """The least-squares slope of value against day, times 7; None with fewer than two days."""
    if len(days) < 2:
        return None
    origin = days[0][0]
    xs = [(day - origin).days for day, _ in days]
    ys = [value for _, value in days]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope * 7
