"""The `whitecell` command: serve, migrate, manage users, clean up."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

import click
import uvicorn
from sqlalchemy import create_engine, text

import whitecell.models  # noqa: F401  (declares every table: commands work on them)
from whitecell.auth.service import revoke_every_session, revoke_sessions
from whitecell.cleanup import cleanup as run_cleanup
from whitecell.cli.admin import admin
from whitecell.cli.backups import backup, restore
from whitecell.cli.chess_puzzles import import_lichess_puzzles
from whitecell.cli.convex_import import import_convex
from whitecell.cli.cube_imports import import_cstimer
from whitecell.cli.export import export
from whitecell.cli.store_check import check as check_store
from whitecell.cli.textbooks import textbooks
from whitecell.cli.workout_imports import import_hevy, import_strong
from whitecell.core import migrations
from whitecell.core.config import Settings, get_settings
from whitecell.core.context import AppContext
from whitecell.core.db import sync_url
from whitecell.core.errors import AppError
from whitecell.core.logging import configure_logging
from whitecell.core.permissions import Caller
from whitecell.core.restore import move_log_after_recovery
from whitecell.core.search import fts_table
from whitecell.core.tables import REGISTRY
from whitecell.demo.command import demo
from whitecell.fitness.openfoodfacts import ProductFileError
from whitecell.fitness.products import import_products
from whitecell.gamification.check import check
from whitecell.gamification.engine import retry_set_aside, set_aside
from whitecell.gamification.worker import Engine
from whitecell.server import run_with_context
from whitecell.study.decks import import_anki as run_import
from whitecell.users import service

if TYPE_CHECKING:
    from whitecell.core.consumers import DeadLetter
    from whitecell.gamification.check import Finding

T = TypeVar("T")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(click_context: click.Context) -> None:
    """White Cell: the open, self-hostable backend of the White Cell Protocol.

    Configuration comes from WHITECELL_* environment variables (see docs/operations.md).
    """
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    click_context.obj = settings


cli.add_command(admin)
cli.add_command(check_store)
cli.add_command(demo)
cli.add_command(textbooks)
cli.add_command(export)
cli.add_command(import_convex)
cli.add_command(backup)
cli.add_command(restore)


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default WHITECELL_HOST).")
@click.option("--port", type=int, default=None, help="Port (default WHITECELL_PORT).")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int) -> None:
    """Serve the HTTP API."""
    if workers > 1 and settings.resolved_database_url.startswith("sqlite"):
        # Each process would have a writer of its own and see only its own commits live.
        raise click.UsageError(
            "SQLite is served by one process: --workers needs PostgreSQL "
            "(docs/operations.md, 'PostgreSQL and several processes')"
        )
    uvicorn.run(
        "whitecell.app:create_app_from_environment",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=None,
        server_header=False,
    )


@cli.group()
def db() -> None:
    """Database migrations."""


@db.command()
@click.argument("revision", default="head")
@click.pass_obj
def upgrade(settings: Settings, revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""

    migrations.upgrade(settings.resolved_database_url, revision)
    click.echo(f"database at {revision}")


@db.command()
@click.argument("revision", default="-1")
@click.pass_obj
def downgrade(settings: Settings, revision: str) -> None:
    """Migrate the database down to REVISION (default: one step; `base` empties it)."""

    migrations.downgrade(settings.resolved_database_url, revision)
    click.echo(f"database at {revision}")


@db.command()
@click.pass_obj
def vacuum(settings: Settings) -> None:
    """Compact the database and refresh its statistics (and, on SQLite, its search indexes)."""

    engine = create_engine(sync_url(settings.resolved_database_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("VACUUM"))
            # VACUUM may renumber the rowids the FTS5 indexes point at: rebuild them after it.
            for table in REGISTRY.values():
                if table.search:
                    fts = fts_table(table)
                    connection.execute(text(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')'))
            connection.execute(text("PRAGMA optimize"))
        else:
            connection.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()
    click.echo("database compacted")


@db.command("after-recovery")
@click.pass_obj
def after_recovery(settings: Settings) -> None:
    """After a point-in-time recovery: move the change log past every sequence clients may hold
    (they resume with a fresh snapshot). Run it with the servers stopped."""

    horizon = move_log_after_recovery(settings)
    click.echo(f"change log moved: the next change is {horizon + 1}")


@db.command()
@click.pass_obj
def current(settings: Settings) -> None:
    """Print the database's revision and the head this build expects."""

    engine = create_engine(sync_url(settings.resolved_database_url))
    with engine.connect() as connection:
        now = migrations.current_revisions(connection)
    engine.dispose()
    head = migrations.head_revisions(settings.resolved_database_url)
    click.echo(f"current: {', '.join(sorted(now)) or '(empty)'}")
    click.echo(f"head:    {', '.join(sorted(head))}")
    if now != head:
        click.echo("migrations pending: run `whitecell db upgrade`", err=True)
        sys.exit(1)


