"""How a table of the spec is declared: its columns, who may do what, its indexes and search.

Each domain declares its tables once (`study/tables.py`, ...) with these helpers; the database
schema, the request validation, the SQL, the documents the API returns and the routes are all
derived from that one declaration (`whitecell.core.resources`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import BaseModel

    from whitecell.core.transactions import Tx


class Kind(StrEnum):
    ID = "id"
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"  # an instant, ISO 8601 with a zone; stored in UTC
    DATE = "date"  # a calendar day, YYYY-MM-DD, in the user's own time zone
    TIME = "time"  # HH:MM
    LIST = "list"  # JSON array of scalars (`item` is their Kind)
    OBJECTS = "objects"  # JSON array of objects (`model` validates each)
    OBJECT = "object"  # JSON object (`model` validates it, or free-form when None)


JSON_KINDS = frozenset({Kind.LIST, Kind.OBJECTS, Kind.OBJECT})


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class Column:
    kind: Kind
    required: bool = True
    default: Any = NO_DEFAULT  # a value, or a callable(context) -> value
    server: bool = False  # owned by the server: a client that writes it gets a 422
    private: bool = False  # never leaves the server
    choices: tuple[str, ...] | None = None
    ge: float | None = None
    le: float | None = None
    max_length: int | None = None
    max_items: int = 1000
    ref: str | None = None  # referenced table, for ID and LIST-of-ID columns
    ref_scope: Literal["owner", "any"] = "owner"
    item: Kind | None = None
    model: type[BaseModel] | None = None
    link: bool = False  # a URL a client will open: only safe schemes (core/types.py safe_link)
    # JSON kinds: the most bytes the value may take as compact JSON (core/jsonsize.py), or None.
    max_bytes: int | None = None
    name: str = ""

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


# -- column helpers: the vocabulary of the table declarations --------------------------------


def string(*, required: bool = True, max_length: int | None = 200, **kw: Any) -> Column:
    return Column(Kind.STRING, required=required, max_length=max_length, **kw)


def text(*, required: bool = True, max_length: int = 100_000, **kw: Any) -> Column:
    return string(required=required, max_length=max_length, **kw)


def link(*, required: bool = True, **kw: Any) -> Column:
    """A URL to a file (a photo, a PDF): http(s), or a `data:` image or PDF; never `javascript:`."""
    return string(required=required, max_length=2048, link=True, **kw)


def choice(*values: str, required: bool = True, **kw: Any) -> Column:
    return Column(Kind.STRING, required=required, choices=values, **kw)


def integer(
    *, required: bool = True, ge: float | None = 0, le: float | None = None, **kw: Any
) -> Column:
    return Column(Kind.INTEGER, required=required, ge=ge, le=le, **kw)


def number(
    *, required: bool = True, ge: float | None = 0, le: float | None = None, **kw: Any
) -> Column:
    return Column(Kind.NUMBER, required=required, ge=ge, le=le, **kw)


def boolean(*, default: bool = False, **kw: Any) -> Column:
    return Column(Kind.BOOLEAN, default=default, **kw)


def timestamp(*, required: bool = True, **kw: Any) -> Column:
    return Column(Kind.TIMESTAMP, required=required, **kw)


def day(*, required: bool = True, **kw: Any) -> Column:
    return Column(Kind.DATE, required=required, **kw)


def clock_time(*, required: bool = True, **kw: Any) -> Column:
    return Column(Kind.TIME, required=required, **kw)


def reference(
    table: str, *, required: bool = False, scope: Literal["owner", "any"] = "owner", **kw: Any
) -> Column:
    return Column(Kind.ID, required=required, ref=table, ref_scope=scope, **kw)


def list_of(
    item: Kind,
    *,
    required: bool = False,
    ref: str | None = None,
    max_length: int | None = 200,
    **kw: Any,
) -> Column:
    default = kw.pop("default", [])
    return Column(
        Kind.LIST,
        required=required,
        item=item,
        ref=ref,
        max_length=max_length,
        default=default,
        **kw,
    )


def objects(model: type[BaseModel], *, required: bool = True, **kw: Any) -> Column:
    if not required:
        kw.setdefault("default", [])
    return Column(Kind.OBJECTS, required=required, model=model, **kw)


MIB = 1024 * 1024
# A free-form JSON object (context, metadata) holds a few keys, not a document of its own.
FREE_JSON_MAX_BYTES = 64 * 1024
# A book's annotations (textbooks, strategies): thousands of highlights, not millions.
ANNOTATIONS_MAX_BYTES = 4 * MIB
# Body limits (`Table.max_body_bytes`) of tables that hold more than the 1 MiB default: a text of
# 1,000,000 characters (notes, code) even written as `\uXXXX` escapes, and a book's annotations.
LONG_TEXT_BODY_BYTES = 8 * MIB
ANNOTATED_BODY_BYTES = ANNOTATIONS_MAX_BYTES + MIB


def json_object(
    model: type[BaseModel] | None = None, *, required: bool = False, **kw: Any
) -> Column:
    if model is None:
        kw.setdefault("max_bytes", FREE_JSON_MAX_BYTES)
    return Column(Kind.OBJECT, required=required, model=model, **kw)


# -- access ---------------------------------------------------------------------------------------

Reader = Literal["owner", "owner_or_public", "signed_in", "admin", "nobody"]
Writer = Literal["owner", "anyone", "admin", "nobody"]


@dataclass(frozen=True)
class Access:
    """Who may list/read, create, update and delete rows; "owner" means `userId` is the caller."""

    read: Reader = "owner"
    create: Writer = "owner"
    update: Writer = "owner"
    delete: Writer = "owner"
    public_flag: str | None = None  # with read="owner_or_public": the column that shares a row
    # Also feeds nothing anyone else sees: no XP rule, badge or leaderboard may count its rows,
    # and no export for anyone but the owner (their own: docs/export.md) or analytics event
    # carries them (docs/privacy.md; tests hold every rule and badge to it). "owner" already
    # keeps every other reader out, administrators included.
    private: bool = False


OWNED = Access()
# The most private rows (the recovery tracker): the owner's, and nobody else's in any way.
PRIVATE_OWNED = Access(private=True)
SERVER_WRITTEN = Access(create="nobody", update="nobody", delete="nobody")
ADMIN_ONLY = Access(read="admin", create="admin", update="admin", delete="admin")


# -- tables ---------------------------------------------------------------------------------------

ComputeHook = Callable[["ComputeContext"], Awaitable[None]]
# Runs in the transaction of a caller's delete (`crud.delete`), after the row is gone; it gets
# the row as it was (rows other rows are computed from: a recovery check-in's later streaks).
DeleteHook = Callable[["Tx", dict[str, Any]], Awaitable[None]]
# Runs in the transaction of a caller's create or update (`crud.create`, `crud.update`), once the
# row is stored; it gets the row as stored (rows computed from it: a fitness goal's progress).
WriteHook = Callable[["Tx", dict[str, Any]], Awaitable[None]]


@dataclass
class ComputeContext:
    """What a table's hook sees when it fills in server-owned fields before a write."""

    tx: Tx
    table: Table
    document: dict[str, Any]  # the row as it will be stored (API values), editable
    previous: dict[str, Any] | None  # the stored row, for updates
    caller: Any  # whitecell.core.permissions.Caller: the caller's user document and client
    sent: dict[str, Any] = field(default_factory=dict)  # the fields the client itself sent


