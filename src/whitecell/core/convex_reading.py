"""Convex documents read back as White Cell rows: the inverse of `core/convex_format.py`,
checked against the table's declaration (docs/export.md, "Import").

- `_id` and every declared reference: the Convex id's 16-byte body is the White Cell id
  (`core/convex_ids.py` `whitecell_id`). For an id White Cell wrote, that is the id it had; for
  an id a real Convex deployment wrote, its 16 random bytes read as our 26 digits: the same
  mapping for a document's `_id` and for every reference to it, so references stay intact.
  A reference's table number must be the referenced table's in the snapshot's `_tables`.
- `_creationTime` (float ms) becomes the table's creation field (`createdAt`, ...) when the
  document has none, and its update field (`updatedAt`) too when that is missing.
- Timestamps: float milliseconds since the epoch become the API's ISO 8601 with `Z`.
- Numbers: an integer column, or a number inside a JSON field, written as `5.0` becomes `5`.
- A file field holding a `_storage` id becomes the server's URL for the row's file
  (`core/files.py` `file_url`); the caller stores the file under the row's key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from whitecell.core.bodies import value_type
from whitecell.core.clock import isoformat_z
from whitecell.core.convex_format import EPOCH, MILLISECOND
from whitecell.core.convex_ids import NotAnId, decode_convex_id, whitecell_id
from whitecell.core.jsonsize import size_capped
from whitecell.core.tables import JSON_KINDS, REGISTRY, Column, Kind, Table


class InvalidDocument(ValueError):
    """A document that does not fit its table: names the field and what is wrong."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"field {field_name}: {problem}")
        self.field_name = field_name


@dataclass(frozen=True)
class FileField:
    """A row's file, named in the snapshot by its `_storage` id: where it goes in our storage."""

    storage_id: str
    column: str
    variant: str  # "pdf", "image" or "thumbnail" (core/files.py VARIANTS)


@dataclass
class RowRead:
    """One document as a White Cell row (API values), and the files it keeps."""

    document: dict[str, Any]
    files: list[FileField] = field(default_factory=list)


def instant(value: Any) -> str:
    """Float milliseconds since the epoch as the API's timestamp (`2026-12-04T01:02:03.004Z`)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("a timestamp is written as milliseconds since 1970 (a number)")
    return isoformat_z(EPOCH + round(value) * MILLISECOND)


def integral(value: Any) -> Any:
    """A JSON value with every float that holds an integer made an int (`5.0` -> `5`): Convex
    writes every number as a float64, our integers (even inside objects) are strict."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, list):
        return [integral(item) for item in value]
    if isinstance(value, dict):
        return {key: integral(item) for key, item in value.items()}
    return value


@cache
def _adapter(table_name: str, column_name: str) -> TypeAdapter[Any]:
    column = REGISTRY[table_name].columns[column_name]
    return TypeAdapter(size_capped(column, value_type(column)))


class ConvexReader:
    """Reads one snapshot's documents back: built with the snapshot's table numbers."""

    def __init__(self, numbers: Mapping[str, int], storage_ids: set[str], base_url: str) -> None:
        self.numbers = numbers
        self.storage_ids = storage_ids
        self.base_url = base_url.rstrip("/")

    def our_id(self, table: str, convex_id: Any) -> str:
        """The White Cell id a Convex id of `table` carries."""
        if not isinstance(convex_id, str):
            raise ValueError(f"an id of {table} is a Convex id (text)")
        try:
            number, body = decode_convex_id(convex_id)
        except NotAnId as error:
            raise ValueError(str(error)) from None
        if number != self.numbers.get(table):
            raise ValueError(f"{convex_id!r} is not an id of table {table} (table number {number})")
        return whitecell_id(body)

    def row(self, table: Table, convex: Mapping[str, Any]) -> RowRead:
        """The row `convex` holds; InvalidDocument names the first field that does not fit."""
        try:
            doc_id = self.our_id(table.name, convex.get("_id"))
        except ValueError as error:
            raise InvalidDocument("_id", str(error)) from None
        read = RowRead({"_id": doc_id})
        for name, value in convex.items():
            if name.startswith("_"):
                continue  # `_creationTime` below; Convex's own fields (`_id`) above
            column = table.columns.get(name)
            if column is None:
                raise InvalidDocument(name, f"table {table.name} has no such field")
            try:
                read.document[name] = self._value(table, column, doc_id, value, read.files)
            except ValueError as error:
                raise InvalidDocument(name, str(error)) from None
        created = table.created_at
        if created and created not in read.document and "_creationTime" in convex:
            try:
                read.document[created] = instant(convex["_creationTime"])
            except ValueError as error:
                raise InvalidDocument("_creationTime", str(error)) from None
        updated = table.updated_at
        if updated and created and updated not in read.document and created in read.document:
            read.document[updated] = read.document[created]  # never changed since it was made
        self._check(table, read.document)
        return read

    def _value(
        self, table: Table, column: Column, doc_id: str, value: Any, files: list[FileField]
    ) -> Any:
        if value is None:
            return None
        upload = table.upload
        if upload is not None and isinstance(value, str) and value in self.storage_ids:
            variant = _variant(table, column.name)
            if variant is not None:
                files.append(FileField(value, column.name, variant))
                return f"{self.base_url}/api/v1/{table.name}/{doc_id}/{variant}"
        if column.ref is not None and column.kind == Kind.ID:
            return self.our_id(column.ref, value)
        if column.ref is not None and column.kind == Kind.LIST:
            if not isinstance(value, list):
                raise ValueError("a list of ids is an array")
            return [self.our_id(column.ref, item) for item in value]
        if column.kind == Kind.TIMESTAMP:
            return instant(value) if not isinstance(value, str) else value
        if column.kind == Kind.INTEGER or column.kind in JSON_KINDS:
            return integral(value)
        return value

    def _check(self, table: Table, document: dict[str, Any]) -> None:
        for column in table.columns.values():
            value = document.get(column.name)
            if value is None:
                if column.required and not column.has_default and column.name != "_id":
                    raise InvalidDocument(column.name, "required, and missing")
                continue
            if column.name == "_id" or (column.kind == Kind.ID and column.ref):
                continue  # decoded from a checked Convex id above
            try:
                _adapter(table.name, column.name).validate_python(value)
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                raise InvalidDocument(
                    column.name + (f".{where}" if where else ""), first["msg"]
                ) from None


def _variant(table: Table, column: str) -> str | None:
    """Which of the row's files the URL column `column` names, or None if it names none."""
    upload = table.upload
    assert upload is not None
    if column == upload.url:
        return "image" if upload.kind == "image" else "pdf"
    if column == upload.thumbnail:
        return "thumbnail"
    return None
