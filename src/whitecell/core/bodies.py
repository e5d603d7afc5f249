"""Request bodies derived from the declarations: strict types, ranges, enums, server fields."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    create_model,
)
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError

from whitecell.core.jsonsize import size_capped
from whitecell.core.schemas import ServerOwned, WriteModel
from whitecell.core.tables import REGISTRY, Column, Kind, Table
from whitecell.core.types import (
    ClockTime,
    Day,
    Int64,
    JsonObject,
    Number,
    Text,
    Timestamp,
    safe_link,
)

_SCALARS: dict[Kind, Any] = {
    Kind.ID: Annotated[Text, Field(min_length=1, max_length=64)],
    Kind.STRING: Text,
    Kind.INTEGER: Int64,
    Kind.NUMBER: Number,
    Kind.BOOLEAN: StrictBool,
    Kind.TIMESTAMP: Timestamp,
    Kind.DATE: Day,
    Kind.TIME: ClockTime,
}


class StrictObject(BaseModel):
    """Base of embedded objects (an exercise, a food, a message): unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Annotation(StrictObject):
    """A highlight or note on a page: embedded by study's textbooks and mind's strategies."""

    pageNumber: Int64 = Field(ge=1)
    text: Text = Field(max_length=10_000)
    type: Literal["highlight", "note"]
    color: Text | None = Field(None, max_length=32)
    createdAt: Timestamp


def _raw_length_at_most(limit: int | None) -> Any:
    # Bodies trim text (WriteModel), and Pydantic trims before it counts: a 51-character value
    # with a leading blank would pass `maxLength: 50`. Counted here as sent, as the schema says.
    def check(value: Any) -> Any:
        if limit is not None and isinstance(value, str) and len(value) > limit:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters",
                {"max_length": limit},
            )
        return value

    return BeforeValidator(check)


def value_type(column: Column) -> Any:
    """The Python type (with constraints) that validates one value of `column`."""
    if column.choices:
        return Literal[column.choices]
    match column.kind:
        case Kind.STRING:
            # Required text is not empty, unless its default is (a reply not written yet).
            minimum = 1 if column.required and column.default != "" else 0
            text = Annotated[
                Text,
                Field(min_length=minimum, max_length=column.max_length),
                _raw_length_at_most(column.max_length),
            ]
            return Annotated[text, AfterValidator(safe_link)] if column.link else text
        case Kind.INTEGER | Kind.NUMBER:
            return Annotated[_SCALARS[column.kind], Field(ge=column.ge, le=column.le)]
        case Kind.LIST:
            assert column.item is not None
            item = _SCALARS[column.item]
            if column.item == Kind.STRING:
                limit = column.max_length
                item = Annotated[Text, Field(max_length=limit), _raw_length_at_most(limit)]
            return Annotated[list[item], Field(max_length=column.max_items)]  # type: ignore[valid-type]
        case Kind.OBJECTS:
            assert column.model is not None
            return Annotated[list[column.model], Field(max_length=column.max_items)]  # type: ignore[name-defined]
        case Kind.OBJECT:
            return column.model or JsonObject
        case _:
            return _SCALARS[column.kind]


def _field(
    name: str, annotation: Any, default: Any, *, not_null: bool = False
) -> tuple[str, tuple[Any, Any]]:
    extra = _not_null if not_null else None
    if name.startswith("_"):
        return name.lstrip("_") + "_", (
            annotation,
            Field(default, alias=name, json_schema_extra=extra),
        )
    return name, (annotation, Field(default, json_schema_extra=extra) if extra else default)


def _not_null(schema: JsonDict) -> None:
    """The document's schema of a required field in an update: it may be left out, never null.

    The field validates as `T | None` (None when left out) and a null sent is refused by
    `refuse_nulls` with a 422 naming it; the schema states that rule instead of the
    `anyOf [T, null]` it would otherwise show (issue 10: the document states the constraints
    the validator applies)."""
    branches = schema.pop("anyOf", None)
    if isinstance(branches, list):
        kept = [branch for branch in branches if branch != {"type": "null"}]
        if len(kept) == 1 and isinstance(kept[0], dict):
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept


def _build(table: Table, *, for_update: bool) -> type[WriteModel]:
    fields: dict[str, Any] = {}
    for column in table.columns.values():
        if column.private:
            continue
        if column.server:
            key, spec = _field(column.name, ServerOwned, None)
        elif for_update or not column.required or column.has_default:
            annotation = size_capped(column, value_type(column)) | None
            key, spec = _field(
                column.name, annotation, None, not_null=for_update and column.required
            )
        else:
            key, spec = _field(column.name, size_capped(column, value_type(column)), ...)
        fields[key] = spec
    suffix = "Update" if for_update else "Create"
    name = "".join(part.capitalize() for part in table.name.split("_")) + suffix
    return create_model(name, __base__=WriteModel, **fields)


@cache
def create_body(table_name: str) -> type[WriteModel]:
    return _build(REGISTRY[table_name], for_update=False)


@cache
def update_body(table_name: str) -> type[WriteModel]:
    return _build(REGISTRY[table_name], for_update=True)


def document_model(table: Table) -> type[BaseModel]:
    """The response shape, for the OpenAPI document (responses are not re-validated)."""
    fields: dict[str, Any] = {}
    for column in table.public_columns:
        annotation = value_type(column) if column.kind != Kind.TIMESTAMP else str
        if column.kind == Kind.DATE:
            annotation = str
        if not column.required and column.kind not in (Kind.LIST, Kind.OBJECTS):
            annotation = annotation | None
        key, spec = _field(column.name, annotation, ...)
        fields[key] = spec
    name = "".join(part.capitalize() for part in table.name.split("_")) + "Document"
    return create_model(name, __config__=ConfigDict(populate_by_name=True), **fields)
