"""Mind module tables: chess_puzzles (with the additions chess_puzzle_catalogue,
chess_puzzle_attempts and chess_puzzle_ratings, docs/mind.md "Chess puzzles"), stoic_quotes,
debate_sessions, memory_palaces, memory_drills, logic_puzzles, code_projects, strategies;
cube_times and the cubing additions are declared in `mind/cubing/tables.py`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from whitecell.core import defaults
from whitecell.core.bodies import Annotation, StrictObject
from whitecell.core.tables import (
    ANNOTATED_BODY_BYTES,
    ANNOTATIONS_MAX_BYTES,
    LONG_TEXT_BODY_BYTES,
    SERVER_WRITTEN,
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
from whitecell.mind.cubing.tables import CUBE_TIMES  # noqa: F401  (declared with cubing's own)
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


# Server-written: each row is an attempt the server checked move by move, written when it ended
# (docs/mind.md, "Chess puzzles"); `timeSpent` in seconds by the server's clock, `attempts` this
# user's tries at the puzzle so far, `userRating` the puzzle rating played at and the addition
# `ratingAfter` the rating it left.
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
        "ratingAfter": integer(required=False, ge=0, le=4000),
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "date"), ("userId", "solved"), ("userId", "lichessPuzzleId")],
    order="-date",
)

# Addition: the puzzles one can play, from the Lichess puzzle database (CC0), owned by no user.
# `_id` is the Lichess PuzzleId; `fen` is the position before the opponent's move and `moves`
# the UCI line from that move on, kept on the server: a finished attempt shows it.
CHESS_PUZZLE_CATALOGUE = Table(
    "chess_puzzle_catalogue",
    "mind",
    {
        "fen": string(max_length=100),
        "moves": string(max_length=1000, private=True),
        "rating": integer(ge=0, le=4000),
        "ratingDeviation": integer(ge=0, le=1000),
        "popularity": integer(ge=-100, le=100),
        "nbPlays": integer(ge=0),
        "themes": list_of(Kind.STRING, max_length=100, max_items=50),
        "gameUrl": string(required=False, max_length=200),
        "openingTags": list_of(Kind.STRING, max_length=100, max_items=50),
    },
    access=Access(read="signed_in", create="nobody", update="nobody", delete="nobody"),
    owned=False,
    indexes=[("rating",)],
    extra_filters=("themes", "openingTags"),
    order="rating",
)

# Addition: a puzzle being played, one move at a time through `/api/v1/chess_puzzles/attempts`.
# `fen` is the position now, `played` the line's moves played so far (the opponent's first
# included); `line`, the solution, never leaves the server.
CHESS_PUZZLE_ATTEMPTS = Table(
    "chess_puzzle_attempts",
    "mind",
    {
        "puzzleId": string(max_length=16),
        "fen": string(max_length=100),
        "side": choice("white", "black"),
        "played": list_of(Kind.STRING, max_length=5, max_items=200),
        "status": choice("open", "solved", "failed"),
        "hintUsed": boolean(),
        "difficulty": integer(ge=0, le=4000),
        "line": string(required=False, max_length=1000, private=True),  # always set
        "startedAt": timestamp(),
        "finishedAt": timestamp(required=False),
        "resultId": string(required=False, max_length=64),  # its chess_puzzles row, once ended
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "startedAt")],
    order="-startedAt",
    created_at="startedAt",
)

# Addition: each user's Glicko-2 puzzle rating (docs/mind.md), written as attempts end.
CHESS_PUZZLE_RATINGS = Table(
    "chess_puzzle_ratings",
    "mind",
    {
        "rating": number(ge=0, le=4000),
        "deviation": number(ge=0, le=1000),
        "volatility": number(ge=0, le=10),
        "games": integer(ge=0),
        "updatedAt": timestamp(),
    },
    access=SERVER_WRITTEN,
    unique=[("userId",)],
    updated_at="updatedAt",
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
        # Written by the coach (`POST /debate_sessions/{id}/counter`, docs/ai.md, "Debate"):
        # empty until it has answered. The additions `aiReply` (its answer to the rebuttal) and
        # `aiModel` (`offline`, or the model that wrote them) too.
        "aiCounterargument": text(max_length=20_000, default="", server=True),
        "userRebuttal": text(required=False, max_length=20_000),
        "aiReply": text(required=False, max_length=20_000, server=True),
        "aiModel": string(required=False, max_length=200, server=True),
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

# Written by the server alone (docs/mind.md, "Sudoku"): `POST /logic_puzzles/new` serves one,
# `/check` and `/hint` play it; its owner may only read it and delete it.
LOGIC_PUZZLES = Table(
    "logic_puzzles",
    "mind",
    {
        "puzzleId": string(max_length=200),
        "puzzleType": choice("sudoku", "logic_grid", "pattern"),
        "difficulty": choice("easy", "medium", "hard", "expert"),
        "solved": boolean(),
        "timeSpent": integer(ge=0),  # seconds, from serving to the last check (server clock)
        "date": timestamp(default=defaults.now),
        "hints": integer(default=0),
        # Additions: the grid served, the last grid the player sent, the moment it was solved.
        "givens": string(required=False, max_length=81),
        "grid": string(required=False, max_length=81),
        "solvedAt": timestamp(required=False),
        "solution": string(required=False, max_length=81, private=True),
    },
    access=Access(create="nobody", update="nobody", delete="owner"),
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
    CHESS_PUZZLE_CATALOGUE,
    CHESS_PUZZLE_ATTEMPTS,
    CHESS_PUZZLE_RATINGS,
    STOIC_QUOTES,
    DEBATE_SESSIONS,
    MEMORY_PALACES,
    MEMORY_DRILLS,
    LOGIC_PUZZLES,
    CODE_PROJECTS,
    STRATEGIES,
)
