"""Mind module: a daily Lichess puzzle, cubing sessions, sudoku, debates, memory palaces (and
their drills), code, strategy PDFs, and a few quotes of the shared Stoic corpus saved (the corpus
itself is the shipped one, mind/corpus.py, loaded here too in case the database predates it)."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z
from whitecell.core.documents import codec
from whitecell.core.tables import REGISTRY
from whitecell.demo import placeholders
from whitecell.demo.mind_texts import CODE, DEBATES, PALACES, STRATEGIES, palace_locations
from whitecell.demo.puzzles import PUZZLES
from whitecell.demo.writer import Timeline, Writer
from whitecell.mind.corpus import load_corpus
from whitecell.mind.puzzles.catalogue import sample_puzzles, store_puzzles
from whitecell.mind.puzzles.play import line_of, wrong_move
from whitecell.mind.puzzles.ratings import rating_of, shown
from whitecell.mind.puzzles.solving import start_attempt, submit_move
from whitecell.mind.recall import finished_drill, location_result
from whitecell.mind.sudoku.generator import from_bank
from whitecell.mind.sudoku.grid import format_grid
from whitecell.mind.sudoku.techniques import DIFFICULTIES

SAVED_THEMES = ("control", "time", "habits", "adversity", "purpose")
DRILL_DAYS = (21, 13, 4)  # days ago (in the demo's story) of the first palace's drills
SAVED_PER_THEME = 3

FACES = (("U", "D"), ("R", "L"), ("F", "B"))


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    await _quotes(w)
    await _chess(w, t, rng)
    await _cubing(w, t, rng)
    await _logic(w, t, rng)
    await _debates(w, t, rng)
    await _palaces(w, t, rng)
    await _code(w, t)
    await _strategies(w, t)


async def _quotes(w: Writer) -> None:
    """Load the shipped corpus if the database lacks it (re-runs add nothing), then save the
    first few quotes of some themes, in corpus-key order (the same ones on every run)."""
    w.counts["stoic_quotes"] += await load_corpus(w.tx)
    table = REGISTRY["stoic_quotes"]
    c = codec("stoic_quotes", w.tx.dialect.name)
    for theme in SAVED_THEMES:
        rows = await w.tx.all(
            f'SELECT {c.select_list} FROM stoic_quotes WHERE theme = :theme AND "corpusKey" '
            f'IS NOT NULL ORDER BY "corpusKey" LIMIT {SAVED_PER_THEME}',
            {"theme": theme},
        )
        for row in rows:
            document = c.document(row)
            # What `PUT /api/v1/stoic_quotes/{id}/saved` does (whitecell.mind.quotes).
            saved = [*document["savedBy"], w.caller.id]
            await crud.update_server_row(w.tx, table, document, {"savedBy": saved})
            w.counts["stoic_quotes.savedBy"] += 1


async def _chess(w: Writer, t: Timeline, rng: random.Random) -> None:
    """Most days one puzzle, easiest first, played through the server's attempts as a client
    plays them (its rating moves by Glicko-2); hard ones are often missed. Each attempt's
    stamps are then moved back to its day."""
    await store_puzzles(w.tx, sample_puzzles({p.puzzle_id for p in PUZZLES}))
    puzzles = iter(PUZZLES)
    for day in t.dates():
        if rng.random() < 0.28 or t.is_sick_day(day) or not t.happened(day, 22, 30):
            continue
        puzzle = next(puzzles, None)
        if puzzle is None:
            break
        rating = shown(await rating_of(w.tx, w.caller.id or ""))["rating"]
        expected = 1 / (1 + 10 ** ((puzzle.rating - rating) / 400))
        solves = rng.random() < expected + 0.1
        state = await start_attempt(w.tx, w.caller, puzzle.puzzle_id)
        result = None
        while result is None:
            played = tuple(state["played"])
            if solves:
                move = line_of(puzzle.moves)[len(played)]
            else:
                move = wrong_move(state["fen"], puzzle.moves, played)
            outcome = await submit_move(w.tx, w.caller, state["_id"], move)
            state, result = outcome.attempt, outcome.result
        started = t.at(day, 22, rng.randrange(30))
        ended = started + timedelta(seconds=int(20 + puzzle.rating / 12 + rng.randrange(90)))
        spent = int((ended - started).total_seconds())
        await _backdated(w, "chess_puzzle_attempts", state, startedAt=started, finishedAt=ended)
        await _backdated(w, "chess_puzzles", result, date=ended, timeSpent=spent)
    if (rating_row := await rating_of(w.tx, w.caller.id or "")) is not None:
        w.made["chess_puzzle_ratings"][rating_row["_id"]] = rating_row
        w.counts["chess_puzzle_ratings"] += 1


async def _backdated(w: Writer, table_name: str, document: dict[str, Any], **values: Any) -> None:
    """A row the server wrote in this transaction, its clocks moved back to its day (the change
    events it recorded amended too), kept for the demo's XP step."""
    changes = {k: isoformat_z(v) if isinstance(v, datetime) else v for k, v in values.items()}
    stored = await crud.amend_new_row(w.tx, REGISTRY[table_name], document["_id"], changes)
    w.made[table_name][stored["_id"]] = stored
    w.counts[table_name] += 1


