"""The `whitecell demo` command (registered on the CLI group in `whitecell.cli.main`).

The CLI loads every table anyway (`whitecell.models`), so the demo's modules load with it.
"""

from __future__ import annotations

import click
from pydantic import EmailStr, TypeAdapter, ValidationError

from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.demo import DEFAULT_EMAIL, DEFAULT_PASSWORD
from whitecell.demo.account import NotADemoAccount
from whitecell.demo.service import DemoAccount, create_demo, summary
from whitecell.demo.writer import DemoDataRejected
from whitecell.server import run_with_context


@click.command("demo")
@click.option("--email", default=DEFAULT_EMAIL, show_default=True, help="The demo account.")
@click.option(
    "--weeks", type=click.IntRange(1, 12), default=4, show_default=True, help="Weeks of history."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--password", default=DEFAULT_PASSWORD, show_default=True, help="Its password (8+ chars)."
)
@click.pass_obj
def demo(settings: Settings, email: str, weeks: int, seed: int, password: str) -> None:
    """Create a demo account with WEEKS weeks of data in every module, and print how to sign in.

    Running it again replaces the demo account and its data (an address that belongs to an
    account the demo did not create is refused). Meant for development and trial servers:
    anyone who knows the password can sign in.
    """

    try:  # the address must be one the sign-in endpoints accept, or the printed lines fail
        TypeAdapter(EmailStr).validate_python(email)
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise click.BadParameter(message, param_hint="--email") from error
    if not 8 <= len(password) <= 128:
        raise click.BadParameter("must be 8 to 128 characters", param_hint="--password")

    async def work(context: AppContext) -> DemoAccount:
        return await create_demo(context, email=email, weeks=weeks, seed=seed, password=password)

    try:
        result = run_with_context(settings, work)
    except NotADemoAccount as error:
        raise click.ClickException(str(error)) from error
    except DemoDataRejected as error:
        raise click.ClickException(f"the API refused demo data (a bug): {error}") from error
    click.echo(summary(result, settings))
