"""`make fuzz` (bench/fuzz.py): the operations that can end the fuzzer's own session are kept
out of the main pass, each fuzzed last as an account of its own. Their names must be operations
of the document: a name that matched none would leave that operation in the main pass, where it
signed the fuzzer out and left the rest of the run answering 401."""

from __future__ import annotations

import httpx
from bench.fuzz import SELF_ENDING


async def test_every_operation_fuzzed_last_is_an_operation_of_the_document(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    operations = {
        f"{method.upper()} {path}" for path, methods in spec["paths"].items() for method in methods
    }
    assert set(SELF_ENDING) <= operations
    # Revoking a session by id ends the caller's own when given its id, which schemathesis
    # replays from the sessions it listed.
    revoking = {name for name in operations if name.startswith("DELETE ") and "/sessions/{" in name}
    revoking -= {name for name in revoking if "study_sessions" in name or "debate_sessions" in name}
    assert revoking <= set(SELF_ENDING), revoking - set(SELF_ENDING)
