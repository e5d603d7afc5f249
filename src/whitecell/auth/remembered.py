"""Sign-in checks remembered for a moment by a server on SQLite (rules: docs/users.md,
"Sessions").

Every signed-in request looked its token up: a session joined to its user, a query on a reader
connection whose page cache every commit empties (6% of a workout create). On SQLite a process
keeps the answer for `session_cache_seconds` at most and forgets it as soon as it learns that
the account's user row or one of its sessions changed:
- through this process: from the commit's change events, before the request that made the
  change has answered (an updated user row is kept as the event carries it: the XP engine
  updates its author's row after most writes);
- through another process (the CLI, a separate XP worker): when it committed at all, from
  `PRAGMA data_version` on the writer, read before each use: exact and synchronous, so a ban or
  a sign-out applies to the very next request wherever it was made.
Expiry and idleness are checked on every use; the time limit bounds everything else.

PostgreSQL reads every time: another process's commits reach this one only by NOTIFY, later
than its next request may come, and "a ban applies on the next request" is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whitecell.core.changes import ChangeEvent
from whitecell.core.store import Store

# More than this many tokens remembered (far more than one process serves in a few seconds):
# forget them all rather than track which is oldest.
MOST_REMEMBERED = 50_000
ACCOUNT_TABLES = ("sessions", "users")


@dataclass
class SignIn:
    """A token's session and its user, as read at `read_at` (time.monotonic())."""

    session_id: str
    user: dict[str, Any]
    expires_at: datetime
    last_seen_at: datetime
    read_at: float


class RememberedSignIns:
    def __init__(self, store: Store, seconds: float) -> None:
        self._store = store
        self._seconds = seconds
        self._by_token: dict[str, SignIn] = {}
        self._tokens_of_user: dict[str, set[str]] = {}
        # When each account last changed, as a count of changes: a sign-in read while its
        # account changed is not remembered (should the read ever wait for a connection, other
        # tasks commit meanwhile).
        self._changes = 0
        self._changed_at: dict[str, int] = {}
        self._changes_forgotten = 0  # `_changed_at` was cleared at this count
        self._elsewhere = 0  # SQLite: the other processes' commits, as last seen
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def active(self) -> bool:
        """Only while it hears this process's commits (a server, not a CLI command)."""
        return self._unsubscribe is not None and self._seconds > 0

    async def start(self) -> None:
        if not self._store.dialect.is_sqlite:
            return  # stays inactive: the module's docstring says why
        self._elsewhere = self._store.commits_elsewhere()
        self._unsubscribe = self._store.subscribe(self._committed)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.forget(None)

    def mark(self) -> int:
        """Taken before reading a sign-in, for `remember`."""
        return self._changes

    def recall(self, digest: str, now: datetime, idle_since: datetime) -> SignIn | None:
        """The sign-in of a token digest, unless it is older than allowed, its account may
        have changed, or its session expired or idled out meanwhile."""
        elsewhere = self._store.commits_elsewhere()
        if elsewhere != self._elsewhere:
            self._elsewhere = elsewhere
            self.forget(None)
            return None
        sign_in = self._by_token.get(digest)
        if sign_in is None:
            return None
        if (
            time.monotonic() - sign_in.read_at >= self._seconds
            or sign_in.expires_at <= now
            or sign_in.last_seen_at <= idle_since
        ):
            self._drop(digest)
            return None
        return sign_in

    def remember(self, digest: str, sign_in: SignIn, mark: int) -> None:
        """Keep a sign-in read after `mark`, unless its account changed since."""
        user_id = sign_in.user["_id"]
        if (
            not self.active
            or mark < self._changes_forgotten
            or self._changed_at.get(user_id, 0) > mark
        ):
            return
        if len(self._by_token) >= MOST_REMEMBERED:
            self.forget(None)
        self._drop(digest)
        self._by_token[digest] = sign_in
        self._tokens_of_user.setdefault(user_id, set()).add(digest)

    def forget(self, accounts: Iterable[str] | None) -> None:
        """Forget the sign-ins of these users (None: of everyone)."""
        if accounts is None:
            self._forget_everyone()
            return
        for user_id in accounts:
            if not self._note_change(user_id):
                return  # everyone was forgotten
            for digest in list(self._tokens_of_user.get(user_id, ())):
                self._drop(digest)

    def _committed(self, events: Sequence[ChangeEvent]) -> None:
        """This process committed: a session changed, or a user row deleted, is forgotten; a
        user row only updated (XP, a setting, a ban) is remembered as committed, so that the
        scoring of every write does not cost its author's next request a read."""
        forgotten: set[str] = set()
        updated: dict[str, dict[str, Any]] = {}
        for event in events:
            if event.table not in ACCOUNT_TABLES or not event.userId:
                continue
            if event.table == "users" and event.op == "update" and event.document is not None:
                updated[event.userId] = event.document
            else:
                forgotten.add(event.userId)
        if forgotten:
            self.forget(forgotten)
        for user_id, document in updated.items():
            if user_id not in forgotten:
                self._update_user(user_id, document)

    def _update_user(self, user_id: str, document: dict[str, Any]) -> None:
        if not self._note_change(user_id):  # a read in flight has the row before
            return
        for digest in self._tokens_of_user.get(user_id, ()):
            self._by_token[digest].user = dict(document)

    def _note_change(self, user_id: str) -> bool:
        """Count a change to the account, so that a read in flight is not remembered; False
        when too many accounts changed to track and everyone was forgotten instead."""
        self._changes += 1
        if len(self._changed_at) >= MOST_REMEMBERED:
            self._forget_everyone()
            return False
        self._changed_at[user_id] = self._changes
        return True

    def _forget_everyone(self) -> None:
        self._changes += 1
        self._by_token.clear()
        self._tokens_of_user.clear()
        self._changed_at.clear()
        self._changes_forgotten = self._changes

    def _drop(self, digest: str) -> None:
        sign_in = self._by_token.pop(digest, None)
        if sign_in is None:
            return
        user_id = sign_in.user["_id"]
        tokens = self._tokens_of_user.get(user_id)
        if tokens is not None:
            tokens.discard(digest)
            if not tokens:
                del self._tokens_of_user[user_id]
