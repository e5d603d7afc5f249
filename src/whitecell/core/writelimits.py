"""Write limits of signed-in users, so that one account cannot flood the database
(docs/security.md, "Write limits").

Each unsafe request (POST, PUT, PATCH, DELETE) of a signed-in caller counts once against its route
family and once against all the caller's writes; past either limit it answers 429 with
`Retry-After`. A family is the first segment after `/api/v1/` of the route's template: a table
for the data API (`/api/v1/notes/{doc_id}` -> `notes`), the module of hand-written routes
(`/api/v1/chess_puzzles/attempts/{attempt_id}/moves` -> `chess_puzzles`); for a page of the web
app, the first segment of its path (`/study/...` -> `study`). Templates, not raw paths: a path
made up by a client never makes a new counter.

The count is taken where a request's caller becomes known (the API's `current_auth`, the web
app's `current_session`), before the handler runs, and at most once per request. Reads are never
counted; with `WHITECELL_RATE_LIMIT_ENABLED=false` nothing is. Nor are the routes that end
sessions (`@unlimited`): a stolen token flooding the account must not keep its owner from
signing it out.

Cost: the counts are the rate limiter's shared ones (database or Redis), but a process does not
go there for every write. It takes a lease of a tenth of the limit at a time (one upsert), admits
that many writes from memory, and asks again when they are used up or the window ends. The shared
count never admits more than the limit; a lease another process has not used up yet can refuse a
user up to a tenth of the limit early for each other process. A refusal is remembered until the
window ends, so a flood past the limit costs no query at all. Small limits (under 20) lease one
hit at a time: exact.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.types import Scope

from whitecell.core.config import Settings
from whitecell.core.dispatch import PREFIX
from whitecell.core.errors import TooManyRequests
from whitecell.core.ratelimit import RateLimiter, Rule, counter_key

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LEASE_SHARE = 10  # a lease is this fraction of a limit (1/10)
PRUNE_AT = 10_000  # leases held before the ended ones are dropped
# Where in `scope["state"]` a request notes that its write was counted.
_COUNTED = "whitecell.write_counted"
# The attribute that marks a route's handler as never counted.
_UNLIMITED = "__whitecell_unlimited__"
Handler = TypeVar("Handler", bound=Callable[..., Any])


def unlimited(handler: Handler) -> Handler:
    """Mark a route's handler as never counted (under `@router.post(...)`): for routes that end
    sessions, which must work however many writes the account has made."""
    setattr(handler, _UNLIMITED, True)
    return handler


def is_unlimited(handler: object) -> bool:
    """Whether a route's handler is marked `@unlimited`."""
    return bool(getattr(handler, _UNLIMITED, False))


def route_family(scope: Scope) -> str:
    """The family of a request's route: from its template when routed, else from its path."""
    route = scope.get("route")
    path: str = getattr(route, "path_format", None) or scope.get("path", "")
    if path.startswith(PREFIX):
        path = path[len(PREFIX) :]
    return path.strip("/").split("/", 1)[0]


@dataclass
class _Lease:
    """Writes this process may still admit on one counter until `until` (monotonic seconds);
    `refused`: the shared count is past its limit until then."""

    left: int
    until: float
    refused: bool = False


# A counter as this process knows it: the family (None for all the user's writes) and the user.
Counter = tuple[str | None, str]


class WriteLimits:
    """One process's leases on the shared write counters."""

    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self._limiter = limiter
        self._settings = settings
        self._leases: dict[Counter, _Lease] = {}

    async def count(self, scope: Scope, user_id: str) -> None:
        """Count an unsafe request of `user_id` (once per request); 429 past a limit."""
        if scope.get("method") not in UNSAFE_METHODS or not self._settings.rate_limit_enabled:
            return
        if is_unlimited(getattr(scope.get("route"), "endpoint", None)):
            return
        state = scope.setdefault("state", {})
        if state.get(_COUNTED):
            return
        state[_COUNTED] = True
        counters: tuple[Counter, Counter] = ((route_family(scope), user_id), (None, user_id))
        now = time.monotonic()
        leases = [self._leases.get(counter) for counter in counters]
        # Refused by a count past its limit: nothing else is counted, nothing is asked.
        refused = [lease.until - now for lease in leases if lease and lease.refused]
        if refused and max(refused) > 0:
            raise TooManyRequests(math.ceil(max(refused)))
        claims: list[Counter] = []
        for counter, lease in zip(counters, leases, strict=True):
            if lease is not None and lease.until > now and lease.left > 0:
                lease.left -= 1
            else:
                claims.append(counter)
        if claims:
            wait = await self._claim(claims)
            if wait:
                raise TooManyRequests(wait)

    def _rule(self, counter: Counter) -> Rule:
        """The shared counter's rule; its key, an HMAC, is computed only when it is asked."""
        family, user_id = counter
        settings = self._settings
        if family is None:
            return Rule(counter_key(settings.secret, "write", user_id), *settings.rate_write_user)
        key = counter_key(settings.secret, f"write:{family}", user_id)
        return Rule(key, *settings.rate_write_user_family)

    async def _claim(self, counters: list[Counter]) -> int:
        """Take leases on these counters (this request's write included); the seconds to wait
        when one of them is past its limit, else 0."""
        rules = [self._rule(counter) for counter in counters]
        grants = await self._limiter.take(
            [(rule, max(1, rule.limit // LEASE_SHARE)) for rule in rules]
        )
        now = time.monotonic()
        if len(self._leases) > PRUNE_AT:
            self._leases = {k: v for k, v in self._leases.items() if v.until > now}
        wait = 0
        for counter, grant in zip(counters, grants, strict=True):
            until = now + grant.seconds_left
            held = self._leases.get(counter)
            if not grant.granted:
                self._leases[counter] = _Lease(0, until, refused=True)
                wait = max(wait, grant.seconds_left)
            elif held is not None and not held.refused and held.until > now:
                held.left += grant.granted - 1  # a concurrent request's lease: pooled
            else:
                self._leases[counter] = _Lease(grant.granted - 1, until)
        return wait
