"""A person's own export (the right of access): all their rows and files, in Convex's snapshot
layout (`core/snapshot.py`), from `GET /api/v1/users/me/export` or `whitecell export --user`.

Which rows are a person's is read from the declarations, so a new table is exported without a
line here (docs/export.md lists what is and is not, and why):
- their account (`users`, without `passwordHash`: a private column never leaves the server);
- every row of every table they own (`userId`), server-written ones included (XP, badges,
  sessions without their token, the coach's messages) and the recovery tracker: it is theirs;
- rows of shared tables that name them in a reference to `users` (analytics events they sent,
  Stoic quotes they saved): every reference to a person is cut down to them alone, so nobody
  else's id travels with the row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.responses import StreamingResponse

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.context import AppContext
from whitecell.core.dialect import Dialect
from whitecell.core.files import content_disposition
from whitecell.core.ratelimit import Rule, counter_key, enforce
from whitecell.core.snapshot import Selection, Snapshot, gather, naming_param, rows_naming
from whitecell.core.tables import REGISTRY, Column, Kind, Table
from whitecell.system.tables import ADMIN_LOGS, FEATURE_FLAGS

router = APIRouter(prefix="/api/v1/users", tags=["users"])

# Tables about a person that are still left out, with the reason docs/export.md gives.
LEFT_OUT = {
    FEATURE_FLAGS.name: "the operator's rollout settings: a flag's `targetUsers` decides what "
    "the server shows, it is nothing the person made or did",
    ADMIN_LOGS.name: "the operator's audit trail: each entry names the administrator who acted "
    "and their address; the operator answers what was done to an account from it",
    "otp_tokens": "one-time sign-in codes: secrets (hashed), found by address, gone within minutes",
}


def person_selections(dialect: Dialect, user_id: str) -> list[Selection]:
    """The rows of every table that are the person `user_id`'s, as `Selection`s."""
    selections = []
    for table in REGISTRY.values():
        if table.name in LEFT_OUT:
            continue
        shape = _only(user_id, _person_columns(table))
        if table.name == "users":
            selections.append(Selection(table, '"_id" = :me', {"me": user_id}, shape))
        elif table.owned:
            selections.append(Selection(table, '"userId" = :me', {"me": user_id}, shape))
        elif columns := _person_columns(table):
            names = [column.name for column in columns]
            where = " OR ".join(
                rows_naming(dialect, table, name, f"me{n}") for n, name in enumerate(names)
            )
            params = {
                f"me{n}": naming_param(dialect, table, name, user_id)
                for n, name in enumerate(names)
            }
            selections.append(Selection(table, f"({where})", params, shape))
    return selections


def _person_columns(table: Table) -> list[Column]:
    return [c for c in table.columns.values() if c.ref == "users"]