def scramble(rng: random.Random, moves: int, faces: tuple[tuple[str, ...], ...] = FACES) -> str:
    """A random-move scramble (no face twice in a row, no axis three times): WCA scramblers use
    random states, which the demo does not need."""
    out: list[str] = []
    axes: list[int] = []
    while len(out) < moves:
        axis = rng.randrange(len(faces))
        face = rng.choice(faces[axis])
        if out and out[-1][0] == face:
            continue
        if len(axes) >= 2 and axes[-1] == axes[-2] == axis:
            continue
        out.append(face + rng.choice(("", "'", "2")))
        axes.append(axis)
    return " ".join(out)


async def _cubing(w: Writer, t: Timeline, rng: random.Random) -> None:
    """3x3 sessions of twelve solves three evenings a week, and a few 2x2 solves on Sundays."""
    for day in t.dates():
        if day.weekday() not in (1, 3, 6) or t.is_sick_day(day) or not t.happened(day, 21, 30):
            continue
        progress = (day - t.first_day).days
        sessions = [("3x3", "main-3x3", 12, 27_500 - 110 * progress, 2_300)]
        if day.weekday() == 6:
            sessions.append(("2x2", "2x2", 5, 8_200 - 40 * progress, 1_400))
        start = t.at(day, 21, 0)
        for cube, session, count, mean, spread in sessions:
            for n in range(count):
                time_ms = max(int(mean * 0.7), int(rng.gauss(mean, spread)))
                penalty = rng.random()  # about 1 in 50 a DNF, 1 in 25 a +2
                moves = (
                    scramble(rng, 20)
                    if cube == "3x3"
                    else scramble(rng, 10, (("U",), ("R",), ("F",)))
                )
                solved_at = start + timedelta(seconds=55 * n)
                # Timed against a scramble the server served, as the app does (docs/mind.md).
                served = await w.insert_server_row(
                    "cube_scrambles",
                    {
                        "cubeType": cube,
                        "scramble": moves,
                        "method": "random-moves",
                        "servedAt": solved_at - timedelta(seconds=45),
                    },
                )
                await w.create(
                    "cube_times",
                    {
                        "cubeType": cube,
                        "time": time_ms,
                        "scramble": moves,
                        "scrambleId": served["_id"],
                        "date": solved_at,
                        "dnf": penalty < 0.02,
                        "plusTwo": 0.02 <= penalty < 0.06,
                        "sessionId": session,
                    },
                )
            start += timedelta(minutes=15)


async def _logic(w: Writer, t: Timeline, rng: random.Random) -> None:
    """Sudoku as the server serves and checks them (docs/mind.md): banked puzzles, solved at
    the time they were served plus the time spent; some expert ones left half done."""
    kinds = [
        ("easy", (240, 480)),
        ("medium", (420, 900)),
        ("hard", (900, 1800)),
        ("medium", (600, 1500)),
        ("easy", (60, 240)),
        ("expert", (1800, 3600)),
    ]
    for n, day in enumerate(t.dates()[1::3]):
        if t.is_sick_day(day) or not t.happened(day, 13, 0):
            continue
        difficulty, (low, high) = kinds[n % len(kinds)]
        puzzle = from_bank(DIFFICULTIES.index(difficulty), rng)
        givens, solution = format_grid(puzzle.givens), format_grid(puzzle.solution)
        solved = difficulty != "expert" or rng.random() < 0.4
        served = t.at(day, 13, rng.randrange(60))
        spent = min(rng.randrange(low, high), int((t.now - served).total_seconds()))
        body: dict[str, Any] = {
            "puzzleId": "sudoku-" + hashlib.sha256(givens.encode()).hexdigest()[:16],
            "puzzleType": "sudoku",
            "difficulty": difficulty,
            "solved": solved,
            "timeSpent": spent,
            "date": served,
            "hints": 0 if difficulty in ("easy", "medium") else rng.randrange(0, 3),
            "givens": givens,
            "grid": solution if solved else _half_done(givens, solution),
        }
        if solved:
            body["solvedAt"] = served + timedelta(seconds=spent)
        await w.insert_server_row("logic_puzzles", body, private={"solution": solution})


