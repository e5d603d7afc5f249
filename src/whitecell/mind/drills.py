"""Memory palace drills (docs/mind.md, "Memory palaces"): walking through a palace location by
location, the server asks for each location's items in order and scores the answers
(`mind/recall.py`); the drills are kept in `memory_drills`, and a palace's progress is read from
them.

    POST /api/v1/memory_palaces/{id}/drill        a new drill and its first prompt
    POST /api/v1/memory_drills/{id}/answer         one location's answers: scored, the next prompt
    GET  /api/v1/memory_drills/{id}/prompt         where an open drill stands (to resume it)
    GET  /api/v1/memory_palaces/{id}/progress      the finished drills over time, room by room
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.errors import Conflict, NotFound, ValidationFailed
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.transactions import Tx
from whitecell.core.types import Text, parse_timestamp
from whitecell.mind.recall import finished_drill, location_result
from whitecell.mind.tables import MEMORY_DRILLS, MEMORY_PALACES

router = APIRouter(tags=["mind"])

PROGRESS_SHOWN = 200  # the latest finished drills a palace's progress shows


class Answer(WriteModel):
    locationId: Annotated[Text, Field(min_length=1, max_length=64)]
    items: Annotated[list[Annotated[Text, Field(max_length=10_000)]], Field(max_length=500)]


def _locations(palace: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {location["id"]: location for location in palace["locations"]}


def _next_prompt(palace: dict[str, Any], drill: dict[str, Any], step: int) -> dict[str, Any] | None:
    """The first location from `step` on that still has items (a location deleted or emptied
    since the drill began is passed over), as the client is asked for it; None at the end."""
    here = _locations(palace)
    ids = drill["locationIds"]
    for index in range(step, len(ids)):
        location = here.get(ids[index])
        if location and location["items"]:
            return {
                "step": index,
                "number": index + 1,
                "of": len(ids),
                "locationId": location["id"],
                "name": location["name"],
                "description": location["description"],
                "itemCount": len(location["items"]),
            }
    return None


async def _palace(tx: Tx, caller: Caller, palace_id: str) -> dict[str, Any]:
    found = await crud.select_documents(
        tx, "memory_palaces", '"userId" = :me AND "_id" = :id', {"me": caller.id, "id": palace_id}
    )
    if not found:
        raise NotFound("The palace of this drill no longer exists.")
    return found[0]


@router.post(
    "/api/v1/memory_palaces/{palace_id}/drill",
    status_code=201,
    summary="Start a recall drill of one of my memory palaces",
)
async def start_drill(palace_id: str, caller: SignedIn, ctx: Context) -> Response:
    """A new drill (an open drill of the same palace is abandoned) and its first prompt: the
    first location with items, its name and description and how many items to recall. A palace
    without any item is a 422 naming `locations`."""
    async with ctx.store.write() as tx:
        palace = await crud.get(tx, MEMORY_PALACES, caller, palace_id)
        asked = [location for location in palace["locations"] if location["items"]]
        if not asked:
            raise ValidationFailed.field(
                "locations", "This palace has no items to recall yet: add items to a location."
            )
        await crud.update_server_rows(
            tx,
            MEMORY_DRILLS,
            '"userId" = :me AND "palaceId" = :palace AND status = :open',
            {"me": caller.id, "palace": palace_id, "open": "open"},
            {"status": "abandoned"},
        )
        drill = await crud.insert_server_row(
            tx,
            MEMORY_DRILLS,
            {
                "userId": caller.id,
                "palaceId": palace_id,
                "palaceName": palace["name"],
                "status": "open",
                "locationIds": [location["id"] for location in asked],
                "itemsTotal": sum(len(location["items"]) for location in asked),
                "results": [],
                "startedAt": isoformat_z(utcnow()),
            },
        )
    payload = {"drill": drill, "prompt": _next_prompt(palace, drill, 0)}
    headers = {CHANGE_SEQ_HEADER: str(tx.seq), "Location": f"/api/v1/memory_drills/{drill['_id']}"}
    return json_response(payload, 201, headers)


@router.post(
    "/api/v1/memory_drills/{drill_id}/answer",
    summary="Answer the location a drill asks for: scored, and the next prompt",
    responses={409: {"description": "The drill is over, or asks for another location now."}},
)
async def answer(drill_id: str, body: Answer, caller: SignedIn, ctx: Context) -> Response:
    """Scores `items` against the location's items in order (docs/mind.md: case, accents and
    small slips forgiven; an item in another place counts half) and answers the location's
    `result` item by item, the drill as it stands, and the next `prompt` (null once the last
    location is answered: the drill is then `finished` with its `score` in percent). Answering
    another location than the one asked for, or a drill that is over, is a 409."""
    async with ctx.store.write() as tx:
        drill = await crud.load_for_write(tx, MEMORY_DRILLS, caller, drill_id, "owner")
        if drill["status"] != "open":
            raise Conflict("This drill is over: start a new one from its palace.")
        palace = await _palace(tx, caller, drill["palaceId"])
        prompt = _next_prompt(palace, drill, drill["step"])
        if prompt is None or prompt["locationId"] != body.locationId:
            asked = f"location {prompt['locationId']!r}" if prompt else "nothing more"
            raise Conflict(f"This drill asks for {asked} now: answer that one.")
        location = _locations(palace)[body.locationId]
        result, correct, misplaced = location_result(location, body.items)
        drill = {
            **drill,
            "step": prompt["step"] + 1,
            "results": [*drill["results"], result],
            "points": drill["points"] + result["points"],
            "itemsCorrect": drill["itemsCorrect"] + correct,
            "itemsMisplaced": drill["itemsMisplaced"] + misplaced,
        }
        following = _next_prompt(palace, drill, drill["step"])
        if following is None:
            now = utcnow()
            closed = finished_drill(drill, parse_timestamp(drill["startedAt"]), now)
            drill.update({**closed, "finishedAt": isoformat_z(now)})
        changed = {name: value for name, value in drill.items() if name not in ("_id", "userId")}
        stored = await crud.update_server_row(tx, MEMORY_DRILLS, drill, changed)
    score = round(100 * result["points"] / len(location["items"]), 1)
    payload = {"drill": stored, "result": {**result, "score": score}, "prompt": following}
    return json_response(payload, headers={CHANGE_SEQ_HEADER: str(tx.seq)})


@router.get("/api/v1/memory_drills/{drill_id}/prompt", summary="Where an open drill stands")
async def current_prompt(drill_id: str, caller: SignedIn, ctx: Context) -> Response:
    """The drill and the location it asks for now (null once it is over): to resume a drill."""
    async with ctx.store.read() as tx:
        drill = await crud.get(tx, MEMORY_DRILLS, caller, drill_id)
        prompt = None
        if drill["status"] == "open":
            prompt = _next_prompt(
                await _palace(tx, caller, drill["palaceId"]), drill, drill["step"]
            )
    return json_response({"drill": drill, "prompt": prompt})


def _location_accuracy(
    palace: dict[str, Any], drills: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each location of the palace now, with how well it was recalled over the drills."""
    points: dict[str, float] = {}
    totals: dict[str, int] = {}
    drilled: dict[str, int] = {}
    for drill in drills:
        for result in drill["results"]:
            key = result["locationId"]
            expected = sum(1 for item in result["items"] if item["expected"] is not None)
            points[key] = points.get(key, 0.0) + result["points"]
            totals[key] = totals.get(key, 0) + expected
            drilled[key] = drilled.get(key, 0) + 1
    return [
        {
            "locationId": location["id"],
            "name": location["name"],
            "drills": drilled.get(location["id"], 0),
            "accuracy": round(100 * points[location["id"]] / totals[location["id"]], 1)
            if totals.get(location["id"])
            else None,
        }
        for location in palace["locations"]
    ]