@cli.group()
def users() -> None:
    """Manage accounts."""


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default=None)
@click.option("--username", default=None)
@click.pass_obj
def create_admin(settings: Settings, email: str, name: str | None, username: str | None) -> None:
    """Make EMAIL an administrator, creating the account if needed. It signs in by emailed code."""

    async def work(context: AppContext) -> str:
        async with context.store.write() as tx:
            user = await service.user_by_email(tx, email)
            if user is None:
                user = await service.create_user(
                    tx, email, name=name, username=username, role="admin"
                )
                return f"created admin {user['email']} (@{user['username']})"
            await service.set_fields(tx, user["_id"], {"role": "admin"})
            return f"promoted {user['email']} (@{user['username']}) to admin"

    click.echo(run_with_context(settings, work))


@users.command("revoke-sessions")
@click.argument("email", required=False)
@click.option("--everyone", is_flag=True, help="Sign out every user instead of one.")
@click.pass_obj
def revoke_all_sessions(settings: Settings, email: str | None, everyone: bool) -> None:
    """Sign EMAIL (or, with --everyone, every user) out of every device."""

    if bool(email) == everyone:
        raise click.UsageError("give an EMAIL or --everyone")

    async def work(context: AppContext) -> int:
        async with context.store.write() as tx:
            if everyone:
                return await revoke_every_session(tx)
            user = await service.user_by_email(tx, email or "")
            if user is None:
                raise click.ClickException(f"no account for {email}")
            return await revoke_sessions(tx, user["_id"])

    click.echo(f"revoked {run_with_context(settings, work)} sessions")


@users.command("ban")
@click.argument("email")
@click.option("--lift", is_flag=True, help="Lift the ban instead.")
@click.pass_obj
def ban(settings: Settings, email: str, lift: bool) -> None:
    """Ban EMAIL (every session is refused at once and revoked), or lift the ban."""

    async def work(context: AppContext) -> str:
        async with context.store.write() as tx:
            user = await service.user_by_email(tx, email)
            if user is None:
                raise click.ClickException(f"no account for {email}")
            await service.set_fields(tx, user["_id"], {"isBanned": not lift})
            if not lift:
                await revoke_sessions(tx, user["_id"])
            return f"{user['email']} is {'no longer ' if lift else ''}banned"

    click.echo(run_with_context(settings, work))


@cli.group("import")
def import_group() -> None:
    """Bring data from other apps into an account."""


