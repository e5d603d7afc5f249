"""SQL tables (DDL) derived from the declarations: types, NOT NULL, defaults, CHECKs, keys, indexes.

The migrations in `whitecell/migrations/versions` are the schema's history; this module is what the
newest revision must equal (a test compares them).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from whitecell.core.columns import ID_LENGTH
from whitecell.core.db import Base, UTCDateTime
from whitecell.core.tables import JSON_KINDS, Column, Kind, Table

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def _type(column: Column) -> sa.types.TypeEngine[Any]:
    match column.kind:
        case Kind.ID:
            return sa.String(ID_LENGTH)
        case Kind.STRING:
            if column.choices:
                return sa.String(max(len(c) for c in column.choices))
            return sa.String(column.max_length) if column.max_length else sa.Text()
        case Kind.INTEGER:
            return sa.BigInteger()
        case Kind.NUMBER:
            return sa.Float()
        case Kind.BOOLEAN:
            return sa.Boolean()
        case Kind.TIMESTAMP:
            return UTCDateTime()
        case Kind.DATE:
            return sa.Date()
        case Kind.TIME:
            return sa.String(5)
        case _:
            return JSON_TYPE


def _server_default(column: Column) -> sa.TextClause | str | None:
    value = column.default
    if not column.has_default or callable(value):
        return None
    if isinstance(value, bool):
        return sa.text("true" if value else "false")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and not value:
        return sa.text("'[]'")
    return None


def _checks(table: Table, column: Column) -> list[sa.CheckConstraint]:
    quoted = f'"{column.name}"'
    checks = []
    if column.choices:
        allowed = ", ".join(f"'{c}'" for c in column.choices)
        checks.append(sa.CheckConstraint(f"{quoted} IN ({allowed})", name=f"{column.name}_enum"))
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        if column.ge is not None and column.le is not None:
            rule = f"{quoted} BETWEEN {column.ge:g} AND {column.le:g}"
        elif column.ge is not None:
            rule = f"{quoted} >= {column.ge:g}"
        elif column.le is not None:
            rule = f"{quoted} <= {column.le:g}"
        else:
            rule = ""
        if rule:
            checks.append(sa.CheckConstraint(rule, name=f"{column.name}_range"))
    if column.kind == Kind.TIME:
        checks.append(
            sa.CheckConstraint(
                f"length({quoted}) = 5 AND substr({quoted}, 3, 1) = ':' "
                f"AND substr({quoted}, 1, 2) BETWEEN '00' AND '23' "
                f"AND substr({quoted}, 4, 2) BETWEEN '00' AND '59'",
                name=f"{column.name}_hhmm",
            )
        )
    if column.kind == Kind.STRING and column.max_length and not column.choices:
        checks.append(
            sa.CheckConstraint(
                f"length({quoted}) <= {column.max_length}", name=f"{column.name}_length"
            )
        )
    return checks


def build_table(table: Table, metadata: sa.MetaData) -> sa.Table:
    columns: list[sa.schema.SchemaItem] = []
    for column in table.columns.values():
        if column.name == "_id":
            columns.append(sa.Column("_id", sa.String(ID_LENGTH), primary_key=True))
            continue
        if column.name == "userId" and table.owned:
            columns.append(
                sa.Column(
                    "userId",
                    sa.String(ID_LENGTH),
                    sa.ForeignKey("users._id", ondelete="CASCADE"),
                    nullable=False,
                )
            )
            continue
        if column.ref == "users" and column.kind == Kind.ID:
            columns.append(
                sa.Column(
                    column.name,
                    sa.String(ID_LENGTH),
                    sa.ForeignKey("users._id", ondelete="CASCADE"),
                    nullable=not column.required,
                )
            )
            continue
        nullable = not column.required
        if column.kind in JSON_KINDS and column.has_default:
            nullable = False
        columns.append(
            sa.Column(
                column.name,
                _type(column),
                nullable=nullable,
                server_default=_server_default(column),
            )
        )
        columns.extend(_checks(table, column))
    for index in table.indexes:
        # `_id` last: lists order by (field, _id), so a keyset page is one index range read in
        # order, with no sort step even among equal values.
        keyed = index if "_id" in index else (*index, "_id")
        columns.append(sa.Index(f"ix_{table.name}_{'_'.join(index)}", *keyed))
    for unique in table.unique:
        columns.append(sa.UniqueConstraint(*unique, name=f"uq_{table.name}_{'_'.join(unique)}"))
    return sa.Table(table.name, metadata, *columns)


def build_all(tables: list[Table], metadata: sa.MetaData = Base.metadata) -> dict[str, sa.Table]:
    return {t.name: build_table(t, metadata) for t in tables if t.derive_schema}
