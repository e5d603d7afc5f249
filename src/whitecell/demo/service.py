"""`whitecell demo`: a demo account with a few weeks of believable data in every module."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import whitecell.models  # noqa: F401  (the table registry: crud and codecs need every table)
from whitecell.core import security
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.permissions import Caller
from whitecell.core.tables import REGISTRY
from whitecell.demo import (
    DEFAULT_EMAIL,
    DEFAULT_PASSWORD,
    account,
    ai,
    creator,
    discipline,
    fitness,
    gamification,
    mind,
    study,
    study_books,
)
from whitecell.demo.writer import Document, Timeline, Writer, rng_for
from whitecell.domains import DOMAINS

Builder = Callable[[Writer, Timeline, Any], Awaitable[None]]

# One write transaction per module: short write locks on SQLite (a running server keeps
# answering), and a body the API would refuse stops the run naming its module.
MODULES: tuple[tuple[str, Builder], ...] = (
    ("study", study.build),
    ("fitness", fitness.build),
    ("mind", mind.build),
    ("discipline", discipline.build),
    ("creator", creator.build),
    ("ai", ai.build),
)


@dataclass(frozen=True)
class DemoAccount:
    user: dict[str, Any]
    password: str
    token: str
    expires_at: str
    counts: dict[str, int]  # rows per table written for the demo user
    quotes_added: int  # to the shared stoic_quotes corpus (0 when it already had them)
    quotes_saved: int


async def create_demo(
    ctx: AppContext,
    *,
    email: str = DEFAULT_EMAIL,
    weeks: int = 4,
    seed: int = 1,
    password: str = DEFAULT_PASSWORD,
) -> DemoAccount:
    """Replace the demo account at `email` with a fresh one and `weeks` weeks of its data.

    The same seed on the same day gives the same data; the dates always end today in the demo
    user's time zone.
    """
    timeline = Timeline.ending_now(account.TIMEZONE, weeks)
    password_hash = await security.hash_password(password)
    async with ctx.store.write() as tx:
        user = await account.replace_account(tx, email, password_hash)
    caller = Caller(user, account.CLIENT.ip, account.CLIENT.user_agent)
    counts: Counter[str] = Counter()
    made: dict[str, dict[str, Document]] = {}
    for module, build in MODULES:
        async with ctx.store.write() as tx:
            writer = Writer(tx, caller)
            await build(writer, timeline, rng_for(seed, module))
        counts.update(writer.counts)
        made.update(writer.made)
    # The books' PDFs, stored as an upload stores them, with their searchable text.
    counts.update(await study_books.store_book_pdfs(ctx, caller, made.get("textbooks", {})))
    async with ctx.store.write() as tx:
        writer = Writer(tx, caller)
        await gamification.build(writer, timeline, made)
        counts.update(writer.counts)
        login = await account.open_session(ctx, tx, user)
    quotes_added = counts.pop("stoic_quotes", 0)
    quotes_saved = counts.pop("stoic_quotes.savedBy", 0)
    return DemoAccount(
        user=login.user,
        password=password,
        token=login.token,
        expires_at=login.session["expiresAt"],
        counts=dict(sorted(counts.items())),
        quotes_added=quotes_added,
        quotes_saved=quotes_saved,
    )


def demo_tables() -> list[str]:
    """The tables a demo account fills: every user-owned table its owner reads, except
    sessions (a derived table no route shows, `cube_stats`, fills as the demo is read)."""
    return sorted(
        name
        for name, table in REGISTRY.items()
        if table.owned and table.module != "auth" and table.access.read != "nobody"
    )


def _wrapped(label: str, entries: list[str], width: int = 96) -> list[str]:
    """`label` then the entries, comma-separated, wrapped between entries (never inside one)."""
    lines, line = [], label
    for n, entry in enumerate(entries):
        piece = entry + ("," if n < len(entries) - 1 else "")
        if len(line) + len(piece) > width and line.strip():
            lines.append(line.rstrip())
            line = " " * len(label)
        line += piece + " "
    return [*lines, line.rstrip()]


MODULE_ORDER = tuple(domain.name for domain in DOMAINS)  # the order of the summary's lines


def summary(demo: DemoAccount, settings: Settings) -> str:
    """What `whitecell demo` prints: the rows per module and how to sign in."""
    user, base_url = demo.user, settings.public_base_url.rstrip("/")
    lines = [
        f"Demo account {user['email']} (@{user['username']}, {user['name']}), "
        f"time zone {user['timezone']}: {sum(demo.counts.values())} rows, "
        f"level {user['currentLevel']} with {user['totalXP']} XP.",
        "",
    ]
    by_module: dict[str, list[str]] = {}
    for name, count in demo.counts.items():
        by_module.setdefault(REGISTRY[name].module, []).append(f"{name} {count}")
    by_module["shared"] = [
        f"stoic_quotes: {demo.quotes_added} added to the corpus, "
        f"{demo.quotes_saved} saved by the demo user"
    ]
    for module in sorted(by_module, key=(*MODULE_ORDER, "shared").index):
        lines += _wrapped(f"  {module + ':':<14}", by_module[module])
    idle_days = settings.session_idle_seconds // 86400
    mail = (
        f"the development outbox is {settings.outbox_dir}/"
        if not settings.smtp_host
        else f"mail goes through {settings.smtp_host}"
    )
    lines += [
        "",
        "Sign in with the password:",
        f"  curl -s -X POST {base_url}/api/v1/auth/password -H 'Content-Type: application/json' \\",
        f'       -d \'{{"email": "{user["email"]}", "password": "{demo.password}"}}\'',
        "",
        f"or use this session token (until {demo.expires_at}, or {idle_days} days without use):",
        f"  export TOKEN={demo.token}",
        f'  curl -s {base_url}/api/v1/notes -H "Authorization: Bearer $TOKEN"',
        "",
        f"A code sent by email works too ({mail}).",
        "Running `whitecell demo` again replaces this account and its data.",
    ]
    return "\n".join(lines)