@dataclass(frozen=True)
class Derived:
    """What rows derive from their uploaded file, beside the file itself (a textbook's text
    passages, study/textindex.py). `read(path)` runs in a worker thread on the checked file, once
    the client's fields are valid and before the row's transaction, and returns the server-owned
    fields it sets on the row and what `keep` writes; `keep(tx, row, read)` writes that in the
    row's transaction, once the row is stored with its new file (an upload, a replaced file)."""

    read: Callable[[Path], tuple[dict[str, Any], Any]]
    keep: Callable[[Tx, dict[str, Any], Any], Awaitable[None]]


@dataclass(frozen=True)
class Upload:
    """Rows that may carry an uploaded file, served to the owner (core/uploads.py): a PDF at
    `/api/v1/{table}/{id}/pdf`, or an image at `.../{id}/image` and its thumbnail at
    `.../{id}/thumbnail` (an image table has `width`, `height` and `contentType` columns, which
    the server fills from the image)."""

    url: str  # the column that holds the file's URL
    pages: str | None = None  # the column the PDF's own page count fills
    kind: Literal["pdf", "image"] = "pdf"
    thumbnail: str | None = None  # an image's: the column that holds the thumbnail's URL
    derived: Derived | None = None  # what the rows derive from the file, or None

    @property
    def variants(self) -> tuple[str, ...]:
        """The files a row keeps, each named as its key's suffix and its URL's last segment."""
        return ("image", "thumbnail") if self.kind == "image" else ("pdf",)