@router.get(
    "/api/v1/memory_palaces/{palace_id}/progress",
    summary="My recall of a memory palace over time",
)
async def progress(palace_id: str, caller: SignedIn, ctx: Context) -> Response:
    """The palace's finished drills, oldest first (the latest 200): when, score, items recalled
    in place and misplaced, of how many, and how long it took; the first, latest and best
    scores; and each location's accuracy over those drills (points earned of points possible),
    to show which rooms need another walk."""
    async with ctx.store.read() as tx:
        palace = await crud.get(tx, MEMORY_PALACES, caller, palace_id)
        latest = await crud.select_documents(
            tx,
            "memory_drills",
            '"userId" = :me AND "palaceId" = :palace AND status = :finished',
            {"me": caller.id, "palace": palace_id, "finished": "finished"},
            f'ORDER BY "startedAt" DESC, "_id" DESC LIMIT {PROGRESS_SHOWN}',
        )
    drills = latest[::-1]
    scores = [drill["score"] for drill in drills]
    payload = {
        "palaceId": palace_id,
        "name": palace["name"],
        "count": len(drills),
        "first": scores[0] if scores else None,
        "latest": scores[-1] if scores else None,
        "best": max(scores) if scores else None,
        "change": round(scores[-1] - scores[0], 1) if scores else None,
        "drills": [
            {
                "_id": drill["_id"],
                "startedAt": drill["startedAt"],
                "finishedAt": drill["finishedAt"],
                "score": drill["score"],
                "itemsCorrect": drill["itemsCorrect"],
                "itemsMisplaced": drill["itemsMisplaced"],
                "itemsTotal": drill["itemsTotal"],
                "durationSeconds": drill["durationSeconds"],
            }
            for drill in drills
        ],
        "locations": _location_accuracy(palace, drills),
    }
    return json_response(payload)
