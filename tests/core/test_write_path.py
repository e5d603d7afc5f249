"""One write path: nothing reaches a declared table behind the change log's back (docs/api.md,
"Change events"). Gamification, realtime and sync clients see only what the log says.

- Read: outside `core/crud.py` no SQL string writes a declared table (`REGISTRY`) and no module
  builds a change event by hand. The undeclared tables written outside crud are infrastructure,
  each named in `INFRASTRUCTURE` with what it holds, so a new one is a decision, not a slip.
- Run: a scripted tour through the API, the CLI, the cleanup job and the XP engine; every row it
  inserted, changed or deleted, table by table, has its event in the change log, and the last
  event of a row still there carries the row as stored.
"""

from __future__ import annotations

import ast
import asyncio
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

import whitecell
from tests.helpers import bearer, sign_in, wrong_code
from tests.mind.puzzles.positions import LONG_LINE, csv_text
from tests.samples import client_tables, editable_column, other_value, sample_body
from tests.support import Api, ClientFactory, Mailbox, api_with
from whitecell.cleanup import cleanup
from whitecell.cli.main import cli
from whitecell.core.changes import ChangeEvent
from whitecell.core.documents import codec
from whitecell.core.highwater import NO_LIMIT
from whitecell.core.store import Store
from whitecell.core.tables import REGISTRY
from whitecell.gamification.worker import Engine
from whitecell.mind.puzzles.catalogue import import_puzzles
from whitecell.realtime import log

SOURCE = Path(whitecell.__file__).parent
WRITE_PATH = "core/crud.py"
# Undeclared tables, written where they are kept, without change events: what they hold.
INFRASTRUCTURE = {
    "change_log": "the change events themselves (core/store.py, trimmed by core/changelog.py)",
    "change_log_horizon": "how far the change log was trimmed",
    "change_log_dead_letters": "change-log rows a consumer set aside (core/consumers.py)",
    "consumer_offsets": "how far each change-log consumer has read",
    "rate_limits": "rate-limit counters (core/ratelimit.py)",
    "quiz_drafts": "a generated quiz waiting for its answers (study/quizzes.py, study/jobs.py)",
    "analytics_daily": "the count of analytics events per day, event and module "
    "(system/rollups.py)",
    "analytics_active": "who sent an analytics event on which day (system/rollups.py)",
    "sqlite_sequence": "SQLite's AUTOINCREMENT counters: a restore moves the change log's past "
    "the backup (core/backup_database.py)",
}
# Declared tables written without change events: derived indexes, each announced by the event
# of the row it is derived from (`Table(events=False)`), so a new one is a decision, not a slip.
SILENT = {
    "workout_exercises": "a workout's exercises and their sets (fitness/sets.py), announced by "
    "the workout's own event",
    "exercises": "a user's exercises and their bests (fitness/workouts.py, fitness/records.py), "
    "announced by the workouts' own events",
    "cube_stats": "a user's running cubing statistics (mind/cubing/tallies.py), kept by the "
    "solves' hooks and announced by the solves' own events",
    "textbook_passages": "the text of a textbook's stored PDF (study/textindex.py), announced by "
    "the textbook's own event",
    "ai_forgotten_facts": "digests of the memory facts a user deleted (ai/memory.py), read by "
    "nobody through the API: nothing to announce",
    "analytics": "events anyone sends (system/analytics.py), read by administrators only: not "
    "user-visible documents, so a burst of them neither fills the log nor reaches realtime",
}
# Writes the scan finds that are not writes to our tables, by file and target ("?": a name
# built at run time).
NOT_OURS = {
    ("study/anki.py", "notes"): "the tables of an Anki collection file, in the export it builds",
    ("study/anki.py", "cards"): "the same export",
    ("study/anki.py", "revlog"): "the same export",
    ("study/anki.py", "col"): "the same export",
    ("core/search.py", "?"): "SQLite full-text indexes, kept by triggers",
    ("cli/main.py", "?"): "`whitecell db vacuum` rebuilding a full-text index",
    ("core/backup_database.py", "?"): "a restore asking each FTS5 index to rebuild itself",
    ("cli/store_check.py", "?"): "`whitecell check` asking a full-text index to check or "
    "rebuild itself (FTS5 commands written as INSERTs)",
}
# Modules that build change events outside crud: the log read back is not a write.
EVENT_BUILDERS = {
    "realtime/log.py": "the change log read back into events",
}
WRITE = re.compile(
    r'\b(?:INSERT\s+INTO|DELETE\s+FROM)\s+"?(?P<a>[\w{}]+)"?'
    r'|\bUPDATE\s+"?(?P<b>[\w{}]+)"?\s+SET\b',
    re.IGNORECASE,
)


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        name = path.relative_to(SOURCE).as_posix()
        if name != WRITE_PATH and not name.startswith("migrations/"):
            found.append((name, ast.parse(path.read_text(), name)))
    return found


