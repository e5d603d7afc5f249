"""Hostile list queries: filters, cursors and limits a careless or forged client may send are a
400 naming the parameter, never a 500, on both databases."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from tests.samples import sample_body
from tests.support import Api

# The documented cap on filter conditions per request (docs/api.md).
MAX_FILTERS = 50


def _cursor(position: Any) -> str:
    """A cursor as the server writes them, around whatever a forger put inside."""
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


async def _refused(api: Api, table: str, query: dict[str, Any] | list[tuple[str, str]]) -> str:
    """The one parameter a 400 problem document names."""
    response = await api.client.get(f"/api/v1/{table}", params=query, headers=api.a.headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert len(fields) == 1, fields
    return fields.pop()


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:30:00+01:00",  # year 0 in UTC
        "9999-12-31T23:30:00-01:00",  # year 10000 in UTC
    ],
)
@pytest.mark.parametrize("parameter", ["createdAt[gte]", "createdAt", "createdAt[in]"])
async def test_a_timestamp_filter_that_leaves_the_calendar_in_utc_is_a_400(
    api: Api, moment: str, parameter: str
) -> None:
    assert await _refused(api, "notes", {parameter: moment}) == parameter


async def test_timestamps_at_the_ends_of_the_calendar_still_filter(api: Api) -> None:
    await api.create(api.a, "notes", sample_body("notes"))
    for query in (
        {"createdAt[gte]": "0001-01-01T00:30:00+00:30"},
        {"createdAt[lte]": "9999-12-31T23:30:00+00:00"},
    ):
        response = await api.get(api.a, "notes", **query)
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == 1


FORGED_CURSORS = [
    pytest.param("notes", {}, "!!!not base64!!!", id="garbage"),
    pytest.param("notes", {}, _cursor({"value": 1}), id="object"),
    pytest.param("notes", {}, _cursor("2026-11-20T10:00:00Z"), id="string"),
    pytest.param("notes", {}, _cursor(True), id="boolean"),
    pytest.param("notes", {}, _cursor(None), id="null"),
    pytest.param("notes", {}, _cursor([]), id="empty-list"),
    pytest.param("notes", {}, _cursor(["x"]), id="short-list"),
    pytest.param("notes", {}, _cursor([1, 2, 3, 4, 5]), id="long-list"),
    pytest.param("notes", {}, _cursor([12, "id", True]), id="number-for-timestamp"),
    pytest.param("notes", {}, _cursor(["soon", "id", True]), id="text-for-timestamp"),
    pytest.param(
        "notes", {}, _cursor(["0001-01-01T00:30:00+01:00", "id", True]), id="timestamp-year-0"
    ),
    pytest.param("notes", {}, _cursor(["2026-11-20T10:00:00Z", 7, True]), id="number-for-id"),
    pytest.param("notes", {}, _cursor(["2026-11-20T10:00:00Z", "id", "yes"]), id="text-for-pin"),
    pytest.param("notes", {}, _cursor(["2026-11-20T10:00:00Z", "id"]), id="missing-pin"),
    pytest.param("notes", {}, _cursor(["2026-11-20T10:00:00Z", "a\x00b", True]), id="nul-in-id"),
    pytest.param("notes", {"order": "subject"}, _cursor([[1], "id", False]), id="list-for-text"),
    pytest.param("daily_tasks", {}, _cursor(["2026-13-45", "id"]), id="impossible-day"),
    pytest.param("daily_tasks", {}, _cursor([20261120, "id"]), id="number-for-day"),
    pytest.param("daily_tasks", {"order": "completed"}, _cursor(["no", "id"]), id="text-for-bool"),
    pytest.param("cube_times", {"order": "time"}, _cursor(["fast", "id"]), id="text-for-integer"),
    pytest.param("cube_times", {"order": "time"}, _cursor([1.5, "id"]), id="fraction-for-integer"),
    pytest.param("cube_times", {"order": "time"}, _cursor([2**63, "id"]), id="integer-over-64-bit"),
    pytest.param("cube_times", {"order": "time"}, _cursor([True, "id"]), id="bool-for-integer"),
    pytest.param("notes", {"search": "cell"}, _cursor(2**63), id="search-offset-over-64-bit"),
    pytest.param("notes", {"search": "cell"}, _cursor(-1), id="search-offset-negative"),
]


@pytest.mark.parametrize(("table", "query", "cursor"), FORGED_CURSORS)
async def test_a_forged_cursor_is_a_400_naming_the_cursor(
    api: Api, table: str, query: dict[str, str], cursor: str
) -> None:
    await api.create(api.a, table, sample_body(table))
    assert await _refused(api, table, {**query, "cursor": cursor}) == "cursor"


async def test_too_many_filter_conditions_are_a_400_naming_the_first_one_too_many(
    api: Api,
) -> None:
    query = [("_id[ne]", f"not-{number}") for number in range(2000)]
    assert await _refused(api, "notes", query) == "_id[ne]"
    query = [("_id[ne]", f"not-{number}") for number in range(MAX_FILTERS)] + [("subject", "x")]
    assert await _refused(api, "notes", query) == "subject"


async def test_as_many_filter_conditions_as_allowed_still_list(api: Api) -> None:
    note = await api.create(api.a, "notes", sample_body("notes", subject="Biology"))
    # The most bound values a request can carry: every condition an `in` of 50 values.
    wanted = ",".join([note["_id"], *(f"not-{number}" for number in range(49))])
    query = [("_id[in]", wanted)] * (MAX_FILTERS - 1) + [("subject", "Biology")]
    response = await api.client.get("/api/v1/notes", params=query, headers=api.a.headers)
    assert response.status_code == 200, response.text
    assert [item["_id"] for item in response.json()["items"]] == [note["_id"]]


@pytest.mark.parametrize(
    ("table", "parameter", "value"),
    [
        ("notes", "limit", "٣"),  # Arabic-Indic three: int() takes it, HTTP clients do not mean it
        ("notes", "limit", "³"),  # superscript three: str.isdigit() says yes, int() says no
        ("notes", "limit", "+3"),
        ("notes", "limit", "3 "),
        ("cube_times", "time", "٣"),
        ("cube_times", "time[gte]", "1_000"),
        ("cube_times", "time[in]", "1,٢"),
        ("cube_times", "time[lt]", "9" * 5000),  # past int()'s own digit limit
        ("cube_times", "time", str(2**63)),
        ("cube_times", "time[gt]", str(-(2**63) - 1)),
    ],
)
async def test_integers_in_queries_are_ascii_digits_in_range(
    api: Api, table: str, parameter: str, value: str
) -> None:
    assert await _refused(api, table, {parameter: value}) == parameter


async def test_ascii_integers_still_filter(api: Api) -> None:
    await api.create(api.a, "cube_times", sample_body("cube_times", time=1500))
    response = await api.get(api.a, "cube_times", **{"time[gte]": "1000", "limit": "3"})
    assert response.status_code == 200, response.text
    assert [item["time"] for item in response.json()["items"]] == [1500]


@pytest.mark.parametrize(
    ("table", "parameter"),
    [
        ("notes", "subject"),
        ("notes", "subject[in]"),
        ("notes", "tags"),
        ("notes", "_id[ne]"),
        ("notes", "search"),
        ("cube_times", "sessionId[gt]"),
    ],
)
async def test_a_nul_character_in_a_query_value_is_a_400(
    api: Api, table: str, parameter: str
) -> None:
    await api.create(api.a, table, sample_body(table))
    assert await _refused(api, table, {parameter: "a\x00b"}) == parameter
