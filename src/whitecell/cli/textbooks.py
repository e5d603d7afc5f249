"""`whitecell textbooks reindex`: the text of textbook PDFs stored before their passages were
kept (revision 0026), made searchable (docs/study.md, "Textbook text")."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from whitecell.core.config import Settings
from whitecell.server import run_with_context
from whitecell.study.textindex import reindex_textbooks


@click.group()
def textbooks() -> None:
    """Textbooks and the text of their PDFs."""


@textbooks.command("reindex")
@click.option(
    "--all", "everything", is_flag=True, help="Read every stored PDF again, not only unread ones."
)
@click.pass_obj
def reindex(settings: Settings, everything: bool) -> None:
    """Read the stored PDF of every textbook whose text was never read (`indexedPages` null)
    and keep its passages. Running it again reads nothing new; with --all every stored PDF is
    read again (after a change to how text is read). Prints what it did, as JSON."""

    done = run_with_context(
        settings, lambda context: reindex_textbooks(context, everything=everything)
    )
    click.echo(json.dumps(asdict(done)))
