"""Bad input is a 4xx problem document naming the field, one test per kind of rule, and nothing
is stored half-way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.samples import sample_body
from tests.support import Api

# (table, body changes, the field the problem names), one per kind of rule.
REJECTED = [
    pytest.param("flashcards", {"difficulty": 6}, "difficulty", id="range-above"),
    pytest.param("daily_tasks", {"priority": 0}, "priority", id="range-below"),
    pytest.param("ai_context_memory", {"confidence": 1.5}, "confidence", id="fraction"),
    pytest.param("workouts", {"type": "yoga-ish"}, "type", id="enum"),
    pytest.param("daily_tasks", {"dueTime": "25:00"}, "dueTime", id="clock-time"),
    pytest.param(
        "daily_tasks", {"dueTime": "\u0660\u0667:\u0663\u0660"}, "dueTime", id="clock-digits"
    ),
    pytest.param(
        "daily_tasks", {"date": "\u0662\u0660\u0662\u0666-01-01"}, "date", id="day-digits"
    ),
    pytest.param("daily_tasks", {"date": "2026-02-30"}, "date", id="calendar-day"),
    pytest.param("cube_times", {"date": "yesterday"}, "date", id="timestamp"),
    pytest.param("cube_times", {"date": "2026-11-20T10:00:00"}, "date", id="timestamp-no-zone"),
    pytest.param("notes", {"title": ""}, "title", id="empty-required-text"),
    pytest.param("notes", {"title": "x" * 301}, "title", id="too-long"),
    pytest.param("notes", {"tags": "study"}, "tags", id="list-expected"),
    pytest.param("notes", {"isPinned": "yes"}, "isPinned", id="boolean-strict"),
    pytest.param("workouts", {"duration": "45"}, "duration", id="number-strict"),
    pytest.param(
        "workouts",
        {"exercises": [{"name": "Squat", "sets": 3, "reps": 5, "tempo": "slow"}]},
        "exercises[0].tempo",
        id="unknown-key-in-object",
    ),
    pytest.param(
        "workouts",
        {"exercises": [{"name": "Squat", "sets": "three", "reps": 5}]},
        "exercises[0].sets",
        id="wrong-type-in-object",
    ),
    pytest.param(
        "workouts",
        {"exercises": [{"name": "Squat", "sets": 3, "reps": 5, "rpe": 11.0}]},
        "exercises[0].rpe",
        id="range-in-object",
    ),
    pytest.param(
        "progress_photos", {"imageUrl": "javascript:alert(1)"}, "imageUrl", id="unsafe-link"
    ),
    pytest.param(
        "textbooks", {"pdfUrl": "data:text/html,<script>x</script>"}, "pdfUrl", id="unsafe-data"
    ),
    # What the schema states, counted as sent: trimming must not let 51 characters through 50.
    pytest.param("notes", {"title": " " + "x" * 300}, "title", id="too-long-before-trimming"),
    pytest.param("notes", {"tags": ["x" * 50 + " "]}, "tags[0]", id="item-too-long-untrimmed"),
    pytest.param(
        "meals",
        {
            "foods": [
                {
                    "name": "Oats",
                    "quantity": 1,
                    "unit": "bowl",
                    "calories": 1e19,
                    "protein": 1,
                    "carbs": 1,
                    "fat": 1,
                }
            ]
        },
        "foods[0].calories",
        id="portion-past-any-real-food",
    ),
    pytest.param("notes", {"colour": "red"}, "colour", id="unknown-field"),
    pytest.param("notes", {"wordCount": 3}, "wordCount", id="server-computed"),
    pytest.param("flashcards", {"easeFactor": 2.0}, "easeFactor", id="scheduler-state"),
    pytest.param("notes", {"userId": "someone"}, "userId", id="owner"),
    pytest.param("notes", {"_id": "mine"}, "_id", id="id"),
    pytest.param("notes", {"createdAt": "2026-01-01T00:00:00Z"}, "createdAt", id="created-at"),
    pytest.param("meals", {"totalCalories": 100.0}, "totalCalories", id="total"),
    pytest.param("flashcards", {"sourceNoteId": "no-such-note"}, "sourceNoteId", id="reference"),
    pytest.param("notes", {"linkedNotes": ["no-such-note"]}, "linkedNotes", id="reference-list"),
]


def _field_named(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem["errors"]}


@pytest.mark.parametrize(("table", "changes", "field"), REJECTED)
async def test_create_is_refused_naming_the_field(
    api: Api, table: str, changes: dict[str, Any], field: str
) -> None:
    response = await api.client.post(
        f"/api/v1/{table}", json=sample_body(table, **changes), headers=api.a.headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["instance"] == f"/api/v1/{table}"
    assert field in _field_named(problem), problem
    assert field in problem["detail"]
    listed = (await api.get(api.a, table, count="true")).json()
    assert listed["total"] == 0, "nothing may be stored"


@pytest.mark.parametrize(("table", "changes", "field"), REJECTED)
async def test_update_is_refused_and_changes_nothing(
    api: Api, table: str, changes: dict[str, Any], field: str
) -> None:
    stored = await api.create(api.a, table, sample_body(table))
    response = await api.client.patch(
        f"/api/v1/{table}/{stored['_id']}",
        json={"title": "half-way?", **changes} if "title" in stored else changes,
        headers=api.a.headers,
    )
    assert response.status_code == 422, response.text
    assert field in _field_named(response.json())
    assert (await api.get(api.a, f"{table}/{stored['_id']}")).json() == stored


async def test_every_problem_is_reported_at_once(api: Api) -> None:
    body = sample_body("daily_tasks", priority=9, dueTime="7pm")
    del body["title"]
    response = await api.client.post("/api/v1/daily_tasks", json=body, headers=api.a.headers)
    assert response.status_code == 422
    assert _field_named(response.json()) >= {"priority", "dueTime", "title"}


async def test_required_fields_cannot_be_nulled(api: Api) -> None:
    note = await api.create(api.a, "notes", sample_body("notes"))
    response = await api.client.patch(
        f"/api/v1/notes/{note['_id']}", json={"title": None}, headers=api.a.headers
    )
    assert response.status_code == 422
    assert _field_named(response.json()) == {"title"}


async def test_a_reference_to_another_user_s_row_is_refused(api: Api) -> None:
    bobs_note = await api.create(api.b, "notes", sample_body("notes"))
    response = await api.client.post(
        "/api/v1/flashcards",
        json=sample_body("flashcards", sourceNoteId=bobs_note["_id"]),
        headers=api.a.headers,
    )
    assert response.status_code == 422
    assert _field_named(response.json()) == {"sourceNoteId"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"colour": "red"}, "colour"),
        ({"content": "x"}, "content"),  # a real field, but not indexed
        ({"order": "content"}, "order"),
        ({"order": "-nothing"}, "order"),
        ({"subject[near]": "x"}, "subject[near]"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"isArchived": "maybe"}, "isArchived"),
        ({"createdAt[gte]": "last week"}, "createdAt[gte]"),
        ({"count": "perhaps"}, "count"),
    ],
)
async def test_bad_list_queries_are_400_naming_the_parameter(
    api: Api, query: dict[str, str], parameter: str
) -> None:
    response = await api.get(api.a, "notes", **query)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert parameter in _field_named(response.json())


async def test_search_is_400_where_a_table_has_none(api: Api) -> None:
    response = await api.get(api.a, "workouts", search="squat")
    assert response.status_code == 400
    assert _field_named(response.json()) == {"search"}


async def test_a_taken_unique_value_is_a_409_naming_the_field(api: Api) -> None:
    first = await api.create(api.admin, "feature_flags", sample_body("feature_flags", name="a"))
    await api.create(api.admin, "feature_flags", sample_body("feature_flags", name="b"))
    again = await api.client.post(
        "/api/v1/feature_flags",
        json=sample_body("feature_flags", name="a"),
        headers=api.admin.headers,
    )
    renamed = await api.client.patch(
        f"/api/v1/feature_flags/{first['_id']}", json={"name": "b"}, headers=api.admin.headers
    )
    for response in (again, renamed):
        assert response.status_code == 409, response.text
        assert _field_named(response.json()) == {"name"}
    assert (await api.get(api.admin, "feature_flags", count="true")).json()["total"] == 2
