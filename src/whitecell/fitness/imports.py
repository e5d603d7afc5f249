"""Workout history imported from Strong and Hevy: `POST /api/v1/workouts/import`, and the import
that `whitecell import strong|hevy` runs (docs/fitness.md, "Imports (Strong, Hevy)").

All or nothing: the whole file is read and checked first (`importing.py`), in a worker thread,
then every workout is written in one transaction through the same create path as
`POST /api/v1/workouts`, so a bad cell stores nothing and records are found as for any workout.
A workout already imported (same `importKey`: its start and name) is skipped, so importing the
same file twice adds nothing. Imported workouts earn no XP (gamification/rules.py).
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
from whitecell.core.transactions import Tx
from whitecell.fitness.csvrows import BadFile
from whitecell.fitness.importing import SOURCES, UNITS, ReadFile, decoded_lines, read_export
from whitecell.fitness.tables import WORKOUTS

router = APIRouter(prefix="/api/v1/workouts", tags=["fitness"])

NO_XP = "Imported history earns no XP: only workouts logged here are paid (docs/gamification.md)."
YIELD_EVERY = 50  # SQLite runs on the event loop: a long import lets other requests in
# Until the per-set list is declared on the exercise object, it is left out of what is stored.
_EXERCISE = WORKOUTS.columns["exercises"].model
STORES_SET_LIST = _EXERCISE is not None and "setList" in _EXERCISE.model_fields

Progress = Callable[[int, int], None]


def bad_file(error: BadFile) -> ValidationFailed:
    """A 422 naming the file, the line and the column of what is wrong."""
    where = ", ".join(
        part
        for part in (
            f"line {error.line}" if error.line else "",
            f"column {error.column}" if error.column else "",
        )
        if part
    )
    detail = f"file: {where}: {error.message}" if where else f"file: {error.message}"
    return ValidationFailed(
        detail, errors=[FieldError("file", error.message, error.line, error.column)]
    )


def _read(path: Path, source: str | None, unit: str, settings: Settings) -> ReadFile:
    """The file's workouts, within the size and row caps (in a worker thread)."""
    if path.stat().st_size > settings.workout_import_max_mb * 1024 * 1024:
        message = (
            f"the file is larger than {settings.workout_import_max_mb} MB, the most one "
            "import reads (WHITECELL_WORKOUT_IMPORT_MAX_MB)"
        )
        raise PayloadTooLarge(f"file: {message}", errors=[FieldError("file", message)])
    with path.open("rb") as stream:
        return read_export(
            decoded_lines(stream),
            source=source,
            unit=unit,
            max_rows=settings.workout_import_max_rows,
        )


def _storable(body: dict[str, Any], line: int) -> dict[str, Any]:
    """The body as `POST /api/v1/workouts` would store it, checked by the same model."""
    if not STORES_SET_LIST:
        body = {**body, "exercises": [_summary(e) for e in body["exercises"]]}
    try:
        model = create_body(WORKOUTS.name).model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadFile(f"the workout's {where} {first['msg']}", line=line) from None
    return model.model_dump(mode="json", exclude_unset=True)


async def _create(tx: Tx, caller: Caller, values: dict[str, Any], line: int) -> str:
    """Create one workout as `POST /api/v1/workouts` does; a refusal names its first line."""
    try:
        stored = await crud.create(tx, WORKOUTS, caller, values)
    except ValidationFailed as error:
        raise bad_file(
            BadFile(f"this workout cannot be stored: {error.detail}", line=line)
        ) from None
    return str(stored["_id"])


def _summary(exercise: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in exercise.items() if k != "setList" and v is not None}


def preferred_unit(caller: Caller) -> str:
    """The caller's weight unit preference when the account has one, else kg."""
    unit = (caller.user or {}).get("weightUnit")
    return unit if unit in UNITS else "kg"


async def import_workouts(
    store: Store,
    settings: Settings,
    caller: Caller,
    path: Path,
    *,
    source: str | None = None,
    unit: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import the export at `path` for `caller`: what was created and skipped, and `seq`."""
    unit = unit or preferred_unit(caller)
    try:
        read = await anyio.to_thread.run_sync(_read, path, source, unit, settings)
        bodies = [(w.key, w.line, _storable(w.body, w.line)) for w in read.workouts]
    except BadFile as error:
        raise bad_file(error) from None
    created: list[str] = []
    duplicates = 0
    async with store.write() as tx:
        held = await tx.all(
            'SELECT "importKey" FROM workouts WHERE "userId" = :me AND "importKey" IS NOT NULL',
            {"me": caller.id},
        )
        keys = {row[0] for row in held}
        for number, (key, line, body) in enumerate(bodies, 1):
            if number % YIELD_EVERY == 0:
                await anyio.lowlevel.checkpoint()
            if key in keys:
                duplicates += 1
            else:
                keys.add(key)
                values = {**body, "importSource": read.source, "importKey": key}
                created.append(await _create(tx, caller, values, line))
            if progress is not None:
                progress(number, len(bodies))
    return {
        "format": read.source,
        "unit": read.unit,
        "rows": read.rows,
        "workouts": len(bodies),
        "created": len(created),
        "duplicates": duplicates,
        "skipped": {
            name: read.skipped[name] for name in ("restTimer", "note", "empty", "emptyWorkouts")
        },
        "workoutIds": created,
        "xpEarned": 0,
        "xp": NO_XP,
        "seq": tx.seq,
    }


def _choice(form_value: object, field: str, allowed: tuple[str, ...]) -> str | None:
    """A form field naming one of `allowed`; None when left out (or `auto`)."""
    if form_value is None or form_value in ("", "auto"):
        return None
    if not isinstance(form_value, str) or form_value.strip().lower() not in allowed:
        raise ValidationFailed.field(field, f"must be {' or '.join(allowed)}, or left out")
    return form_value.strip().lower()


@router.post(
    "/import",
    summary="Import workout history from Strong or Hevy (CSV)",
    responses={411: {}, 413: {}, 415: {}, 422: {}},
    openapi_extra=multipart_body("Strong or Hevy CSV export"),
)
@receives_file
async def import_history(request: Request, caller: SignedIn, ctx: Context) -> Response:
    """`multipart/form-data`: the CSV in `file`; `format` `strong` or `hevy` (or left out: the
    header says which); `unit` `kg` or `lbs` for Strong files whose header has no unit (default:
    the account's preference, else kg). Workouts already imported are skipped; imported
    workouts earn no XP. A bad file is refused whole (422 naming the line and column)."""
    may_write(WORKOUTS, caller, "create")
    async with received_file(request, ctx.settings, "CSV export") as upload:
        source = _choice(upload.form.get("format"), "format", SOURCES)
        unit = _choice(upload.form.get("unit"), "unit", UNITS)
        summary = await import_workouts(
            ctx.store, ctx.settings, caller, upload.path, source=source, unit=unit
        )
    seq = summary.pop("seq")
    return json_response(summary, headers={CHANGE_SEQ_HEADER: str(seq)})