@dataclass
class Table:
    name: str
    module: str
    columns: dict[str, Column]
    access: Access = OWNED
    owned: bool = True  # has a userId (FK to users, ON DELETE CASCADE)
    indexes: list[tuple[str, ...]] = field(default_factory=list)
    unique: list[tuple[str, ...]] = field(default_factory=list)
    search: tuple[str, ...] = ()
    extra_filters: tuple[str, ...] = ()  # unindexed fields that may still be filtered (lists)
    order: str = "-_id"  # default list order
    # A boolean column whose true rows lead every ordered list (pinned notes), or None.
    pinned: str | None = None
    # Fields whose list order follows another column of the same kind: `order=time` on
    # cube_times sorts by the server's `sortTime`, which puts a DNF after every finished time.
    sort_keys: dict[str, str] = field(default_factory=dict)
    # Filters a list applies unless the query filters that field itself (archived notes hidden).
    default_filters: dict[str, Any] = field(default_factory=dict)
    upload: Upload | None = None
    # False: the table's domain serves `GET /{id}` itself (a conversation with its messages).
    generated_read: bool = True
    # The largest request body its routes read, for a table whose documents legitimately exceed
    # `WHITECELL_BODY_LIMIT_KB` (long notes, code); None for that default (core/bodylimits.py).
    max_body_bytes: int | None = None
    compute: ComputeHook | None = None
    on_delete: DeleteHook | None = None
    after_write: WriteHook | None = None
    # Shapes a stored document for one caller (e.g. hides other users' ids), or None.
    present: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None
    created_at: str | None = None  # set on insert
    updated_at: str | None = None  # set on every write
    description: str = ""
    # False for tables whose schema predates the declarations (users, sessions, otp_tokens).
    derive_schema: bool = True
    # False for a derived index the server keeps from another table's rows (`workout_exercises`):
    # its writes record no change event; the source row's event announces them (docs/realtime.md).
    events: bool = True

    def __post_init__(self) -> None:
        named = {"_id": Column(Kind.ID, server=True, name="_id")}
        if self.owned:
            named["userId"] = Column(Kind.ID, server=True, ref="users", name="userId")
        for name, column in self.columns.items():
            if name in (self.created_at, self.updated_at):
                column = replace(column, server=True)
            named[name] = replace(column, name=name)
        self.columns = named

    @property
    def public_columns(self) -> list[Column]:
        return [c for c in self.columns.values() if not c.private]

    @property
    def writable_columns(self) -> list[Column]:
        return [c for c in self.columns.values() if not c.server and not c.private]

    @property
    def server_owned(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.server and not c.private]

    @property
    def filterable(self) -> set[str]:
        """Columns a list may filter on: those the table's indexes cover."""
        names = {name for index in self.indexes for name in index} | {"_id", *self.extra_filters}
        if self.access.public_flag:
            names.add(self.access.public_flag)
        return names - {"userId"}

    @property
    def sortable(self) -> set[str]:
        """Indexed columns that are never null (keyset pagination needs a total order)."""
        return {
            name
            for name in self.filterable
            if self.columns[name].required and self.columns[name].kind not in JSON_KINDS
        }


REGISTRY: dict[str, Table] = {}


def register(*tables: Table) -> None:
    for table in tables:
        if table.name in REGISTRY:
            raise ValueError(f"table {table.name} declared twice")
        REGISTRY[table.name] = table
