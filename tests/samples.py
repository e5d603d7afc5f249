"""Valid documents for any declared table, derived from its declaration (so new tables are
covered by the generated tests without writing a fixture for each)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from whitecell.core.clock import isoformat_z
from whitecell.core.tables import REGISTRY, Column, Kind, Table

SAMPLE_TIME = "2026-11-20T10:00:00.000Z"
SAMPLE_DAY = "2026-11-20"


def _from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """One valid value for a JSON schema as pydantic writes them for our embedded objects."""
    if "$ref" in schema:
        return _from_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _from_schema(options[0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        return {name: _from_schema(sub, defs) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_from_schema(schema.get("items", {"type": "string"}), defs)]
    if kind == "string":
        if schema.get("format") == "date-time":
            return SAMPLE_TIME
        if schema.get("format") == "date":
            return SAMPLE_DAY
        return "sample"[: schema.get("maxLength", 6)].ljust(schema.get("minLength", 1), "x")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = max(low, min(schema.get("maximum", 3), 3))
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    return {}


def sample_value(column: Column) -> Any:
    """A valid value of `column` (references are left to the caller: an empty list or None)."""
    if column.choices:
        return column.choices[0]
    match column.kind:
        case Kind.ID:
            return None
        case Kind.STRING if column.link:
            return "https://files.example.com/sample.pdf"
        case Kind.STRING:
            return "Sample " + column.name if (column.max_length or 99) >= 30 else "s"
        case Kind.INTEGER | Kind.NUMBER:
            low = column.ge if column.ge is not None else 0
            if column.kind == Kind.NUMBER and column.le is not None and column.le - low <= 2:
                return (low + column.le) / 2
            value = max(low, 2) if column.le is None else min(max(low, 2), column.le)
            return int(value) if column.kind == Kind.INTEGER else float(value) + 0.5
        case Kind.BOOLEAN:
            return True
        case Kind.TIMESTAMP:
            return SAMPLE_TIME
        case Kind.DATE:
            return SAMPLE_DAY
        case Kind.TIME:
            return "07:30"
        case Kind.LIST:
            if column.ref:
                return []
            return {Kind.STRING: ["alpha"], Kind.INTEGER: [1], Kind.NUMBER: [1.5]}.get(
                column.item,
                [],  # type: ignore[arg-type]
            )
        case Kind.OBJECTS | Kind.OBJECT:
            if column.model is None:
                return {"source": "test"}
            schema = column.model.model_json_schema()
            value = _from_schema(schema, schema.get("$defs", {}))
            return [value] if column.kind == Kind.OBJECTS else value
    raise AssertionError(column.kind)


def sample_body(table: Table | str, **overrides: Any) -> dict[str, Any]:
    """Every field a client may write, with a valid value (references omitted)."""
    table = REGISTRY[table] if isinstance(table, str) else table
    body: dict[str, Any] = {}
    for column in table.writable_columns:
        value = sample_value(column)
        if value is not None:
            body[column.name] = value
    body.update(FIXED.get(table.name, {}))
    body.update(_distinct_days(table))
    if table.name == "personal_records":
        body["value"] = float(100 + next(_HEAVIER))
    body.update(overrides)
    return body


_EARLIER = itertools.count()
_HEAVIER = itertools.count()


def _distinct_days(table: Table) -> dict[str, str]:
    """A day of its own for each sample of a table with one row per day and user (pmo_tracker):
    a day earlier than the last one each time, so samples never collide."""
    days = {
        name
        for fields in table.unique
        for name in fields
        if table.columns[name].kind == Kind.DATE and not table.columns[name].server
    }
    if not days:
        return {}
    day = date.fromisoformat(SAMPLE_DAY) - timedelta(days=next(_EARLIER))
    return dict.fromkeys(days, day.isoformat())


# Values the generic ones cannot satisfy: rules that relate one field to another.
FIXED: dict[str, dict[str, Any]] = {
    "textbooks": {"pages": 300},
    "feature_flags": {"targetRoles": ["creator"]},  # a real role: others are refused
    # An event's own time is kept within the last week (system/analytics.py).
    "analytics": {"timestamp": isoformat_z(datetime.now(UTC) - timedelta(hours=1))},
    "study_goals": {"currentValue": 0.0},  # reaching the target would complete the goal
    "notes": {"isArchived": False},  # archived notes leave the default list
    # A performed workout (a template earns nothing) without sets, so it derives no rows (sets,
    # exercises, records: tests/fitness); a manual record of a weight in kg (each sample heavier
    # than the last: a record must beat the best before it).
    "workouts": {"isTemplate": False, "exercises": []},
    "personal_records": {"unit": "kg", "recordType": "weight"},
    # Server-written rows derived from workouts, as the isolation tests insert them.
    "exercises": {"name": "Squat", "key": "back squat", "usageCount": 1, "lastUsed": SAMPLE_DAY},
    "workout_exercises": {
        "workoutId": "01m8xwvangrxyq9wc1h2zwx9h4",
        "exerciseKey": "back squat",
        "exercise": "Squat",
        "date": SAMPLE_DAY,
        "exerciseIndex": 0,
        "source": "workout",
        "sets": [{"type": "normal", "reps": 5, "weight": 100.0, "unit": "kg", "weightKg": 100.0}],
        "workingSets": 1,
        "topWeightKg": 100.0,
        "topReps": 5,
    },
    # A passage of a textbook's PDF, as the server writes it (docs/study.md, "Textbook text").
    "textbook_passages": {
        "textbookId": "01m8xwvangrxyq9wc1h2zwx9h4",
        "page": 1,
        "position": 0,
        "text": "The mitochondrion is the powerhouse of the cell.",
    },
    # A DNF takes no +2 (docs/mind.md, "Cubing"): a finished solve with a +2.
    "cube_times": {"dnf": False},
    # A theme and a language of the lists (docs/mind.md); a drill as the server writes it.
    "stoic_quotes": {"theme": "virtue"},
    "code_projects": {"language": "python"},
    "memory_drills": {
        "palaceId": "01m8xwvangrxyq9wc1h2zwx9h4",
        "palaceName": "Home",
        "status": "finished",
        "locationIds": ["loc1"],
        "itemsTotal": 2,
    },
    # Platforms are the spec's list (docs/creator.md).
    "content_items": {"platform": ["youtube"]},
    "content_templates": {"platforms": ["youtube"]},
    # A streak last active long ago reads as broken (0): keep the sample alive.
    "streaks": {"lastActiveDate": datetime.now(UTC).date().isoformat()},
    # Weekday codes (MO..SU), for a weekly rule only; starting far ahead, it makes no daily_tasks
    # (tests counting rows per table expect one row of each).
    "task_recurrences": {
        "frequency": "weekly",
        "weekdays": ["MO", "TH"],
        "startDate": "2099-01-05",
        "endDate": None,
    },
}


def client_tables() -> list[Table]:
    """Tables a signed-in user creates rows in through the generic API."""
    return [t for t in REGISTRY.values() if t.access.create == "owner" and t.derive_schema]


def editable_column(table: Table) -> Column:
    """A plain field to change: free text if the table has some, else a number."""
    for kinds in ((Kind.STRING,), (Kind.INTEGER, Kind.NUMBER), (Kind.TIME, Kind.DATE)):
        for column in table.writable_columns:
            plain = not column.choices and not column.link and (column.max_length or 99) >= 30
            if column.kind in kinds and plain:
                return column
    raise AssertionError(f"{table.name} has no plain field")


# Text columns whose value is one of a list (docs/mind.md): another value of the list.
OTHER_LISTED = {"language": "rust", "theme": "anger"}


def other_value(column: Column, value: Any) -> Any:
    if column.name in OTHER_LISTED:
        return OTHER_LISTED[column.name]
    if column.choices:
        return column.choices[1]
    if column.kind == Kind.BOOLEAN:
        return not value
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        bump = 1 if column.le is None or value + 1 <= column.le else -1
        return value + (bump if column.kind == Kind.INTEGER else bump * 0.25)
    if column.kind == Kind.DATE:
        return "2026-11-21"
    if column.kind == Kind.TIMESTAMP:
        return "2026-11-21T10:00:00.000Z"
    if column.kind == Kind.TIME:
        return "08:15"
    return f"other {value}"
