"""A workout started from a template (docs/fitness.md, "Templates and calories"): any workout of
the user, usually one saved with `isTemplate: true`, copied into a new workout that points back
at it through `templateId`."""

from __future__ import annotations

from fastapi import APIRouter, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud, defaults
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.tables import REGISTRY
from whitecell.core.types import Day

router = APIRouter(prefix="/api/v1/workouts", tags=["fitness"])

# What a new workout takes from its template; the server computes the rest again.
COPIED = ("type", "name", "duration", "intensity", "exercises", "notes")


class Start(WriteModel):
    date: Day | None = None


@router.post("/{template_id}/start", status_code=201, summary="Start a workout from a template")
async def start(template_id: str, body: Start, caller: SignedIn, ctx: Context) -> Response:
    """A new workout (not a template) with the template's type, name, duration, intensity,
    exercises and sets, dated `date` (default: today in the user's time zone), with
    `templateId` set; its sets, records and calories follow as for any workout. Someone else's
    workout is a 404."""
    workouts = REGISTRY["workouts"]
    async with ctx.store.write() as tx:
        template = await crud.get(tx, workouts, caller, template_id)
        values = {name: template[name] for name in COPIED if template.get(name) is not None}
        values |= {
            "date": (body.date.isoformat() if body.date else defaults.today(caller)),
            "templateId": template_id,
            "isTemplate": False,
        }
        workout = await crud.create(tx, workouts, caller, values)
    return json_response(
        workout,
        201,
        {CHANGE_SEQ_HEADER: str(tx.seq), "Location": f"/api/v1/workouts/{workout['_id']}"},
    )
