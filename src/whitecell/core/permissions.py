"""Who is asking (`Caller`) and what a table's `access=` lets them do: which rows they may read,
and in which capacity they may write. The rules are declared on each table
(`whitecell.core.tables.Access`); this module only applies them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whitecell.core.errors import Forbidden, NotFound, Unauthorized
from whitecell.core.listing import Sql
from whitecell.core.tables import Table


@dataclass(frozen=True)
class Caller:
    """Who is asking: a signed-in user's document (or None) and the client address."""

    user: dict[str, Any] | None
    ip: str | None = None
    user_agent: str | None = None

    @property
    def id(self) -> str | None:
        return self.user["_id"] if self.user else None

    @property
    def is_admin(self) -> bool:
        return bool(self.user and self.user.get("role") == "admin")


def require_signed_in(caller: Caller) -> str:
    """The caller's user id, or 401."""
    if caller.id is None:
        raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
    return caller.id


def require_admin(caller: Caller) -> None:
    """401 for nobody, 403 for anyone but an administrator."""
    require_signed_in(caller)
    if not caller.is_admin:
        raise Forbidden("Only administrators may do this.")


def require_storable_id(table: Table, doc_id: str) -> None:
    """404 for an id no row can have."""
    # No id holds a NUL (ids are refused with one), and PostgreSQL cannot even compare one.
    if "\x00" in doc_id:
        raise NotFound(f"No such {table.name} document.")


def visibility(table: Table, caller: Caller, sql: Sql, *, scope: str | None = None) -> None:
    """Restrict `sql` to the rows `caller` may read (raises for tables it may not read at all)."""
    rule = table.access.read
    if rule == "admin":
        require_admin(caller)
    elif rule == "signed_in":
        require_signed_in(caller)
    elif (rule == "owner_or_public" and scope == "public") or (
        rule == "owner_or_public" and caller.id is None
    ):
        sql.add(f'"{table.name}"."{table.access.public_flag}" = :public', public=True)
    elif rule == "owner_or_public":
        sql.add(
            f'("{table.name}"."userId" = :me '
            f'OR "{table.name}"."{table.access.public_flag}" = :public)',
            me=caller.id,
            public=True,
        )
    else:  # owner
        sql.add(f'"{table.name}"."userId" = :me', me=require_signed_in(caller))


def may_write(table: Table, caller: Caller, action: str) -> str:
    """'owner', 'admin' or 'anyone': the capacity in which `caller` performs `action` ("create",
    "update", "delete"), or an error."""
    rule = getattr(table.access, action)
    if rule == "admin":
        require_admin(caller)
        return "admin"
    if rule == "anyone":
        return "anyone"
    if rule == "owner":
        require_signed_in(caller)
        return "owner"
    raise Forbidden(f"{table.name} cannot be changed through the API.")