def _half_done(givens: str, solution: str) -> str:
    """The grid of a puzzle left half way: the first half of its empty cells filled."""
    empty = [n for n, digit in enumerate(givens) if digit == "0"]
    filled = set(empty[: len(empty) // 2])
    return "".join(solution[n] if n in filled else digit for n, digit in enumerate(givens))


async def _debates(w: Writer, t: Timeline, rng: random.Random) -> None:
    for topic, days_ago, argument, counter, rebuttal, quality in DEBATES:
        body: dict[str, Any] = {
            "topic": topic,
            "userArgument": argument,
            "date": t.at(t.story(days_ago), 20, rng.randrange(60)),
        }
        if rebuttal:
            body["userRebuttal"] = rebuttal
        if quality:
            body["quality"] = quality
        # The coach's counter-argument is the server's to write (docs/ai.md, "Debate").
        await w.insert_server_row(
            "debate_sessions", body, private={"aiCounterargument": counter, "aiModel": "demo"}
        )


async def _palaces(w: Writer, t: Timeline, rng: random.Random) -> None:
    for n, (name, description, locations) in enumerate(PALACES):
        palace = await w.create(
            "memory_palaces",
            {"name": name, "description": description, "locations": palace_locations(locations)},
            at=t.at(t.story(24 - 14 * n), 21),
        )
        if n == 0:
            await _drills(w, t, rng, palace)


async def _drills(w: Writer, t: Timeline, rng: random.Random, palace: dict[str, Any]) -> None:
    """Three walks through the first palace, each recalling more (what the drill routes write:
    mind/drills.py, scored by mind/recall.py); sometimes two items swapped, sometimes a slip."""
    for n, days_ago in enumerate(DRILL_DAYS):
        chance = 0.55 + 0.2 * n
        drill: dict[str, Any] = {"results": [], "points": 0.0, "correct": 0, "misplaced": 0}
        for location in palace["locations"]:
            answers = [
                _recalled(item, rng) if rng.random() < chance else "" for item in location["items"]
            ]
            if len(answers) > 1 and rng.random() < 0.25:
                answers[0], answers[1] = answers[1], answers[0]
            result, correct, misplaced = location_result(location, answers)
            drill["results"].append(result)
            drill["points"] += result["points"]
            drill["correct"] += correct
            drill["misplaced"] += misplaced
        started = t.at(t.story(days_ago), 21, 30)
        closed = finished_drill(drill, started, started + timedelta(seconds=rng.randrange(90, 240)))
        await crud.insert_server_row(
            w.tx,
            REGISTRY["memory_drills"],
            {
                "userId": w.caller.id,
                "palaceId": palace["_id"],
                "palaceName": palace["name"],
                "status": "finished",
                "locationIds": [location["id"] for location in palace["locations"]],
                "step": len(palace["locations"]),
                "itemsTotal": closed["itemsTotal"],
                "itemsCorrect": drill["correct"],
                "itemsMisplaced": drill["misplaced"],
                "points": drill["points"],
                "score": closed["score"],
                "results": drill["results"],
                "startedAt": isoformat_z(started),
                "finishedAt": isoformat_z(closed["finishedAt"]),
                "durationSeconds": closed["durationSeconds"],
            },
        )
        w.counts["memory_drills"] += 1


def _recalled(item: str, rng: random.Random) -> str:
    """What the demo user recalls of an item: its name ("Hydrogen"), now and then misspelt."""
    name = item.split(" (")[0].split(":")[0]
    if len(name) > 5 and rng.random() < 0.2:
        name = name[:2] + name[3] + name[2] + name[4:]  # two letters swapped: a forgiven slip
    return name


async def _code(w: Writer, t: Timeline) -> None:
    for title, description, language, tags, public, days_ago, code in CODE:
        created = t.at(t.story(days_ago), 16)
        await w.create(
            "code_projects",
            {
                "title": title,
                "description": description,
                "code": code,
                "language": language,
                "tags": tags,
                "isPublic": public,
            },
            at=created,
            updated=min(created + timedelta(days=2, hours=3), t.now),
        )


async def _strategies(w: Writer, t: Timeline) -> None:
    for n, (title, description, category, rating, notes) in enumerate(STRATEGIES):
        uploaded = t.at(t.story(25 - 6 * n), 15)
        body: dict[str, Any] = {
            "title": title,
            "description": description,
            "category": category,
            "pdfUrl": placeholders.pdf(title, description, "Demo placeholder: no file stored."),
            "annotations": [
                {
                    "pageNumber": page,
                    "text": text,
                    "type": kind,
                    "createdAt": uploaded + timedelta(days=1 + i),
                }
                for i, (page, text, kind) in enumerate(notes)
            ],
        }
        if rating:
            body["rating"] = rating
        await w.create("strategies", body, at=uploaded)
