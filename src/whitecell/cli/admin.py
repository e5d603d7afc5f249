"""`whitecell admin`: an operator's administration from the shell (docs/operations.md, "Admin
commands"): roles, subscriptions, bans, feature flags, and reading the audit log.

Every write goes through the code path of the API's administrator writes (`administer_user`, the
one behind `PATCH /api/v1/users/{id}`; `crud.create`/`crud.update` on `feature_flags`), so it is
validated, announced on the change log and written to `admin_logs` with its before/after values,
exactly as a write through the API. The acting administrator is named with `--as` and must hold
the role `admin`; the audit row's `ipAddress` is "cli".
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import click

from whitecell.auth.service import administer_user
from whitecell.core import crud
from whitecell.core.clock import isoformat_z
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx
from whitecell.server import run_with_context
from whitecell.system.tables import ADMIN_LOGS, FEATURE_FLAGS
from whitecell.users import service

T = TypeVar("T")
ROLES = ("admin", "creator", "user")
PLANS = ("free", "basic", "premium")
CLI_ADDRESS = "cli"  # admin_logs.ipAddress of a write made from the shell


def _acting_as(function: Callable[..., None]) -> Callable[..., None]:
    """The `--as ADMIN_EMAIL` every write command takes."""
    return click.option(
        "--as",
        "acting",
        required=True,
        metavar="ADMIN_EMAIL",
        help="The administrator on whose behalf the change is made (audited).",
    )(function)


def _run(settings: Settings, acting: str, work: Callable[[Tx, Caller], Awaitable[T]]) -> T:
    """Run `work(tx, caller)` in one write transaction as the administrator `acting`; refused
    (exit 1, nothing written) unless that account exists and has the role admin."""

    async def unit(context: AppContext) -> T:
        async with context.store.write() as tx:
            admin = await service.user_by_email(tx, acting)
            if admin is None:
                raise click.ClickException(f"no account for {acting} (--as)")
            if admin["role"] != "admin":
                raise click.ClickException(
                    f"{admin['email']} is not an administrator: admin commands are refused "
                    "for non-admins"
                )
            try:
                return await work(tx, Caller(admin, CLI_ADDRESS, "whitecell admin"))
            except AppError as error:
                fields = "; ".join(f"{e.field} {e.message}" for e in error.errors)
                detail = f"{error.detail}{': ' + fields if fields else ''}"
                raise click.ClickException(detail) from None

    return run_with_context(settings, unit)


async def _user(tx: Tx, email: str) -> dict[str, Any]:
    user = await service.user_by_email(tx, email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def subscription_end(value: str) -> str:
    """`--until`: an ISO 8601 timestamp with a zone, or a day (YYYY-MM-DD), which means the end
    of that day in UTC; as the API stores it."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is not None:
        return isoformat_z(datetime.combine(day, time(23, 59, 59, 999_000), UTC))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give YYYY-MM-DD or an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise click.BadParameter("a timestamp needs a time zone (Z or +hh:mm)")
    return isoformat_z(moment)


@click.group()
def admin() -> None:
    """Administer accounts and feature flags; read the audit log. Writes are audited."""


async def _administer(
    tx: Tx, caller: Caller, email: str, changes: dict[str, Any], reason: str | None
) -> dict[str, Any]:
    user = await _user(tx, email)
    return await administer_user(tx, caller, user["_id"], changes, reason=reason)


@admin.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--reason", default=None, help="Why (kept in the audit log).")
@_acting_as
@click.pass_obj
def set_role(settings: Settings, email: str, role: str, reason: str | None, acting: str) -> None:
    """Give EMAIL the role ROLE."""

    async def work(tx: Tx, caller: Caller) -> dict[str, Any]:
        return await _administer(tx, caller, email, {"role": role}, reason)

    user = _run(settings, acting, work)
    click.echo(f"{user['email']} is now {user['role']}")


