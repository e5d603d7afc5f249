"""The shipped Stoic corpus (docs/mind.md, "Stoic wisdom"): the quotes inside the package
(`mind/data/stoic_quotes.json`, cut and curated by `scripts/stoic_corpus.py` from public-domain
translations) and how they reach `stoic_quotes` on every install.

Migration 0025 loads them (`whitecell db upgrade`); `load_corpus` does the same through the
write path (the demo, the tests). Either adds only the quotes whose `corpusKey` the table lacks,
so running it again adds nothing and leaves everyone's saves alone. A quote already there
without a key (an administrator's, or one an older `whitecell demo` wrote) with the very same
text is adopted: it gets the key and keeps its saves. A release that appends quotes to the
corpus ships a migration that loads it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.crud import insert_server_rows, update_server_rows
from whitecell.core.tables import REGISTRY

if TYPE_CHECKING:
    from whitecell.core.transactions import Tx

CORPUS = "data/stoic_quotes.json"
# What the loader reads of the rows there: their id, text and key.
PRESENT = 'SELECT "_id", quote, "corpusKey" FROM stoic_quotes'


@cache
def shipped_quotes() -> tuple[dict[str, str], ...]:
    """Every quote of the package, in corpus order: `key`, `quote`, `author`, `source`,
    `theme`."""
    text = resources.files("whitecell.mind").joinpath(CORPUS).read_text(encoding="utf-8")
    quotes: list[dict[str, Any]] = json.loads(text)["quotes"]
    fields = ("key", "quote", "author", "source", "theme")
    return tuple({name: str(quote[name]) for name in fields} for quote in quotes)


@dataclass
class CorpusChanges:
    adopted: dict[str, str] = field(default_factory=dict)  # a row's id: the key it takes
    added: list[dict[str, str]] = field(default_factory=list)  # shipped quotes to insert


def corpus_changes(present: Iterable[tuple[str, str, str | None]]) -> CorpusChanges:
    """What loading the corpus changes, given the rows there (id, quote, corpusKey)."""
    rows = list(present)
    keys = {key for _, _, key in rows if key}
    unkeyed = {quote: quote_id for quote_id, quote, key in rows if not key}
    changes = CorpusChanges()
    for quote in shipped_quotes():
        if quote["key"] in keys:
            continue
        adopted = unkeyed.pop(quote["quote"], None)
        if adopted is not None:
            changes.adopted[adopted] = quote["key"]
        else:
            changes.added.append(quote)
    return changes


async def load_corpus(tx: Tx) -> int:
    """Add the shipped quotes `stoic_quotes` lacks, as the server (each with its change event);
    how many were added."""
    table = REGISTRY["stoic_quotes"]
    changes = corpus_changes(await tx.all(PRESENT))
    for quote_id, key in changes.adopted.items():
        await update_server_rows(tx, table, '"_id" = :id', {"id": quote_id}, {"corpusKey": key})
    now = isoformat_z(utcnow())
    rows = [
        {
            "quote": quote["quote"],
            "author": quote["author"],
            "source": quote["source"],
            "theme": quote["theme"],
            "corpusKey": quote["key"],
            "createdAt": now,
            "savedBy": [],
        }
        for quote in changes.added
    ]
    await insert_server_rows(tx, table, rows)
    return len(rows)
