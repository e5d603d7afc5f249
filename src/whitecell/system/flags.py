"""Feature flags as the caller sees them (docs/operations.md, "Feature flags").

A flag is on for a user when it `isEnabled` and the user is named in `targetUsers`, or their
role is in `targetRoles`, or their rollout bucket falls under `rolloutPercentage`. The bucket is
a stable hash of the flag's name and the user's id into 10,000 buckets (0.01 % steps): the same
user gets the same answer in every process and after every restart, and raising the percentage
only adds users (a user on at 20 % is on at 30 %). Hashing the flag's name too spreads the early
adopters differently for each flag, so the same 1 % do not test everything.

The flags are read once per process and kept in memory: evaluation costs no query. A change to
`feature_flags` is forgotten at once by the process that made it (a store subscriber, at commit)
and by every other process when its live feed reads the change from the log (a feed listener);
the next evaluation reads them again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from typing import Any

from whitecell.core.changes import ChangeEvent
from whitecell.core.crud import select_documents
from whitecell.core.store import Store

BUCKETS = 10_000
TABLE = "feature_flags"


def rollout_bucket(flag_name: str, user_id: str) -> int:
    """0-9,999: where the user falls in the flag's rollout."""
    digest = hashlib.sha256(f"{flag_name}\x00{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def is_on(flag: dict[str, Any], user: dict[str, Any]) -> bool:
    if not flag.get("isEnabled"):
        return False
    if user["_id"] in (flag.get("targetUsers") or ()):
        return True
    if user.get("role") in (flag.get("targetRoles") or ()):
        return True
    percentage = flag.get("rolloutPercentage") or 0
    return rollout_bucket(flag["name"], user["_id"]) < percentage * (BUCKETS // 100)


class FlagBook:
    """The enabled flags of this process, read when first needed and again after a change."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._flags: list[dict[str, Any]] | None = None
        self._changes = 0  # flag changes seen: a read that raced one is not kept
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self) -> None:
        self._unsubscribe = self.store.subscribe(self.forget_events)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def forget(self, tables: Collection[str]) -> None:
        """Any committed change to a flag (here or, through the live feed, in another process)
        makes the next evaluation read them again."""
        if TABLE in tables:
            self._changes += 1
            self._flags = None

    def forget_events(self, events: Sequence[ChangeEvent]) -> None:
        self.forget({event.table for event in events})

    async def enabled_flags(self) -> list[dict[str, Any]]:
        flags = self._flags
        if flags is None:
            seen = self._changes
            async with self.store.read() as tx:
                flags = await select_documents(
                    tx, TABLE, '"isEnabled" = :on', {"on": True}, "ORDER BY name"
                )
            if seen == self._changes:
                self._flags = flags
        return flags

    async def on_for(self, user: dict[str, Any]) -> list[str]:
        """The names of the flags on for `user`, in name order."""
        return [flag["name"] for flag in await self.enabled_flags() if is_on(flag, user)]