def _docstrings(tree: ast.Module) -> set[int]:
    nodes = [tree, *ast.walk(tree)]
    return {
        id(node.body[0].value)
        for node in nodes
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }


def _sql_texts(tree: ast.Module) -> list[tuple[int, str]]:
    """Every string literal but docstrings; an f-string's fields read as `{}`."""
    skip = _docstrings(tree)
    texts = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            texts.append((node.lineno, "".join(str(p) for p in parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append((node.lineno, node.value))
    return texts


def _writes(sources: list[tuple[str, ast.Module]]) -> list[tuple[str, int, str]]:
    """(file, line, table) for every INSERT, UPDATE or DELETE written as a string."""
    found = []
    for name, tree in sources:
        for line, text in _sql_texts(tree):
            for match in WRITE.finditer(text):
                target = match.group("a") or match.group("b")
                found.append((name, line, "?" if "{" in target else target))
    return found


def test_no_module_outside_crud_writes_a_declared_table_in_sql() -> None:
    writes = _writes(_sources())
    behind_the_log = [
        f"{name}:{line} writes {table}"
        for name, line, table in writes
        if (name, table) not in NOT_OURS and table not in INFRASTRUCTURE
    ]
    assert not behind_the_log, (
        "write declared tables through whitecell.core.crud (insert_server_row, "
        "update_server_rows, delete_server_rows, ...), which records the change event; an "
        f"undeclared table goes in INFRASTRUCTURE with what it holds: {behind_the_log}"
    )
    seen = {(name, table) for name, _, table in writes}
    assert not set(NOT_OURS) - seen, "an exception that no longer applies: remove it"
    assert all(table not in REGISTRY for table in INFRASTRUCTURE)
    assert {name for name, table in REGISTRY.items() if not table.events} == set(SILENT)


def test_no_module_outside_crud_records_a_change_event_by_hand() -> None:
    found = set()
    for name, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            if (isinstance(called, ast.Name) and called.id == "ChangeEvent") or (
                isinstance(called, ast.Attribute) and called.attr == "record"
            ):
                found.add(name)
    assert found - set(EVENT_BUILDERS) <= {"core/store.py"}, (
        "a change event built by hand: let a whitecell.core.crud helper write the row and "
        f"record its event: {sorted(found - set(EVENT_BUILDERS))}"
    )
    assert set(EVENT_BUILDERS) <= found, "an exception that no longer applies: remove it"


# -- the tour --------------------------------------------------------------------------------

Rows = dict[str, dict[str, tuple[Any, ...]]]
Documents = dict[str, dict[str, dict[str, Any]]]
Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The `whitecell` command on the test database, in a thread (it runs its own loop)."""
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WHITECELL_GAMIFICATION_ENABLED", "false")

    def invoke(*args: str) -> Result:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return invoke


async def _state(store: Store) -> tuple[Rows, Documents, int]:
    """Every declared table's rows (all columns) and documents by id, and the log's last seq."""
    rows: Rows = {}
    documents: Documents = {}
    async with store.read() as tx:
        for name in REGISTRY:
            found = await tx.all(f'SELECT "_id", * FROM "{name}"')
            rows[name] = {row[0]: tuple(row[1:]) for row in found}
            c = codec(name, tx.dialect.name)
            found = await tx.all(f'SELECT {c.select_list} FROM "{name}"')
            documents[name] = {doc["_id"]: doc for doc in map(c.document, found)}
        seq = await log.last_seq(tx)
    return rows, documents, seq


def unrecorded(
    before: tuple[Rows, Documents, int], after: tuple[Rows, Documents], events: list[ChangeEvent]
) -> list[str]:
    """Row changes between two states that the events between them do not account for."""
    (old_rows, old_documents, _), (new_rows, new_documents) = before, after
    last = {(event.table, event.id): event for event in events}
    # An account's owned rows go with it (ON DELETE CASCADE): its delete event stands for them.
    gone = {event.id for event in events if event.table == "users" and event.op == "delete"}
    problems = []
    for name, table in REGISTRY.items():
        if not table.events:
            continue  # a derived index, announced by its source row's event (SILENT)
        old, new = old_rows[name], new_rows[name]
        for doc_id in sorted(old.keys() | new.keys()):
            if old.get(doc_id) == new.get(doc_id):
                continue
            event = last.get((name, doc_id))
            if doc_id not in new:
                if table.owned and old_documents[name][doc_id].get("userId") in gone:
                    continue  # cascaded
                if event is None or event.op != "delete":
                    problems.append(f"{name} {doc_id}: deleted without an event")
                continue
            change = "inserted" if doc_id not in old else "changed"
            if event is None:
                problems.append(f"{name} {doc_id}: {change} without an event")
            elif event.op == "delete" or event.document != new_documents[name][doc_id]:
                stored = new_documents[name][doc_id]
                differ = {
                    k: (v, stored.get(k)) for k, v in (event.document or {}).items()
                    if stored.get(k) != v
                }  # fmt: skip
                problems.append(
                    f"{name} {doc_id}: {change}; its last event says otherwise {differ}"
                )
    return problems


async def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json()) if response.content else {}


async def _every_table(api: Api) -> None:
    """Create, change and delete a row of every table a user writes, as the API's clients do."""
    for table in client_tables():
        kept = await api.create(api.a, table.name, sample_body(table))
        column = editable_column(table)
        change = {column.name: other_value(column, kept[column.name])}
        await _ok(
            await api.client.patch(
                f"/api/v1/{table.name}/{kept['_id']}", json=change, headers=api.a.headers
            )
        )
        dropped = await api.create(api.a, table.name, sample_body(table))
        await _ok(
            await api.client.delete(
                f"/api/v1/{table.name}/{dropped['_id']}", headers=api.a.headers
            ),
            204,
        )


async def _study(api: Api) -> None:
    """Links kept by the server, a reference released, a review, a timed session, a quiz."""
    a = api.a
    alpha = await api.create(a, "notes", sample_body("notes", title="Alpha", content="[[Gamma]]"))
    gamma = await api.create(a, "notes", sample_body("notes", title="Gamma", content="Hello."))
    await _ok(
        await api.client.patch(
            f"/api/v1/notes/{gamma['_id']}", json={"title": "Delta"}, headers=a.headers
        )
    )
    card = await api.create(
        a, "flashcards", sample_body("flashcards", sourceNoteId=alpha["_id"], subject="Maths")
    )
    await _ok(await api.client.delete(f"/api/v1/notes/{alpha['_id']}", headers=a.headers), 204)
    await _ok(
        await api.client.post(
            f"/api/v1/flashcards/{card['_id']}/review",
            json={"quality": 4, "timeSpent": 12},
            headers=a.headers,
        )
    )
    session = await _ok(
        await api.client.post(
            "/api/v1/study_sessions/start", json={"subject": "Maths"}, headers=a.headers
        ),
        201,
    )
    await _ok(
        await api.client.post(f"/api/v1/study_sessions/{session['_id']}/stop", headers=a.headers)
    )
    draft = await _ok(
        await api.client.post("/api/v1/quizzes/generate", json={"count": 1}, headers=a.headers),
        201,
    )
    await _ok(
        await api.client.post(
            f"/api/v1/quizzes/{draft['_id']}/submit", json={"answers": ["x"]}, headers=a.headers
        ),
        201,
    )


async def _chess(api: Api) -> None:
    """A puzzle imported into the catalogue, an attempt opened, a hint, a reply, a solve (the
    attempt ends: its `chess_puzzles` row and the rating written)."""
    await import_puzzles(api.context.store, io.StringIO(csv_text(LONG_LINE)))
    a, attempts = api.a.headers, "/api/v1/chess_puzzles/attempts"
    opened = await _ok(await api.client.post(attempts, json={"puzzleId": "tlong"}, headers=a), 201)
    await _ok(await api.client.post(f"{attempts}/{opened['_id']}/hint", headers=a))
    for move in ("g1f2", "a1a8"):
        path = f"{attempts}/{opened['_id']}/moves"
        await _ok(await api.client.post(path, json={"move": move}, headers=a))


async def _accounts(api: Api, mailbox: Mailbox) -> None:
    """Sign-in by code (a wrong one first) and by password, a profile, shared quotes, an
    administrator's changes, sign-outs and an account deleted."""
    client, email = api.client, "cleo@example.com"
    await _ok(await client.post("/api/v1/auth/otp", json={"email": email}), 202)
    code = await mailbox.latest_code(email)
    wrong = {"email": email, "code": wrong_code(code)}
    await _ok(await client.post("/api/v1/auth/otp/verify", json=wrong), 400)
    right = await _ok(await client.post("/api/v1/auth/otp/verify", json={**wrong, "code": code}))
    cleo = bearer(right["token"])
    await _ok(await client.patch("/api/v1/users/me", json={"bio": "Hi."}, headers=cleo))
    password = {"password": "a long enough password"}
    await _ok(await client.put("/api/v1/users/me/password", json=password, headers=cleo), 204)
    login = await _ok(await client.post("/api/v1/auth/password", json={"email": email, **password}))
    await _ok(await client.delete("/api/v1/auth/sessions", headers=bearer(login["token"])))
    await _ok(await client.post("/api/v1/auth/logout", headers=bearer(login["token"])), 204)
    cleo = bearer((await sign_in(client, mailbox, email))["token"])

    admin = api.admin.headers
    quote = await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes"))
    for who in (cleo, api.a.headers, api.b.headers):
        await _ok(await client.put(f"/api/v1/stoic_quotes/{quote['_id']}/saved", headers=who))
    await _ok(await client.delete(f"/api/v1/stoic_quotes/{quote['_id']}/saved", headers=cleo))
    await _ok(await client.put(f"/api/v1/stoic_quotes/{quote['_id']}/saved", headers=cleo))
    me = await _ok(await client.get("/api/v1/users/me", headers=cleo))
    await api.create(
        api.admin, "feature_flags", sample_body("feature_flags", targetUsers=[me["_id"]])
    )
    change = {"subscription": "premium", "reason": "a test"}
    await _ok(await client.patch(f"/api/v1/users/{api.b.id}", json=change, headers=admin))

    await _ok(await client.post("/api/v1/auth/otp", json={"email": email}), 202)
    code = await mailbox.latest_code(email, 3)
    deletion = client.build_request("DELETE", "/api/v1/users/me", json={"code": code}, headers=cleo)
    await _ok(await client.send(deletion), 204)


class Ledger:
    """Compares the tables with the change log after every step, so that a write without its
    event is caught even when a later write of the same row records one."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.problems: list[str] = []
        self.tables: set[str] = set()

    async def open(self) -> None:
        self.state = await _state(self.store)

    async def check(self, step: str) -> None:
        rows, documents, seq = await _state(self.store)
        async with self.store.read() as tx:
            events = await log.after(tx, self.state[2], 1_000_000, NO_LIMIT)
        self.problems += [f"{step}: {p}" for p in unrecorded(self.state, (rows, documents), events)]
        self.tables |= {event.table for event in events}
        self.state = rows, documents, seq


async def test_every_row_written_has_its_change_event(
    make_client: ClientFactory, mailbox: Mailbox, run: Run
) -> None:
    # Scored only when drained, and every request refreshes its session's `lastSeenAt`.
    api = await api_with(make_client, gamification_enabled=False, session_touch_seconds=0)
    ledger = Ledger(api.context.store)
    await ledger.open()

    async def after_each_request(response: httpx.Response) -> None:
        await ledger.check(f"{response.request.method} {response.request.url.path}")

    async def scored() -> None:
        await api.context.service(Engine).drain()  # XP, levels, streaks, badges
        await ledger.check("the XP engine")

    api.client.event_hooks["response"].append(after_each_request)
    await _every_table(api)
    await _study(api)
    await _chess(api)
    await scored()
    await _accounts(api, mailbox)
    await scored()
    for command in (
        ("users", "create-admin", "dana@example.com"),
        ("users", "ban", "bob@example.com"),
        ("users", "revoke-sessions", "--everyone"),
        ("cleanup",),
    ):
        await asyncio.to_thread(run, *command)
        await ledger.check(f"whitecell {' '.join(command)}")
    await cleanup(api.context)
    await ledger.check("the cleanup job")

    assert ledger.tables >= {
        "users", "sessions", "otp_tokens", "xp_logs", "badges", "streaks", "stoic_quotes",
        "admin_logs", "feature_flags", "notes", "flashcards", "chess_puzzle_catalogue",
        "chess_puzzle_attempts", "chess_puzzles", "chess_puzzle_ratings",
    }  # fmt: skip
    assert ledger.problems == []


async def test_the_demo_records_every_row_it_writes(make_client: ClientFactory, run: Run) -> None:
    """Its backdated stamps amend the events it recorded; a re-run replaces its account."""
    api = await api_with(make_client, gamification_enabled=False)
    ledger = Ledger(api.context.store)
    await ledger.open()
    for attempt in ("first", "again"):
        await asyncio.to_thread(run, "demo", "--weeks", "1")
        await ledger.check(f"whitecell demo, {attempt}")
    assert {"users", "sessions", "stoic_quotes", "xp_logs", "notes"} <= ledger.tables
    assert ledger.problems == []
