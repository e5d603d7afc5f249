"""Body measurements over time: the weight trend (7-day moving average, change per week) in kg
or lbs whatever each row was written in, and the latest values on the dashboard."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from typing import Any

import pytest

from tests.support import Api, Person
from whitecell.core.clock import local_today
from whitecell.fitness.trends import KG_PER_LB, change_per_week, convert_mass, moving_average


def _day(offset: int) -> str:
    return (local_today(None) + timedelta(days=offset)).isoformat()


async def _measure(
    api: Api, who: Person, offset: int, weight: float, unit: str, **more: Any
) -> Any:
    body = {"date": _day(offset), "weight": weight, "unit": unit, **more}
    return await api.create(who, "measurements", body)


def test_kg_and_lbs_convert_exactly() -> None:
    assert convert_mass(1.0, "lbs", "kg") == KG_PER_LB == 0.45359237
    assert convert_mass(100.0, "kg", "lbs") == pytest.approx(220.46226218)
    assert convert_mass(80.0, "kg", "kg") == 80.0
    assert convert_mass(5.0, "cm", "kg") is None


def test_the_moving_average_spans_seven_calendar_days() -> None:
    start = date(2026, 11, 1)
    days = [(start, 80.0), (start + timedelta(days=3), 79.0), (start + timedelta(days=7), 78.0)]
    # The 8th day's window is days 2-8: the first value has left it.
    assert moving_average(days) == [80.0, 79.5, 78.5]


def test_the_change_per_week_is_the_least_squares_slope() -> None:
    start = date(2026, 11, 1)
    values = [(0, 82.0), (2, 81.4), (3, 81.7), (6, 80.9), (9, 80.1)]
    days = [(start + timedelta(days=x), y) for x, y in values]
    slope = statistics.linear_regression([x for x, _ in values], [y for _, y in values]).slope
    assert change_per_week(days) == pytest.approx(slope * 7)
    assert change_per_week(days[:1]) is None


async def test_the_trend_averages_and_converts_rows_written_in_either_unit(api: Api) -> None:
    await _measure(api, api.a, -8, 82.0, "kg")  # before the window: only in the first averages
    await _measure(api, api.a, -3, 80.0, "kg", bodyFatPercentage=20.0, waist=84.0)
    await _measure(api, api.a, -2, 79.9, "kg")
    await _measure(api, api.a, -2, 79.5, "kg")  # the day's last row counts
    await _measure(api, api.a, -1, 176.0, "lbs")
    await _measure(api, api.a, 0, 79.0, "kg", bodyFatPercentage=19.5)
    await _measure(api, api.b, 0, 120.0, "kg")  # someone else's

    response = await api.get(api.a, "measurements/trend", days=7, unit="kg")
    assert response.status_code == 200, response.text
    trend = response.json()
    assert (trend["from"], trend["to"], trend["unit"]) == (_day(-6), _day(0), "kg")
    kg = [80.0, 79.5, 176.0 * 0.45359237, 79.0]
    assert [p["date"] for p in trend["points"]] == [_day(-3), _day(-2), _day(-1), _day(0)]
    assert [p["weight"] for p in trend["points"]] == [round(w, 2) for w in kg]
    # Each day's average spans it and the 6 days before: day -8 is in days -3's and -2's only.
    expected = [(82 + 80) / 2, (82 + 80 + 79.5) / 3, sum(kg[:3]) / 3, sum(kg) / 4]
    assert [p["average"] for p in trend["points"]] == [round(a, 2) for a in expected]
    slope = statistics.linear_regression([0, 1, 2, 3], kg).slope
    assert trend["changePerWeek"] == round(slope * 7, 2)
    assert trend["change"] == round(79.0 - 80.0, 2)
    latest = trend["latest"]
    assert (latest["date"], latest["weight"], latest["bodyFatPercentage"]) == (_day(0), 79.0, 19.5)
    assert latest["waist"] == 84.0 and latest["hips"] is None

    in_lbs = (await api.get(api.a, "measurements/trend", days=7, unit="lbs")).json()
    assert [p["weight"] for p in in_lbs["points"]] == [round(w / 0.45359237, 2) for w in kg]
    assert in_lbs["latest"]["weight"] == round(79.0 / 0.45359237, 2)


async def test_without_a_unit_the_trend_speaks_the_latest_rows_unit(api: Api) -> None:
    await _measure(api, api.a, -1, 80.0, "kg")
    await _measure(api, api.a, 0, 176.0, "lbs")
    trend = (await api.get(api.a, "measurements/trend")).json()
    assert trend["unit"] == "lbs" and trend["points"][0]["weight"] == round(80 / 0.45359237, 2)
    assert trend["from"] == _day(-29)


async def test_an_empty_trend_and_bad_parameters(api: Api) -> None:
    empty = (await api.get(api.b, "measurements/trend", days=30)).json()
    assert empty["points"] == [] and empty["latest"] is None and empty["changePerWeek"] is None
    for params, field in (({"days": 1}, "days"), ({"unit": "stone"}, "unit")):
        refused = await api.get(api.a, "measurements/trend", **params)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field
    assert (await api.client.get("/api/v1/measurements/trend")).status_code == 401


async def test_the_dashboard_shows_the_latest_body_values(api: Api) -> None:
    await _measure(api, api.a, -5, 81.0, "kg", bodyFatPercentage=21.0)
    await _measure(api, api.a, -1, 80.2, "kg", waist=83.0)
    screen = (await api.client.get("/api/v1/dashboard", headers=api.a.headers)).json()
    assert {"nutrition", "goals", "body"} <= set(screen)
    body = screen["body"]
    assert (body["date"], body["unit"], body["weight"]) == (_day(-1), "kg", 80.2)
    assert (body["bodyFatPercentage"], body["waist"], body["chest"]) == (21.0, 83.0, None)
    other = (await api.client.get("/api/v1/dashboard", headers=api.b.headers)).json()
    assert other["body"] is None
