"""Mind module tables: chess_puzzles, cube_times, stoic_quotes, debate_sessions, memory_palaces,
logic_puzzles, code_projects, strategies."""

from __future__ import annotations

from pydantic import Field

from whitecell.core import defaults
from whitecell.core.bodies import Annotation, StrictObject
from whitecell.core.tables import (
    ANNOTATED_BODY_BYTES,
    ANNOTATIONS_MAX_BYTES,
    LONG_TEXT_BODY_BYTES,
    Access,
    Kind,
    Table,
    Upload,
    boolean,
    choice,
    integer,
    link,
    list_of,
    objects,
    register,
    string,
    text,
    timestamp,
)
from whitecell.core.types import Text
from whitecell.mind.rules import present_quote


class MemoryLocation(StrictObject):
    id: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field(max_length=5000)
    items: list[Text] = Field(max_length=500)


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
    },
    access=Access(read="signed_in", create="admin", update="admin", delete="admin"),
    owned=False,
    indexes=[("author",), ("theme",), ("createdAt",)],
    search=("quote", "author", "theme"),
    order="-createdAt",
    created_at="createdAt",
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
    LOGIC_PUZZLES,
    CODE_PROJECTS,
    STRATEGIES,
)
