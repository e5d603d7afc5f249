"""csTimer history imported: `POST /api/v1/cube_times/import`, and the import that
`whitecell import cstimer` runs (docs/mind.md, "Cubing: csTimer import").

All or nothing, as the workout imports (fitness/imports.py): the file is read and checked first
(`cstimer.py`, in a worker thread), then every solve is written in one transaction through the
same create path as `POST /api/v1/cube_times`. A solve already imported (same `importKey`) is
skipped, so importing the same export twice adds nothing. Imported solves were not timed against
a scramble served here: they count in the statistics and earn no XP (gamification/rules.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.bodies import create_body
from whitecell.core.config import Settings
from whitecell.core.errors import FieldError, PayloadTooLarge, ValidationFailed
from whitecell.core.files import received_file, receives_file
from whitecell.core.openapi import multipart_body
from whitecell.core.permissions import Caller, may_write
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.store import Store
from whitecell.mind.cubing.cstimer import BadExport, Export, read_export
from whitecell.mind.cubing.tables import CUBE_TIMES

router = APIRouter(prefix="/api/v1/cube_times", tags=["mind"])

NO_XP = (
    "Imported solves earn no XP: only solves timed against a scramble served here are paid "
    "(docs/gamification.md)."
)
YIELD_EVERY = 100  # SQLite runs on the event loop: a long import lets other requests in

Progress = Callable[[int, int], None]


def bad_export(error: BadExport) -> ValidationFailed:
    """A 422 naming the file, and where in it the value stands."""
    return ValidationFailed(f"file: {error}", errors=[FieldError("file", str(error))])


def _read(path: Path, settings: Settings) -> Export:
    """The file's sessions and solves, within the size and solve caps (in a worker thread)."""
    if path.stat().st_size > settings.cube_import_max_mb * 1024 * 1024:
        message = (
            f"the file is larger than {settings.cube_import_max_mb} MB, the most one import "
            "reads (WHITECELL_CUBE_IMPORT_MAX_MB)"
        )
        raise PayloadTooLarge(f"file: {message}", errors=[FieldError("file", message)])
    export = read_export(path.read_bytes(), max_solves=settings.cube_import_max_solves)
    body = create_body(CUBE_TIMES.name)
    for session in export.sessions:
        for number, solve in enumerate(session.solves):
            try:
                body.model_validate({k: v for k, v in solve.items() if k != "importKey"})
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                raise BadExport(
                    f"the solve's {where} {first['msg']}", f"session{session.number}[{number}]"
                ) from None
    return export


async def import_cstimer(
    store: Store,
    settings: Settings,
    caller: Caller,
    path: Path,
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import the csTimer export at `path` for `caller`: what was created and skipped, `seq`."""
    try:
        export = await anyio.to_thread.run_sync(_read, path, settings)
    except BadExport as error:
        raise bad_export(error) from None
    kept = [session for session in export.sessions if session.cube_type]
    total = sum(len(session.solves) for session in kept)
    sessions = []
    created = duplicates = done = 0
    async with store.write() as tx:
        held = await tx.all(
            'SELECT "importKey" FROM cube_times WHERE "userId" = :me AND "importKey" IS NOT NULL',
            {"me": caller.id},
        )
        keys = {row[0] for row in held}
        for session in export.sessions:
            made = 0
            # Oldest first: each solve then joins the running statistics as their newest.
            for solve in sorted(session.solves, key=lambda s: s["date"]):
                done += 1
                if done % YIELD_EVERY == 0:
                    await anyio.lowlevel.checkpoint()
                if solve["importKey"] in keys:
                    duplicates += 1
                else:
                    keys.add(solve["importKey"])
                    await crud.create(tx, CUBE_TIMES, caller, {**solve, "importSource": "cstimer"})
                    made += 1
                if progress is not None:
                    progress(done, total)
            created += made
            sessions.append(
                {
                    "session": session.number,
                    "name": session.name,
                    "scrType": session.scramble_type,
                    "cubeType": session.cube_type,
                    "sessionId": session.session_id if session.cube_type else None,
                    "solves": len(session.solves),
                    "created": made,
                }
            )
    return {
        "format": "cstimer",
        "sessions": sessions,
        "solves": total,
        "created": created,
        "duplicates": duplicates,
        "skipped": {"sessions": export.skipped["sessions"], "solves": export.skipped["solves"]},
        "xpEarned": 0,
        "xp": NO_XP,
        "seq": tx.seq,
    }


@router.post(
    "/import",
    summary="Import solves from a csTimer export",
    responses={411: {}, 413: {}, 415: {}, 422: {}},
    openapi_extra=multipart_body("csTimer export (cstimer_YYYYMMDD_HHMMSS.txt)"),
)
@receives_file
async def import_solves(request: Request, caller: SignedIn, ctx: Context) -> Response:
    """`multipart/form-data`: csTimer's export file (Export > to file) in `file`. Each session
    of a 3x3, 2x2, 4x4 or Pyraminx scramble type becomes solves of that cube type, with
    `sessionId` `cstimer-<n>`; other sessions are skipped. Solves already imported are skipped;
    imported solves earn no XP. A bad file is refused whole (422 naming where)."""
    may_write(CUBE_TIMES, caller, "create")
    limit = ctx.settings.cube_import_max_mb
    async with received_file(request, ctx.settings, "csTimer export", limit_mb=limit) as upload:
        summary = await import_cstimer(ctx.store, ctx.settings, caller, upload.path)
    seq = summary.pop("seq")
    return json_response(summary, headers={CHANGE_SEQ_HEADER: str(seq)})
