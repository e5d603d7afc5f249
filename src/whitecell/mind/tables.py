"""Mind module tables: chess_puzzles, cube_times, stoic_quotes, debate_sessions, memory_palaces,
memory_drills, logic_puzzles, code_projects, strategies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from whitecell.core import defaults
from whitecell.core.bodies import Annotation, StrictObject
from whitecell.core.tables import (
    ANNOTATED_BODY_BYTES,
    ANNOTATIONS_MAX_BYTES,
    LONG_TEXT_BODY_BYTES,
    Access,
    ComputeContext,
    Kind,
    Table,
    Upload,
    boolean,
    choice,
    integer,
    link,
    list_of,
    number,
    objects,
    register,
    string,
    text,
    timestamp,
)
from whitecell.core.types import Int64, Number, Text
from whitecell.mind.hooks import drills_of_deleted_palace
from whitecell.mind.languages import canonical_language
from whitecell.mind.rules import present_quote
from whitecell.mind.stoic import known_theme


class MemoryLocation(StrictObject):
    id: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field(max_length=5000)
    items: list[Text] = Field(max_length=500)


class DrillItem(StrictObject):
    position: Int64 = Field(ge=0)
    expected: Text | None = Field(None, max_length=10_000)
    answer: Text | None = Field(None, max_length=10_000)
    verdict: Literal["correct", "misplaced", "wrong", "missed", "extra"]
    exact: bool


class DrillLocation(StrictObject):
    locationId: Text = Field(max_length=64)
    name: Text = Field(max_length=200)
    items: list[DrillItem] = Field(max_length=1000)
    points: Number = Field(ge=0)


async def _stoic_quote(ctx: ComputeContext) -> None:
    if ctx.sent.get("theme") is not None:
        ctx.document["theme"] = known_theme("theme", ctx.sent["theme"])


async def _code_project(ctx: ComputeContext) -> None:
    if ctx.sent.get("language") is not None:
        ctx.document["language"] = canonical_language("language", ctx.sent["language"])


CHESS_PUZZLES = Table(
    "chess_puzzles",
    "mind",
    {
        "lichessPuzzleId": string(max_length=16),
        "date": timestamp(default=defaults.now),
        "solved": boolean(),
        "timeSpent": integer(ge=0),
        "difficulty": integer(ge=0, le=4000),  # the puzzle's Lichess rating
        "attempts": integer(ge=1, default=1),
        "hintUsed": boolean(),
        "userRating": integer(required=False, ge=0, le=4000),
    },
    indexes=[("userId", "date"), ("userId", "solved")],
    order="-date",
)

CUBE_TIMES = Table(
    "cube_times",
    "mind",
    {
        "cubeType": choice("2x2", "3x3", "4x4", "pyraminx"),
        "time": integer(ge=0, le=24 * 3600 * 1000),  # milliseconds
        "scramble": string(max_length=500),
        "date": timestamp(default=defaults.now),
        "dnf": boolean(),
        "plusTwo": boolean(),
        # A grouping key chosen by the client (csTimer's "session"); the spec has no table for it.
        "sessionId": string(required=False, max_length=64),
    },
    indexes=[
        ("userId", "cubeType"),
        ("userId", "date"),
        ("userId", "time"),
        ("userId", "sessionId"),
    ],
    order="-date",
)

STOIC_QUOTES = Table(
    "stoic_quotes",
    "mind",
    {
        "quote": text(max_length=10_000),
        "author": string(max_length=200),
        "source": string(required=False, max_length=300),
        "reflection": text(required=False, max_length=10_000),
        "theme": string(required=False, max_length=100),
        "createdAt": timestamp(),
        "savedBy": list_of(Kind.ID, ref="users", ref_scope="any", server=True, max_items=1_000_000),
        # An addition: the shipped corpus's key of the quote (mind/corpus.py), null for others.
        "corpusKey": string(required=False, max_length=None, server=True),
    },
    access=Access(read="signed_in", create="admin", update="admin", delete="admin"),
    owned=False,
    indexes=[("author",), ("theme",), ("createdAt",)],
    unique=[("corpusKey",)],
    search=("quote", "author", "theme"),
    order="-createdAt",
    created_at="createdAt",
    compute=_stoic_quote,
    present=present_quote,
)

DEBATE_SESSIONS = Table(
    "debate_sessions",
    "mind",
    {
        "topic": string(max_length=500),
        "userArgument": text(max_length=20_000),
        "aiCounterargument": text(max_length=20_000),
        "userRebuttal": text(required=False, max_length=20_000),
        "quality": integer(required=False, ge=1, le=5),
        "date": timestamp(default=defaults.now),
    },
    indexes=[("userId", "date")],
    order="-date",
)

MEMORY_PALACES = Table(
    "memory_palaces",
    "mind",
    {
        "name": string(max_length=200),
        "description": text(required=False, max_length=5000),
        "locations": objects(MemoryLocation, max_items=500),
        "createdAt": timestamp(),
    },
    indexes=[("userId", "createdAt")],
    order="-createdAt",
    created_at="createdAt",
    on_delete=drills_of_deleted_palace,
)

# An addition (docs/mind.md, "Memory palaces"): a recall drill of a palace, written by the server
# as the drill goes (`POST /api/v1/memory_palaces/{id}/drill`, mind/drills.py), its owner's only.
MEMORY_DRILLS = Table(
    "memory_drills",
    "mind",
    {
        "palaceId": string(max_length=64, server=True),
        "palaceName": string(max_length=200, server=True),
        "status": choice("open", "finished", "abandoned", server=True),
        # The locations asked, in the palace's order (those with items when the drill began).
        "locationIds": list_of(Kind.STRING, max_length=64, max_items=500, server=True),
        "step": integer(default=0, server=True),  # how many locations are answered
        "itemsTotal": integer(server=True),
        "itemsCorrect": integer(default=0, server=True),
        "itemsMisplaced": integer(default=0, server=True),
        "points": number(default=0, server=True),
        "score": number(required=False, ge=0, le=100, server=True),  # percent, once finished
        "results": objects(DrillLocation, required=False, server=True, max_items=500),
        "startedAt": timestamp(),
        "finishedAt": timestamp(required=False, server=True),
        "durationSeconds": integer(required=False, server=True),
    },
    access=Access(create="nobody", update="nobody", delete="owner"),
    indexes=[("userId", "palaceId", "startedAt"), ("userId", "startedAt")],
    order="-startedAt",
    created_at="startedAt",
)

LOGIC_PUZZLES = Table(
    "logic_puzzles",
    "mind",
    {
        "puzzleId": string(max_length=200),
        "puzzleType": choice("sudoku", "logic_grid", "pattern"),
        "difficulty": choice("easy", "medium", "hard", "expert"),
        "solved": boolean(),
        "timeSpent": integer(ge=0),
        "date": timestamp(default=defaults.now),
        "hints": integer(default=0),
    },
    indexes=[("userId", "date")],
    order="-date",
)

CODE_PROJECTS = Table(
    "code_projects",
    "mind",
    {
        "title": string(max_length=300),
        "description": text(required=False, max_length=10_000),
        "code": text(max_length=1_000_000),
        "language": string(max_length=50),
        "tags": list_of(Kind.STRING, max_length=50, max_items=50),
        "isPublic": boolean(),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
    },
    access=Access(read="owner_or_public", public_flag="isPublic"),
    indexes=[("userId", "updatedAt"), ("userId", "language"), ("isPublic", "updatedAt")],
    search=("title", "language", "description"),
    order="-updatedAt",
    created_at="createdAt",
    updated_at="updatedAt",
    max_body_bytes=LONG_TEXT_BODY_BYTES,
    compute=_code_project,
)

STRATEGIES = Table(
    "strategies",
    "mind",
    {
        "title": string(max_length=300),
        "description": text(required=False, max_length=10_000),
        "category": choice("chess", "business", "military", "game_theory"),
        "pdfUrl": link(),
        "uploadedAt": timestamp(),
        "rating": integer(required=False, ge=1, le=5),
        "annotations": objects(
            Annotation, required=False, max_items=10_000, max_bytes=ANNOTATIONS_MAX_BYTES
        ),
    },
    indexes=[("userId", "category"), ("userId", "uploadedAt")],
    search=("title", "category", "description"),
    order="-uploadedAt",
    created_at="uploadedAt",
    upload=Upload("pdfUrl"),
    max_body_bytes=ANNOTATED_BODY_BYTES,
)

register(
    CHESS_PUZZLES,
    CUBE_TIMES,
    STOIC_QUOTES,
    DEBATE_SESSIONS,
    MEMORY_PALACES,
    MEMORY_DRILLS,
    LOGIC_PUZZLES,
    CODE_PROJECTS,
    STRATEGIES,
)
