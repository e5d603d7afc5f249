"""Which events a subscription receives, decided in memory from the event's row and the
subscriber's identity: no database query per subscriber per event.

The rules are the REST API's (`whitecell.core.permissions.visibility` and the list filters): a
subscriber receives exactly the rows it could read and list with the same filters.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whitecell.core.listing import Filter, ListQuery
from whitecell.core.tables import Kind, Table

Document = dict[str, Any]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


@dataclass(frozen=True)
class Viewer:
    """Who is subscribed: the signed-in user's id, role and session."""

    user_id: str
    is_admin: bool
    session_id: str


def may_read(table: Table, viewer: Viewer, document: Document, *, public_only: bool) -> bool:
    """Whether `viewer` could read this row through the REST API."""
    rule = table.access.read
    if table.name == "users" and document.get("_id") == viewer.user_id:
        return True  # one's own account, as `GET /users/me` shows it
    if rule == "admin":
        return viewer.is_admin
    if rule == "signed_in":
        return True
    if rule == "owner_or_public":
        public = bool(document.get(table.access.public_flag or ""))
        return public if public_only else public or document.get("userId") == viewer.user_id
    if rule == "owner":
        if table.name == "users":
            return document.get("_id") == viewer.user_id or viewer.is_admin
        return document.get("userId") == viewer.user_id
    return False


def _matches_filter(table: Table, item: Filter, document: Document) -> bool:
    value = document.get(item.field)
    if table.columns[item.field].kind == Kind.LIST:
        return isinstance(value, list) and item.value in value
    if item.op == "in":
        return value in item.value
    if value is None:
        return item.op == "ne"  # SQL: NULL never compares; `ne` is the only lenient reading
    try:
        return _COMPARE[item.op](value, item.value)
    except TypeError:
        return False


@dataclass(frozen=True)
class Selector:
    """What one subscription watches: a table with list filters, or one document."""

    table: Table
    query: ListQuery
    document_id: str | None = None

    @property
    def public_only(self) -> bool:
        return self.query.scope == "public"

    def selects(self, viewer: Viewer, document: Document | None) -> bool:
        if document is None:
            return False
        if self.document_id is not None and document.get("_id") != self.document_id:
            return False
        if not may_read(self.table, viewer, document, public_only=self.public_only):
            return False
        return all(_matches_filter(self.table, f, document) for f in self.query.filters)

    def operation(
        self,
        viewer: Viewer,
        op: str,
        doc_id: str,
        document: Document | None,
        previous: Document | None,
    ) -> str | None:
        """The operation this subscriber sees, or None: an update that moves a row into the
        selection is an insert for it, one that moves it out is a delete."""
        now = self.selects(viewer, document)
        if op == "insert":
            return "insert" if now else None
        if previous is None:  # not recorded: what the row is now decides
            if op == "delete":
                return "delete" if self.document_id == doc_id else None
            return "update" if now else None
        before = self.selects(viewer, previous)
        if op == "delete":
            return "delete" if before else None
        if before and now:
            return "update"
        if now:
            return "insert"
        return "delete" if before else None
