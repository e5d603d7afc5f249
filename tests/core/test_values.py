"""Values at the edges of what storage holds: what is accepted reads back as the API showed it and
sorts in order, on both databases; what storage cannot hold (instants outside years 1-9999 in UTC,
integers beyond 64 bits, NaN and infinities, NUL characters, JSON nested too deep) is a 422 naming
the field, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from tests.samples import client_tables, sample_body, sample_value
from tests.support import Api
from whitecell.core.bodies import create_body
from whitecell.core.tables import REGISTRY, Kind, Table
from whitecell.core.types import INT64_MAX, INT64_MIN, MAX_JSON_DEPTH

EXERCISE = {"name": "Squat", "sets": 3, "reps": 5}


def _fields(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem.get("errors", [])}


async def _send(api: Api, method: str, path: str, body: Any) -> Any:
    # Encoded here: httpx refuses to encode NaN and infinities, which is what is being sent.
    return await api.client.request(
        method,
        f"/api/v1/{path}",
        content=body if isinstance(body, str) else json.dumps(body),
        headers={**api.a.headers, "content-type": "application/json"},
    )


# -- timestamps ------------------------------------------------------------------------------------


async def test_a_year_999_timestamp_reads_back_as_written(api: Api) -> None:
    body = sample_body("cube_times", date="0999-06-01T00:00:00Z")
    created = await api.create(api.a, "cube_times", body)
    assert created["date"] == "0999-06-01T00:00:00.000Z"
    fetched = (await api.get(api.a, f"cube_times/{created['_id']}")).json()
    assert fetched == created


async def test_timestamps_before_year_1000_sort_and_page_in_time_order(api: Api) -> None:
    moments = [
        "2026-01-01T00:00:00.000Z",
        "0999-06-01T00:00:00.000Z",
        "0050-01-01T00:00:00.000Z",
        "1000-01-01T00:00:00.000Z",
        "0999-06-01T00:00:00.001Z",
        "0001-01-01T00:00:00.000Z",
    ]
    for moment in moments:
        await api.create(api.a, "cube_times", sample_body("cube_times", date=moment))
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"order": "date", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await api.get(api.a, "cube_times", **params)).json()
        seen += [item["date"] for item in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == sorted(moments)
    early = (await api.get(api.a, "cube_times", **{"date[lt]": "1000-01-01T00:00:00Z"})).json()
    assert sorted(item["date"] for item in early["items"]) == sorted(moments)[:4]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
        ("0001-01-01T01:30:00+01:00", "0001-01-01T00:30:00.000Z"),
        ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999Z"),
        ("9999-12-31T22:30:00-01:00", "9999-12-31T23:30:00.000Z"),
        ("2026-11-20T10:00:00.123456+05:30", "2026-11-20T04:30:00.123Z"),
    ],
)
async def test_the_first_and_last_instants_storage_holds_read_back_in_utc(
    api: Api, sent: str, shown: str
) -> None:
    created = await api.create(api.a, "cube_times", sample_body("cube_times", date=sent))
    assert created["date"] == shown
    assert (await api.get(api.a, f"cube_times/{created['_id']}")).json()["date"] == shown


@pytest.mark.parametrize("moment", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
async def test_a_timestamp_outside_years_1_to_9999_in_utc_is_refused(api: Api, moment: str) -> None:
    refused = await api.client.post(
        "/api/v1/cube_times",
        json=sample_body("cube_times", date=moment),
        headers=api.a.headers,
    )
    assert refused.status_code == 422, refused.text
    assert _fields(refused.json()) == {"date"}
    annotation = {"pageNumber": 1, "text": "x", "type": "note", "createdAt": moment}
    embedded = await api.client.post(
        "/api/v1/textbooks",
        json=sample_body("textbooks", annotations=[annotation]),
        headers=api.a.headers,
    )
    assert embedded.status_code == 422, embedded.text
    assert _fields(embedded.json()) == {"annotations[0].createdAt"}
    listed = await api.get(api.a, "cube_times", **{"date[gte]": moment})
    assert listed.status_code == 400, listed.text
    for table in ("cube_times", "textbooks"):
        assert (await api.get(api.a, table, count="true")).json()["total"] == 0


async def test_a_sqlite_row_written_before_years_were_zero_padded_still_reads(api: Api) -> None:
    if not api.context.store.dialect.is_sqlite:
        pytest.skip("only SQLite stored timestamps as text")
    created = await api.create(api.a, "cube_times", sample_body("cube_times"))
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE cube_times SET date = :old WHERE "_id" = :id',
            {"old": "999-06-01 00:00:00.000000", "id": created["_id"]},
        )
    fetched = (await api.get(api.a, f"cube_times/{created['_id']}")).json()
    assert fetched["date"] == "0999-06-01T00:00:00.000Z"


async def test_a_year_999_day_reads_back_and_sorts_first(api: Api) -> None:
    for day in ("2026-11-20", "0999-06-01", "0001-01-01"):
        await api.create(api.a, "study_goals", sample_body("study_goals", targetDate=day))
    listed = (await api.get(api.a, "study_goals", order="targetDate")).json()
    assert [item["targetDate"] for item in listed["items"]] == [
        "0001-01-01",
        "0999-06-01",
        "2026-11-20",
    ]


# -- refused values: create and update alike ------------------------------------------------

DEEP = MAX_JSON_DEPTH + 1

REFUSED = [
    pytest.param("study_sessions", {"notesCreated": 2**63}, "notesCreated", id="int-2^63"),
    pytest.param("textbooks", {"bookmarks": [1, 2**63]}, "bookmarks[1]", id="int-list-2^63"),
    pytest.param("textbooks", {"bookmarks": [INT64_MIN - 1]}, "bookmarks[0]", id="int-below"),
    pytest.param("content_items", {"metrics": {"views": 2**63}}, "metrics.views", id="int-obj"),
    pytest.param("analytics", {"metadata": {"n": 2**64 + 1}}, "metadata", id="int-json-2^64"),
    pytest.param("analytics", {"metadata": {"n": [-(2**63) - 1]}}, "metadata", id="int-json"),
    # -2^63 as a double: PostgreSQL's numeric would keep it below what a 64-bit reader loads.
    pytest.param("analytics", {"metadata": {"k": -(2.0**63)}}, "metadata", id="float-json-2^63"),
    pytest.param("study_goals", {"targetValue": -(2.0**63)}, "targetValue", id="float--2^63"),
    pytest.param("study_goals", {"targetValue": float("inf")}, "targetValue", id="infinity"),
    pytest.param("study_goals", {"targetValue": float("-inf")}, "targetValue", id="-infinity"),
    pytest.param("study_goals", {"targetValue": float("nan")}, "targetValue", id="nan"),
    pytest.param(
        "workouts",
        {"exercises": [{**EXERCISE, "distance": float("inf")}]},
        "exercises[0].distance",
        id="infinity-in-object",
    ),
    pytest.param("analytics", {"metadata": {"x": [float("nan")]}}, "metadata", id="nan-in-json"),
    pytest.param("study_goals", {"targetValue": 2.0**63}, "targetValue", id="number-2^63"),
    pytest.param("analytics", {"metadata": {"x": -1e300}}, "metadata", id="number-json-big"),
    pytest.param("ai_conversations", {"context": {"x": float("inf")}}, "context", id="inf-json"),
    pytest.param("notes", {"title": "a\x00b"}, "title", id="nul"),
    pytest.param("notes", {"tags": ["ok", "a\x00"]}, "tags[1]", id="nul-in-list"),
    pytest.param(
        "workouts",
        {"exercises": [{**EXERCISE, "name": "Squat\x00"}]},
        "exercises[0].name",
        id="nul-in-object",
    ),
    pytest.param("analytics", {"metadata": {"k\x00": 1}}, "metadata", id="nul-in-json-key"),
    pytest.param("analytics", {"metadata": {"k": ["\x00"]}}, "metadata", id="nul-in-json"),
    pytest.param("flashcards", {"sourceNoteId": "\x00"}, "sourceNoteId", id="nul-in-id"),
]


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(("table", "changes", "field"), REFUSED)
async def test_a_value_storage_cannot_hold_is_refused_naming_the_field(
    api: Api, table: str, changes: dict[str, Any], field: str
) -> None:
    response = await _send(api, "POST", table, sample_body(table, **changes))
    assert response.status_code == 422, response.text
    assert field in _fields(response.json())
    if "\\x00" in repr(changes):
        assert "must not contain the NUL character" in response.json()["detail"]
    who = api.admin if table == "analytics" else api.a
    assert (await api.get(who, table, count="true")).json()["total"] == 0


@pytest.mark.parametrize(
    ("table", "changes", "field"), [p for p in REFUSED if p.values[0] != "analytics"]
)
async def test_an_update_to_a_value_storage_cannot_hold_changes_nothing(
    api: Api, table: str, changes: dict[str, Any], field: str
) -> None:
    stored = await api.create(api.a, table, sample_body(table))
    response = await _send(api, "PATCH", f"{table}/{stored['_id']}", changes)
    assert response.status_code == 422, response.text
    assert field in _fields(response.json())
    read = (await api.get(api.a, f"{table}/{stored['_id']}")).json()
    # A conversation's GET adds its latest messages (docs/ai.md): the row is what is compared.
    assert {k: v for k, v in read.items() if k not in ("messages", "messagesBefore")} == stored


async def test_a_document_id_with_a_nul_is_simply_not_found(api: Api) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        response = await _send(api, method, "notes/a%00b", {"title": "x"})
        assert response.status_code == 404, response.text


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
async def test_a_number_literal_that_is_not_finite_is_refused(api: Api, literal: str) -> None:
    content = json.dumps(sample_body("study_goals", targetValue="X")).replace('"X"', literal)
    response = await _send(api, "POST", "study_goals", content)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == {"targetValue"}


@pytest.mark.parametrize("depth", [DEEP, 300])
async def test_free_form_json_nested_too_deep_is_refused(api: Api, depth: int) -> None:
    response = await api.client.post(
        "/api/v1/analytics",
        json=sample_body("analytics", metadata=_nested(depth)),
        headers=api.a.headers,
    )
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == {"metadata"}


async def test_the_edges_of_what_storage_holds_read_back_equal(api: Api) -> None:
    metadata = {
        "deep": _nested(MAX_JSON_DEPTH - 1),
        "integers": [INT64_MIN, INT64_MAX, 0, -1],
        "numbers": [9.2e18, -9.2e18, -5e-324, 0.1, 1e-300],
        "text": "\u2028 \U0001f600 \x01",
    }
    event = await api.create(api.a, "analytics", sample_body("analytics", metadata=metadata))
    assert event["metadata"] == metadata
    fetched = (await api.get(api.admin, f"analytics/{event['_id']}")).json()
    assert fetched["metadata"] == metadata
    sessions = sample_body("study_sessions", notesCreated=INT64_MAX)
    session = await api.create(api.a, "study_sessions", sessions)
    assert session["notesCreated"] == INT64_MAX
    assert (await api.get(api.a, f"study_sessions/{session['_id']}")).json() == session


# -- every declaration uses the bounded types -----------------------------------------------


def _bad_value(kind: str | None) -> Any:
    return {"string": "x\x00", "integer": 2**63, "number": float("inf")}.get(kind or "")


def _embedded_cases(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """(field, bad value) for each text, integer and number field of an embedded model."""
    cases = []
    for name, schema in model.model_json_schema()["properties"].items():
        options = schema.get("anyOf", [schema])
        for option in options:
            kind = option.get("type")
            if kind == "array":
                kind = option.get("items", {}).get("type")
                bad = _bad_value(kind)
                if bad is not None and "enum" not in option.get("items", {}):
                    cases.append((name, [bad]))
            elif "enum" not in option and "format" not in option and _bad_value(kind) is not None:
                cases.append((name, _bad_value(kind)))
    return cases


def _declared_cases() -> list[Any]:
    cases = []
    for table in [*client_tables(), REGISTRY["analytics"]]:
        for column in table.writable_columns:
            bad: Any = None
            if column.kind == Kind.STRING and not column.choices:
                bad = "x\x00"
            elif column.kind in (Kind.INTEGER, Kind.NUMBER) and column.le is None:
                bad = 2**63 if column.kind == Kind.INTEGER else float("inf")
            elif column.kind == Kind.LIST and column.item in (Kind.STRING, Kind.INTEGER):
                bad = ["x\x00"] if column.item == Kind.STRING else [2**63]
            if bad is not None:
                name = f"{table.name}.{column.name}"
                cases.append(pytest.param(table, column.name, bad, id=name))
            if column.model is not None and column.kind in (Kind.OBJECTS, Kind.OBJECT):
                for field, value in _embedded_cases(column.model):
                    sample = sample_value(column)
                    item = sample[0] if column.kind == Kind.OBJECTS else sample
                    item = {**item, field: value}
                    wrapped = [item] if column.kind == Kind.OBJECTS else item
                    name = f"{table.name}.{column.name}.{field}"
                    cases.append(pytest.param(table, column.name, wrapped, id=name))
    return cases


@pytest.mark.parametrize(
    ("exercise", "field"),
    [({"sets": 1001}, "sets"), ({"reps": -1}, "reps"), ({"weight": 10_001.0}, "weight")],
)
async def test_an_embedded_object_keeps_its_own_ranges_inside_the_64_bit_one(
    api: Api, exercise: dict[str, Any], field: str
) -> None:
    body = sample_body("workouts", exercises=[{**EXERCISE, **exercise}])
    response = await _send(api, "POST", "workouts", body)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == {f"exercises[0].{field}"}


@pytest.mark.parametrize(("table", "name", "bad"), _declared_cases())
def test_every_declared_text_and_number_refuses_what_storage_cannot_hold(
    table: Table, name: str, bad: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        create_body(table.name).model_validate(sample_body(table, **{name: bad}))
    assert {error["loc"][0] for error in caught.value.errors()} == {name}


# -- half a surrogate pair: valid JSON, but no database can store it ---------------------------


@pytest.mark.parametrize(
    ("table", "changes", "field"),
    [
        ("analytics", {"metadata": {"k": "HALF"}}, "metadata.k"),
        ("analytics", {"metadata": {"k": ["a", "HALF"]}}, "metadata.k[1]"),
        ("analytics", {"event": "viHALFew"}, "event"),
        ("notes", {"tags": ["HALF"]}, "tags[0]"),
    ],
)
async def test_a_lone_surrogate_is_refused_naming_where_it_stands(
    api: Api, table: str, changes: dict[str, Any], field: str
) -> None:
    escaped = json.dumps(sample_body(table, **changes)).replace("HALF", "\\ud800")
    response = await _send(api, "POST", table, escaped)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == {field}
    reader = api.admin if table == "analytics" else api.a  # analytics are read by admins
    stored = await api.client.get(f"/api/v1/{table}", headers=reader.headers)
    assert stored.json()["items"] == []


async def test_a_whole_surrogate_pair_is_an_ordinary_character(api: Api) -> None:
    pair = json.dumps(sample_body("notes", title="PAIR")).replace("PAIR", "\\ud83d\\ude00")
    response = await _send(api, "POST", "notes", pair)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "\U0001f600"
