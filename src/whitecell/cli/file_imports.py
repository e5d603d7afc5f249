"""What `whitecell import strong|hevy|cstimer FILE --user EMAIL` share: the account found by its
email, the import run as that account with a progress bar on stderr, its 4xx shown as the
command's error, and its summary printed as JSON."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.server import run_with_context
from whitecell.users import service

# (store, settings, caller, file, progress=) -> the import's summary: the API's own import.
Importer = Callable[..., Awaitable[dict[str, Any]]]


def run_file_import(settings: Settings, path: Path, email: str, importer: Importer) -> None:
    """Run `importer` on `path` for the account `email` and print its summary."""

    async def work(context: AppContext) -> dict[str, Any]:
        async with context.store.read() as tx:
            user = await service.user_by_email(tx, email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        with contextlib.ExitStack() as stack:
            bars: list[Any] = []

            def progress(done: int, total: int) -> None:
                if not bars:
                    bar = click.progressbar(
                        length=total, label=f"Importing {path.name}", file=sys.stderr
                    )
                    bars.append(stack.enter_context(bar))
                bars[0].update(1)

            try:
                return await importer(
                    context.store,
                    settings,
                    Caller(user, "cli", "whitecell import"),
                    path,
                    progress=progress,
                )
            except AppError as error:
                raise click.ClickException(f"{path}: {error.detail}") from None

    summary = run_with_context(settings, work)
    summary.pop("seq", None)
    click.echo(json.dumps(summary))
