"""Links between notes: `[[Title]]` in a note's content keeps its `linkedNotes` current.

- `[[Title]]`, `[[Title|shown text]]` and `[[Title#Heading]]` link to the user's note with that
  title (case-insensitive; the oldest if several share it). A link to no note yet is kept in the
  text and resolves when a note with that title appears (or is renamed to it).
- `linkedNotes` = the ids a client set itself + the ids the content links to. Links the content
  made are removed with the text; ones the client set stay until the client removes them.
"""

from __future__ import annotations

import re
from typing import Any

from whitecell.core.crud import update_server_row
from whitecell.core.documents import codec
from whitecell.core.tables import Table
from whitecell.core.transactions import Tx

WIKILINK = re.compile(r"\[\[([^\[\]|#\n]+)(?:#[^\[\]|\n]*)?(?:\|[^\[\]\n]*)?\]\]")
MAX_LINKS = 200


def linked_titles(content: str) -> list[str]:
    """The titles `content` links to, in order, each once (compared case-insensitively)."""
    seen: dict[str, str] = {}
    for match in WIKILINK.finditer(content or ""):
        title = match.group(1).strip()
        if title and title.casefold() not in seen:
            seen[title.casefold()] = title
    return list(seen.values())[:MAX_LINKS]


async def resolve(tx: Tx, user_id: str, titles: list[str], *, exclude: str) -> list[str]:
    """The ids of the user's notes with these titles, in the order of `titles`."""
    if not titles:
        return []
    names = {f"t{i}": title.casefold() for i, title in enumerate(titles)}
    rows = await tx.all(
        'SELECT "_id", lower(title) FROM notes WHERE "userId" = :me AND "_id" <> :self '
        f"AND lower(title) IN ({', '.join(':' + n for n in names)}) "
        'ORDER BY "createdAt", "_id"',
        {"me": user_id, "self": exclude, **names},
    )
    first: dict[str, str] = {}
    for doc_id, title in rows:
        first.setdefault(title, doc_id)
    # SQLite's lower() folds ASCII only; Python's casefold() is the reference for the rest.
    return [first[t.casefold()] for t in titles if t.casefold() in first]


async def links_after_write(
    tx: Tx, note: dict[str, Any], previous: dict[str, Any] | None, sent: list[str] | None
) -> list[str]:
    """The note's `linkedNotes` after this write. `sent`: what the client set, if it did."""
    user, self_id = note["userId"], note["_id"]
    automatic = await resolve(tx, user, linked_titles(note["content"]), exclude=self_id)
    if sent is not None:
        manual = sent
    elif previous is not None:
        before = await resolve(tx, user, linked_titles(previous["content"]), exclude=self_id)
        manual = [i for i in previous["linkedNotes"] if i not in before]
    else:
        manual = []
    return list(dict.fromkeys([*manual, *automatic]))[:MAX_LINKS]


async def relink_others(
    tx: Tx, notes: Table, note: dict[str, Any], previous: dict[str, Any] | None
) -> None:
    """After a note is created or renamed: notes whose `[[...]]` now names it link to it, and
    notes that linked to it only through its old title stop (`notes`: the table)."""
    if previous is not None and previous["title"] == note["title"]:
        return
    c = codec("notes", tx.dialect.name)
    title = note["title"].casefold()
    old = previous["title"].casefold() if previous else None
    rows = await tx.all(
        f'SELECT {c.select_list} FROM notes WHERE "userId" = :me AND "_id" <> :self '
        "AND content LIKE :pattern",
        {"me": note["userId"], "self": note["_id"], "pattern": "%[[%"},
    )
    for row in rows:
        other = c.document(row)
        titles = {t.casefold() for t in linked_titles(other["content"])}
        links = list(other["linkedNotes"])
        if title in titles and note["_id"] not in links:
            links.append(note["_id"])
        elif old in titles and title not in titles and note["_id"] in links:
            links.remove(note["_id"])
        else:
            continue
        await update_server_row(tx, notes, other, {"linkedNotes": links})