def _only(user_id: str, columns: list[Column]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A row with every reference to a person cut down to `user_id`: a list keeps only them,
    a single reference to someone else is emptied."""

    def shape(document: dict[str, Any]) -> dict[str, Any]:
        shaped = dict(document)
        for column in columns:
            value = shaped.get(column.name)
            if column.kind == Kind.LIST:
                shaped[column.name] = [user_id] if user_id in (value or []) else []
            elif value is not None and value != user_id:
                shaped[column.name] = None
        return shaped

    return shape


# Tables the operator's whole export (`whitecell export --all`) leaves out, and why
# (docs/export.md). Secrets first: their rows are nothing without them.
LEFT_OUT_OF_DEPLOYMENT = {
    "sessions": "sign-ins: a session is its secret token; everyone signs in again after a move",
    "otp_tokens": "one-time sign-in codes: secrets (hashed), gone within minutes",
    "chess_puzzle_catalogue": "the Lichess puzzle catalogue: its ids are Lichess's, which a "
    "Convex id cannot carry; import it again (`whitecell import lichess-puzzles`)",
    "food_products": "the Open Food Facts catalogue: its ids are barcodes, which a Convex id "
    "cannot carry; import it again (`whitecell import openfoodfacts`)",
}
# The one secret column of the tables it holds: a password's hash (people set a new one).
SECRET_COLUMNS = {("users", "passwordHash")}


def deployment_selections() -> list[Selection]:
    """Every row of every declared table but those of `LEFT_OUT_OF_DEPLOYMENT`, with their
    private columns but the secrets (a puzzle's solution is needed to play it after a move)."""
    return [
        Selection(
            table,
            "1 = 1",
            private=tuple(
                column.name
                for column in table.columns.values()
                if column.private and (name, column.name) not in SECRET_COLUMNS
            ),
        )
        for name, table in sorted(REGISTRY.items())
        if name not in LEFT_OUT_OF_DEPLOYMENT
    ]


async def deployment_export(ctx: AppContext) -> Snapshot:
    """The whole deployment's rows and files, gathered and ready to stream."""
    return await gather(ctx.store, ctx.storage, deployment_selections())


async def personal_export(ctx: AppContext, user_id: str) -> Snapshot:
    """The person's rows and files, gathered and ready to stream (`Snapshot.chunks`)."""
    return await gather(ctx.store, ctx.storage, person_selections(ctx.store.dialect, user_id))


@router.get(
    "/me/export",
    summary="Download all my data and files (a Convex snapshot ZIP)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}, 429: {}},
)
async def export_mine(caller: SignedIn, ctx: Context) -> StreamingResponse:
    """Every row of yours in every table, your account without its secrets, the shared rows
    that name you (saved quotes) and your uploaded files, as `snapshot_<ns>.zip` in Convex's
    snapshot layout (docs/export.md). Streamed as it is written; an export is heavy, so a few
    an hour (`WHITECELL_RATE_EXPORT_USER`), then 429 with `Retry-After`."""
    key = counter_key(ctx.settings.secret, "export:user", str(caller.id))
    await enforce(ctx.limiter, Rule(key, *ctx.settings.rate_export_user))
    snapshot = await personal_export(ctx, str(caller.id))
    return StreamingResponse(
        snapshot.chunks(),
        media_type="application/zip",
        headers={
            "Content-Disposition": content_disposition("attachment", snapshot.filename),
            "Cache-Control": "no-store",
        },
    )


def exported_tables() -> str:
    """The Markdown table of docs/export.md: which rows of which table an export holds (a test
    keeps the page equal to it)."""
    owned = [t.name for t in REGISTRY.values() if t.owned and t.name not in LEFT_OUT]
    naming = [
        f"`{t.name}` ({', '.join(f'`{c.name}`' for c in _person_columns(t))})"
        for t in REGISTRY.values()
        if not t.owned and t.name != "users" and t.name not in LEFT_OUT and _person_columns(t)
    ]
    nobody = [
        t.name
        for t in REGISTRY.values()
        if not t.owned and t.name != "users" and t.name not in LEFT_OUT and not _person_columns(t)
    ]
    private = [
        f"`{t.name}.{c.name}`"
        for t in REGISTRY.values()
        if t.name not in LEFT_OUT
        for c in t.columns.values()
        if c.private and (t.owned or t.name == "users")
    ]
    rows = [
        ("their account", "`users`"),
        ("every row whose `userId` is theirs", ", ".join(f"`{n}`" for n in sorted(owned))),
        ("rows naming them, every reference to a person cut down to them", ", ".join(naming)),
        ("none: shared catalogues that name no one", ", ".join(f"`{n}`" for n in nobody)),
        *((f"none: {why}", f"`{name}`") for name, why in LEFT_OUT.items()),
        ("never, in any row: private columns", ", ".join(private)),
    ]
    lines = ["| rows exported | tables |", "|---|---|"]
    return "\n".join(lines + [f"| {what} | {tables} |" for what, tables in rows])