@admin.command("subscription")
@click.argument("email")
@click.argument("plan", type=click.Choice(PLANS))
@click.option("--until", default=None, help="End: YYYY-MM-DD (end of day, UTC) or a timestamp.")
@click.option("--reason", default=None, help="Why (kept in the audit log).")
@_acting_as
@click.pass_obj
def set_subscription(
    settings: Settings, email: str, plan: str, until: str | None, reason: str | None, acting: str
) -> None:
    """Put EMAIL on PLAN; without --until the plan has no end (subscriptionExpiry is cleared)."""
    expiry = subscription_end(until) if until else None

    async def work(tx: Tx, caller: Caller) -> dict[str, Any]:
        changes = {"subscription": plan, "subscriptionExpiry": expiry}
        return await _administer(tx, caller, email, changes, reason)

    user = _run(settings, acting, work)
    end = user["subscriptionExpiry"]
    click.echo(f"{user['email']} is on {user['subscription']}{f' until {end}' if end else ''}")


@admin.command("ban")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@_acting_as
@click.pass_obj
def ban(settings: Settings, email: str, reason: str, acting: str) -> None:
    """Ban EMAIL: every session ends at once and signing in is refused."""

    async def work(tx: Tx, caller: Caller) -> dict[str, Any]:
        return await _administer(tx, caller, email, {"isBanned": True}, reason)

    click.echo(f"{_run(settings, acting, work)['email']} is banned")


@admin.command("unban")
@click.argument("email")
@click.option("--reason", default=None, help="Why (kept in the audit log).")
@_acting_as
@click.pass_obj
def unban(settings: Settings, email: str, reason: str | None, acting: str) -> None:
    """Lift the ban on EMAIL."""

    async def work(tx: Tx, caller: Caller) -> dict[str, Any]:
        return await _administer(tx, caller, email, {"isBanned": False}, reason)

    click.echo(f"{_run(settings, acting, work)['email']} is no longer banned")


@admin.command("flag")
@click.argument("name")
@click.option("--on/--off", "enabled", default=None, help="Switch the flag on or off.")
@click.option("--rollout", type=click.IntRange(0, 100), default=None, help="Percent of users.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="Target role.")
@click.option("--user", "emails", multiple=True, help="Target account by email (repeatable).")
@click.option("--description", default=None)
@_acting_as
@click.pass_obj
def flag(
    settings: Settings,
    name: str,
    enabled: bool | None,
    rollout: int | None,
    roles: tuple[str, ...],
    emails: tuple[str, ...],
    description: str | None,
    acting: str,
) -> None:
    """Create the feature flag NAME or change it: only the options given change (a new flag is
    off unless --on). --role and --user replace the flag's targets."""

    async def work(tx: Tx, caller: Caller) -> dict[str, Any]:
        changes: dict[str, Any] = {"isEnabled": enabled, "rolloutPercentage": rollout}
        changes["description"] = description
        if roles:
            changes["targetRoles"] = list(roles)
        if emails:
            changes["targetUsers"] = [(await _user(tx, email))["_id"] for email in emails]
        changes = {key: value for key, value in changes.items() if value is not None}
        existing = await crud.select_documents(
            tx, FEATURE_FLAGS.name, "name = :name", {"name": name}
        )
        if not existing:
            body = {"isEnabled": False, **changes, "name": name}
            return await crud.create(tx, FEATURE_FLAGS, caller, body)
        return await crud.update(tx, FEATURE_FLAGS, caller, existing[0]["_id"], changes)

    stored = _run(settings, acting, work)
    click.echo(
        f"flag {stored['name']}: {'on' if stored['isEnabled'] else 'off'}, "
        f"rollout {stored['rolloutPercentage']}%, roles {stored['targetRoles'] or '-'}, "
        f"{len(stored['targetUsers'])} user(s)"
    )


@admin.command("log")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--target", "email", default=None, help="Only the entries about this account.")
@click.pass_obj
def log(settings: Settings, limit: int, email: str | None) -> None:
    """Print the audit log, newest first: one JSON object a line (who, what, before/after)."""

    async def work(context: AppContext) -> list[dict[str, Any]]:
        async with context.store.read() as tx:
            where, params = "1 = 1", {}
            if email is not None:
                where, params = '"targetId" = :target', {"target": (await _user(tx, email))["_id"]}
            entries = await crud.select_documents(
                tx, ADMIN_LOGS.name, where, params, f'ORDER BY "timestamp" DESC LIMIT {limit}'
            )
            # The administrator's email reads better than an id (None once the account is gone).
            for entry in entries:
                actor = await service.user_by(tx, "_id", entry["adminId"])
                entry["adminEmail"] = actor["email"] if actor else None
            return entries

    for entry in run_with_context(settings, work):
        click.echo(json.dumps(entry, ensure_ascii=False))
