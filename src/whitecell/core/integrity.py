"""What a written row must hold beyond each field's own type: its required fields, references to
rows its writer may point at (`reference(...)` columns), and unique values nobody else holds (the
database's refusal turned into a 409 naming the fields). docs/api.md says it to clients."""

from __future__ import annotations

from typing import Any

from whitecell.core.errors import Conflict, FieldError, ValidationFailed
from whitecell.core.permissions import Caller
from whitecell.core.tables import REGISTRY, Kind, Table
from whitecell.core.transactions import Tx


async def check_references(
    tx: Tx, table: Table, caller: Caller, document: dict[str, Any], names: list[str]
) -> None:
    """422 naming every field among `names` that refers to a row that does not exist (or, for
    an owner-scoped reference, is not the writer's)."""
    errors = []
    for name in names:
        column = table.columns[name]
        if not column.ref or name == "userId" or document.get(name) in (None, []):
            continue
        wanted = document[name] if column.kind == Kind.LIST else [document[name]]
        wanted = list(dict.fromkeys(wanted))
        target = REGISTRY[column.ref]
        placeholders = ", ".join(f":r{i}" for i in range(len(wanted)))
        params: dict[str, Any] = {f"r{i}": v for i, v in enumerate(wanted)}
        owner = ""
        if column.ref_scope == "owner" and target.owned:
            owner = ' AND "userId" = :owner'
            params["owner"] = document.get("userId") or caller.id
        found = await tx.all(
            f'SELECT "_id" FROM "{target.name}" WHERE "_id" IN ({placeholders}){owner}', params
        )
        if len(found) != len(wanted):
            missing = sorted(set(wanted) - {row[0] for row in found})
            errors.append(
                FieldError(
                    name, f"refers to no {target.name} document of yours: {', '.join(missing)}"
                )
            )
    if errors:
        raise ValidationFailed("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def conflict(table: Table, error: Exception) -> Exception:
    """A unique constraint the database enforced, as a 409 naming its fields (any other
    integrity error as it was)."""
    message = str(error)
    for fields in table.unique:
        constraint = f"uq_{table.name}_{'_'.join(fields)}"
        if constraint in message or all(f"{table.name}.{f}" in message for f in fields):
            shown = [f for f in fields if f != "userId"]
            return Conflict(
                f"{', '.join(shown)}: already taken",
                errors=[FieldError(f, "is already taken") for f in shown],
            )
    return error


def require_complete(table: Table, document: dict[str, Any]) -> None:
    """422 naming every required field a new row would lack."""
    missing = [
        c.name
        for c in table.columns.values()
        if c.required and document.get(c.name) is None and not c.private and c.name != "userId"
    ]
    if missing:
        raise ValidationFailed(
            "; ".join(f"{m}: is required" for m in missing),
            errors=[FieldError(m, "is required") for m in missing],
        )


def refuse_nulls(table: Table, changes: dict[str, Any]) -> None:
    """422 naming every required field an update would set to null."""
    nulled = [n for n, v in changes.items() if v is None and table.columns[n].required]
    if nulled:
        raise ValidationFailed(
            "; ".join(f"{n}: cannot be null" for n in nulled),
            errors=[FieldError(n, "cannot be null") for n in nulled],
        )
