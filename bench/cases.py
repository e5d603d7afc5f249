"""The cases `make bench` measures (bench/README.md, "What is measured"): for each, the API's
requests and what they are compared with (the bare-driver floor, or another API request), built
from the dataset's manifest."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from bench.dataset import Manifest
from bench.history import PROGRAM, five_by_four
from bench.load import Request
from bench.rows import exercise
from whitecell.core.clock import isoformat_z, utcnow


@dataclass(frozen=True)
class Case:
    key: str
    name: str
    # (API requests, floor requests): the same targets under /api/v1 and /floor.
    requests: Callable[[Manifest], tuple[list[Request], list[Request]]]
    # What the second list is: the floor (the same answer on the bare driver), or another API
    # request to be compared with, whose answers differ ("baseline", with the ratio it needs).
    baseline: str = "floor"
    goal: float | None = 0.5  # None: shown, not a goal of any issue
    # A baseline whose answers are the API's (the same request with work left out): checked
    # alike as a floor's are.
    alike: bool = False
    # Each API request changes what it targets (a chess move moves its attempt on), so none may
    # be sent twice: the list is walked in order, once, the checks, the warm-up and each
    # measured half taking a part of their own (`Options.once_slices`).
    once: bool = False
    # What each checked API answer must say besides succeeding: None when it does, else why not.
    expect: Callable[[Any], str | None] | None = None
    # A write the gamification engine scores: measured again on a server with the engine out of
    # the API process ("..., scoring elsewhere", as with `whitecell gamification run` beside it).
    elsewhere: bool = False


def _pair(method: str, path: str, token: str, body: str | None = None) -> tuple[Request, Request]:
    return (
        Request(method, f"/api/v1/{path}", token, body),
        Request(method, f"/floor/{path}", token, body),
    )


def _split(pairs: list[tuple[Request, Request]]) -> tuple[list[Request], list[Request]]:
    return [a for a, _ in pairs], [f for _, f in pairs]


def due_cards(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    query = urlencode(
        {"nextReviewDate[lte]": isoformat_z(utcnow()), "order": "nextReviewDate", "limit": 20}
    )
    return _split([_pair("GET", f"flashcards?{query}", u.token) for u in manifest.users])


def note_by_id(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    return _split([_pair("GET", f"notes/{n}", u.token) for u in manifest.users for n in u.notes])


def notes_search(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    words = manifest.words
    return _split(
        [
            _pair("GET", f"notes?search={quote(words[(i * 5 + k) % len(words)])}", u.token)
            for i, u in enumerate(manifest.users)
            for k in range(5)
        ]
    )


def create_workout(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    rng = random.Random(3)
    today = utcnow().date().isoformat()
    pairs = []
    for user in manifest.users:
        body = {
            "date": today,
            "type": "strength",
            "name": "Leg day",
            "duration": 50,
            "intensity": "high",
            "calories": 450,
            "exercises": [exercise(rng) for _ in range(4)],
        }
        pairs.append(_pair("POST", "workouts", user.token, json.dumps(body)))
    return _split(pairs)


BODIES_PER_HISTORY_USER = 10


def _five_by_four(manifest: Manifest, left_out: str) -> tuple[list[Request], list[Request]]:
    """5 lifts x 4 sets on users with three years of them (bench/history.py): each create
    finds its records against that history. Compared with the same request to the API with a
    part of the fitness engine left out (`bench.app.LEFT_OUT`, under the prefix `left_out`):
    the ratio is the share of a create that part leaves."""
    rng = random.Random(5)
    today = utcnow().date().isoformat()
    pairs = []
    for _ in range(BODIES_PER_HISTORY_USER):
        for user in (u for u in manifest.users if u.history):
            body = {
                "date": today,
                "type": "strength",
                "name": "Strength A",
                "duration": 60,
                "calories": 450,
                "intensity": "high",
                "exercises": five_by_four(user.index, rng, today),
            }
            api, _ = _pair("POST", "workouts", user.token, json.dumps(body))
            pairs.append(
                (api, Request("POST", f"{left_out}/api/v1/workouts", user.token, api.body))
            )
    return _split(pairs)


def create_workout_5x4(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    """Against the create without record detection (issue 13: records cost at most 20%)."""
    return _five_by_four(manifest, "/norecords")


def create_workout_5x4_derived(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    """Against the create without any derived work (records, `workout_exercises`, the
    exercises' counts): what the fitness engine costs a create in all."""
    return _five_by_four(manifest, "/plain")


def exercise_history(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    return _split(
        [
            _pair("GET", f"workouts/exercises/{quote(name)}/history", user.token)
            for user in manifest.users
            if user.history
            for name, _ in PROGRAM
        ]
    )


def cube_stats(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    """Statistics of 10,000 solves against the plain list of 20 of them (issue 14: within 3x):
    both through the API, for the users with solves (bench/cubing.py)."""
    users = [u for u in manifest.users if u.cubes]
    stats = [Request("GET", "/api/v1/cube_times/stats?cubeType=3x3", u.token) for u in users]
    listed = [Request("GET", "/api/v1/cube_times?cubeType=3x3&limit=20", u.token) for u in users]
    return stats, listed


def chess_moves(ends: bool) -> Callable[[Manifest], tuple[list[Request], list[Request]]]:
    """The right next move of an open attempt with its progress (bench/chess.py), each attempt
    once, users in turn: moves the opponent answers (`ends` False) or moves that solve their
    attempt; against the plain GET of a note by id of the same users through the API (issue
    14: a move check within 2x of it)."""
    kind = "ends" if ends else "goes"

    def requests(manifest: Manifest) -> tuple[list[Request], list[Request]]:
        users = [(u, [m for m in u.chess if m[3] == kind]) for u in manifest.users if u.chess]
        moves = [
            Request(
                "POST",
                f"/api/v1/chess_puzzles/attempts/{steps[k][0]}/moves",
                u.token,
                json.dumps({"move": steps[k][1], "progress": steps[k][2]}),
            )
            for k in range(max((len(steps) for _, steps in users), default=0))
            for u, steps in users
            if k < len(steps)
        ]
        notes = [Request("GET", f"/api/v1/notes/{n}", u.token) for u, _ in users for n in u.notes]
        return moves, notes

    return requests


def _page_and_api(page: str, api: str) -> Callable[[Manifest], tuple[list[Request], list[Request]]]:
    """Each user's web page (the session in its cookie) against the API request that carries
    the same data (a bearer token)."""

    def requests(manifest: Manifest) -> tuple[list[Request], list[Request]]:
        pages = [Request("GET", page, u.token, cookie=True) for u in manifest.users]
        return pages, [Request("GET", f"/api/v1/{api}", u.token) for u in manifest.users]

    return requests


def shows(marker: str) -> Callable[[Any], str | None]:
    """A page's answer must be the page itself (not the sign-in page it would redirect to)."""

    def check(answer: Any) -> str | None:
        if isinstance(answer, str) and marker in answer:
            return None
        return f"the page lacks {marker!r}: {str(answer)[:300]}"

    return check


def coach_message(manifest: Manifest) -> tuple[list[Request], list[Request]]:
    """A message to the (offline) coach appended to a conversation of 5,000 messages, against
    the same appended to a conversation that started empty (issue 16: within 2x of it)."""
    users = [u for u in manifest.users if u.chats]
    body = json.dumps({"content": "How should I space my chain rule revision?"})

    def appends(which: int) -> list[Request]:
        path = "/api/v1/ai_conversations/{}/messages"
        return [Request("POST", path.format(u.chats[which]), u.token, body) for u in users]

    return appends(0), appends(1)


def replied(answer: Any) -> str | None:
    if isinstance(answer, dict) and answer.get("reply", {}).get("role") == "assistant":
        return None
    return f"no reply: {str(answer)[:300]}"


def right_move(ends: bool) -> Callable[[Any], str | None]:
    """A move's answer must find it right, and solved exactly when it `ends` the attempt."""

    def check(answer: Any) -> str | None:
        found = (answer.get("correct"), answer.get("solved")) if isinstance(answer, dict) else ()
        if found == (True, ends):
            return None
        return f"the move was not found right (solved: {ends}): {str(answer)[:300]}"

    return check


CASES = (
    Case("due", "due flashcards", due_cards),
    Case("note", "note by id", note_by_id),
    Case("search", "notes search", notes_search),
    Case("workout", "create workout", create_workout, elsewhere=True),
    Case(
        "workout5x4",
        "create workout 5x4 (3y history)",
        create_workout_5x4,
        "create without record detection",
        0.8,
        alike=True,
    ),
    Case(
        "workout5x4derived",
        "create workout 5x4 (3y history), all derived work",
        create_workout_5x4_derived,
        "create without derived work",
        None,
        alike=True,
    ),
    Case("history", "exercise history (3y)", exercise_history),
    Case("cubestats", "cube stats (10k solves)", cube_stats, "list of 20 solves", 1 / 3),
    Case(
        "chess",
        "chess move check",
        chess_moves(ends=False),
        "note by id through the API",
        once=True,
        expect=right_move(ends=False),
    ),
    Case(
        "chessend",
        "chess move that ends the attempt",
        chess_moves(ends=True),
        "note by id through the API",
        None,
        once=True,
        expect=right_move(ends=True),
        elsewhere=True,
    ),
    Case(
        "coach",
        "coach message, 5,000-message conversation",
        coach_message,
        "the same, to a conversation that started empty",
        expect=replied,
    ),
    # Issue 15, "Speed": each page within 1.5x of the API request carrying the same data.
    Case(
        "dashpage",
        "dashboard page",
        _page_and_api("/", "dashboard"),
        "GET /api/v1/dashboard",
        1 / 1.5,
        expect=shows('data-testid="xp-today"'),
    ),
    Case(
        "reviewpage",
        "review page",
        _page_and_api("/study/review", "flashcards/due"),
        "GET /api/v1/flashcards/due",
        1 / 1.5,
        expect=shows('id="review-progress"'),
    ),
)