@import_group.command("anki")
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The account that receives the cards.")
@click.pass_obj
def import_anki(settings: Settings, package: Path, email: str) -> None:
    """Import the Anki deck PACKAGE (.apkg) into the flashcards of --user."""

    async def work(context: AppContext) -> dict[str, object]:
        async with context.store.read() as tx:
            user = await service.user_by_email(tx, email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        try:
            return await run_import(
                context.store, settings, Caller(user, "cli", "whitecell import"), package
            )
        except AppError as error:
            raise click.ClickException(f"{package}: {error.detail}") from None

    summary = run_with_context(settings, work)
    summary.pop("seq", None)
    click.echo(json.dumps(summary))


import_group.add_command(import_strong)
import_group.add_command(import_hevy)
import_group.add_command(import_lichess_puzzles)
import_group.add_command(import_cstimer)


class _Progress:
    """A text file that reports how many characters were read (about its bytes, for a bar)."""

    def __init__(self, stream: IO[str], step: Callable[[int], None]) -> None:
        self._stream, self._step = stream, step

    def read(self, size: int = -1, /) -> str:
        chunk = self._stream.read(size)
        self._step(len(chunk))
        return chunk


@import_group.command("openfoodfacts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_openfoodfacts(settings: Settings, file: Path) -> None:
    """Fill the shared barcode cache from FILE: Open Food Facts v2 products, as JSON lines or
    one JSON array (docs/fitness.md, "Nutrition"). Running it again changes nothing."""

    size = file.stat().st_size

    async def work(context: AppContext) -> dict[str, int]:
        with (
            file.open(encoding="utf-8") as stream,
            click.progressbar(length=size, label="products", file=sys.stderr) as bar,
        ):
            try:
                return await import_products(context.store, _Progress(stream, bar.update))
            except (ProductFileError, UnicodeDecodeError) as error:
                raise click.ClickException(f"{file}: {error}") from None

    click.echo(json.dumps(run_with_context(settings, work)))


@cli.group()
def gamification() -> None:
    """XP, levels, streaks and badges."""


@gamification.command("run")
@click.pass_obj
def gamification_run(settings: Settings) -> None:
    """Score the change log in this process until stopped (Ctrl-C).

    For deployments that keep scoring out of the API processes: run one of these and set
    WHITECELL_GAMIFICATION_ENABLED=false on the API processes (docs/operations.md).
    """

    async def work(context: AppContext) -> None:
        context.service(Engine).start(force=True)
        click.echo("scoring the change log; Ctrl-C stops")
        try:
            await context.service(Engine).wait()
        finally:
            await context.service(Engine).stop()

    with contextlib.suppress(KeyboardInterrupt):
        run_with_context(settings, work)


@gamification.command("check")
@click.option("--dry-run", is_flag=True, help="Report what is wrong without repairing it.")
@click.pass_obj
def gamification_check(settings: Settings, dry_run: bool) -> None:
    """Check every account's totalXP, level and streak against its XP log, and repair them;
    list the change-log rows the engine could not score (set aside).

    Exits 1 if something was wrong and --dry-run left it so, or if rows are set aside
    (`whitecell gamification retry` scores them again).
    """

    async def work(context: AppContext) -> tuple[list[Finding], list[DeadLetter]]:
        return await check(context.store, repair=not dry_run), await set_aside(context.store)

    findings, letters = run_with_context(settings, work)
    for finding in findings:
        click.echo(("would repair " if dry_run else "repaired ") + str(finding))
    click.echo(f"{len(findings)} wrong value(s){' found' if dry_run else ' repaired'}")
    for letter in letters:
        click.echo(f"set aside: {letter}")
    if letters:
        click.echo(
            f"{len(letters)} change-log row(s) set aside, not scored: fix the cause, then "
            "`whitecell gamification retry --all`"
        )
    if (findings and dry_run) or letters:
        sys.exit(1)


@gamification.command("retry")
@click.option("--seq", type=int, default=None, help="Only the row set aside at this seq.")
@click.option("--all", "every", is_flag=True, help="Every row set aside.")
@click.pass_obj
def gamification_retry(settings: Settings, seq: int | None, every: bool) -> None:
    """Score again the change-log rows the engine set aside; those that pass are removed.

    Exits 1 if one still fails (it stays set aside, its attempt counted).
    """

    if (seq is not None) == every:
        raise click.UsageError("give --seq N or --all")
    results = run_with_context(settings, lambda context: retry_set_aside(context.store, seq=seq))
    if seq is not None and not results:
        raise click.ClickException(f"no row set aside at seq {seq}")
    for result in results:
        if result.error is None:
            click.echo(f"scored seq {result.letter.seq}, removed from the rows set aside")
        else:
            click.echo(f"still fails: seq {result.letter.seq}: {result.error}")
    failing = sum(1 for result in results if result.error is not None)
    click.echo(f"{len(results) - failing} scored, {failing} still set aside")
    if failing:
        sys.exit(1)


@cli.command()
@click.pass_obj
def cleanup(settings: Settings) -> None:
    """Delete expired sessions, one-time codes and rate-limit windows now."""

    click.echo(json.dumps(run_with_context(settings, run_cleanup)))
