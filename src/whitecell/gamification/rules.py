"""The XP rule table: what each rewarded action of every module is worth (docs/gamification.md).

A rule says how much base XP a source row is owed *in its current state*: a note is owed 10 while
it exists with some text, a task 6-14 while it is completed, a flashcard 2-3 for each review done
here. The engine keeps each source's XP equal to what it is owed, so deleting a source (or
unchecking a task) takes its XP back, and replaying an event changes nothing. Daily caps bound
what one action can earn in a day; the streak multiplier scales what is granted.

A rule may declare more than XP, and the engine, which names no module's table, follows it:
`streak=DayStreak(...)`, a streak of the days whose every row is done (the `task` streak of
`daily_tasks`), and `window=Window(...)`, a row spanning a time told in one of its own fields the
XP earned inside it (a study session's `xpEarned`). A new module adds rows here, not branches in
the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from whitecell.creator.rules import published_through_board
from whitecell.gamification.hooks import beats_every_earlier_solve, first_solve_of_the_puzzle
from whitecell.mind.rules import cube_time

if TYPE_CHECKING:  # a rule's `qualifies=` hook reads through it (hooks.py); rules never do
    from whitecell.core.transactions import Tx

Document = dict[str, Any]


@dataclass(frozen=True)
class DayStreak:
    """A streak of the days whose every row is done: a day counts while it has rows (`day`, the
    per-day key) and every one of them has `done` true; undoing a row takes its day out again.
    Kept in the `streaks` row of `kind` and the rule's module."""

    kind: str  # the streaks `streakType`
    day: str = "date"  # the column naming the row's day
    done: str = "completed"  # the boolean column that marks a row done


@dataclass(frozen=True)
class Window:
    """A row that spans a time, from its `start` to its `end` field, is told in its `total`
    field the XP it holds itself plus the XP of the rule's module dated inside that window."""

    start: str
    end: str
    total: str


@dataclass(frozen=True)
class Rule:
    action: str  # the xp_logs `action`
    module: str  # the xp_logs `module`, and the module streak it feeds
    table: str  # the source table
    xp: Callable[[Document], int]  # base XP the source is owed now (0: nothing)
    describe: Callable[[Document], str]  # the xp_logs `description`
    summary: str  # the rule in words, for docs/gamification.md
    daily_cap: int | None = None  # base XP per user per day from this action
    # Only deletion takes XP back (pages once read stay read when the reader turns back).
    monotonic: bool = False
    # A further condition that needs the database (a cube time that beats every earlier one).
    qualifies: Callable[[Tx, Document], Awaitable[bool]] | None = None
    streak: DayStreak | None = None  # a streak of the source table's days (DayStreak)
    window: Window | None = None  # a field the engine keeps equal to the XP inside the row's time


def _title(document: Document, field: str = "title") -> str:
    text = str(document.get(field) or "").strip()
    return f"“{text[:80]}”" if text else "untitled"


def _reviews_here(card: Document) -> list[Document]:
    """Reviews done in White Cell: history carried in from an Anki import earns nothing."""
    created = datetime.fromisoformat(card["createdAt"])
    return [
        r for r in card.get("reviewHistory") or [] if datetime.fromisoformat(r["date"]) >= created
    ]


def _review_xp(card: Document) -> int:
    return sum(3 if review["quality"] >= 4 else 2 for review in _reviews_here(card))


def _quiz_xp(quiz: Document) -> int:
    if (quiz.get("totalQuestions") or 0) < 3:
        return 0  # a one-question quiz is not a quiz
    return 5 + round(20 * float(quiz.get("score") or 0) / 100)


def _debate_xp(debate: Document) -> int:
    """Only what the server wrote counts: the coach's counter-argument, then its reply to the
    user's rebuttal (docs/ai.md, "Debate")."""
    if not debate.get("aiCounterargument"):
        return 0
    return 15 if debate.get("aiReply") else 10


PUZZLE_XP = {"easy": 5, "medium": 10, "hard": 15, "expert": 20}
TASK_XP_PER_PRIORITY = 2  # priority 1 (lowest) to 5 (highest): 6 to 14 XP


HINT_SHARE = 5  # each hint takes a fifth of a logic puzzle's XP: five hints leave nothing


def _logic_xp(puzzle: Document) -> int:
    """Only a puzzle the server checked solved (`solvedAt`, docs/mind.md "Sudoku"), once."""
    if not (puzzle.get("solved") and puzzle.get("solvedAt")):
        return 0
    base = PUZZLE_XP.get(str(puzzle.get("difficulty")), 5)
    return base * max(0, HINT_SHARE - int(puzzle.get("hints") or 0)) // HINT_SHARE


def _chess_xp(puzzle: Document) -> int:
    if not puzzle.get("solved"):
        return 0
    rating = int(puzzle.get("difficulty") or 0)
    return 5 + min(15, max(0, (rating - 1000) // 100))  # 5 XP under 1100, 20 XP from 2500


def _workout_xp(workout: Document) -> int:
    if workout.get("importSource"):
        return 0  # history imported from Strong or Hevy earns nothing for the past
    if workout.get("isTemplate"):
        return 0  # a saved template is a plan, not a workout done
    minutes = int(workout.get("duration") or 0)
    return 0 if minutes < 10 else 20 + min(40, minutes // 2)


def _record_xp(record: Document) -> int:
    """Only a record a logged workout beat (docs/gamification.md, "Records"): not a baseline,
    not a manual or an imported one."""
    improved = (record.get("improvement") or 0) > 0
    return 30 if record.get("source") == "workout" and improved else 0


def _fixed(amount: int) -> Callable[[Document], int]:
    return lambda _document: amount


RULES: tuple[Rule, ...] = (
    # -- study
    Rule(
        "note_created",
        "study",
        "notes",
        lambda note: 10 if int(note.get("wordCount") or 0) >= 10 else 0,
        lambda note: f"Wrote the note {_title(note)}",
        "a note of at least 10 words: 10",
        daily_cap=100,
    ),
    Rule(
        "flashcard_reviewed",
        "study",
        "flashcards",
        _review_xp,
        lambda card: f"Reviewed {_title(card, 'question')}",
        "each review: 2, or 3 when recalled well (grade 4-5)",
        daily_cap=150,
    ),
    Rule(
        "quiz_completed",
        "study",
        "quizzes",
        _quiz_xp,
        lambda quiz: f"Scored {quiz.get('score')}% on {_title(quiz)}",
        "a quiz of 3+ questions: 5 + 20 x score",
        daily_cap=100,
    ),
    Rule(
        "pages_read",
        "study",
        "textbooks",
        lambda book: max(0, int(book.get("currentPage") or 1) - 1),
        lambda book: f"Read {_title(book)} to page {book.get('currentPage')}",
        "each page read forward: 1",
        daily_cap=100,
        monotonic=True,
    ),
    Rule(
        "study_minutes",
        "study",
        "study_sessions",
        lambda session: int(session.get("duration") or 0),
        lambda session: f"Studied {session.get('subject')} for {session.get('duration')} min",
        "each minute of study: 1",
        daily_cap=180,
        window=Window(start="startedAt", end="endedAt", total="xpEarned"),
    ),
    Rule(
        "study_goal_completed",
        "study",
        "study_goals",
        lambda goal: 50 if goal.get("status") == "completed" else 0,
        lambda goal: f"Reached the goal {_title(goal)}",
        "a study goal completed: 50",
        daily_cap=150,
    ),
    # -- fitness
    Rule(
        "workout_logged",
        "fitness",
        "workouts",
        _workout_xp,
        lambda workout: f"Trained: {_title(workout, 'name')}, {workout.get('duration')} min",
        "a workout of 10+ minutes, not imported: 20 + 1 per 2 minutes (at most 60)",
        daily_cap=120,
    ),
    Rule(
        "personal_record",
        "fitness",
        "personal_records",
        _record_xp,
        lambda record: (
            f"New record: {record.get('exercise')} {record.get('value')} {record.get('unit')}"
        ),
        "a personal record a logged workout beat: 30",
        daily_cap=90,
    ),
    Rule(
        "meal_logged",
        "fitness",
        "meals",
        _fixed(5),
        lambda meal: f"Logged {meal.get('mealType')}",
        "a meal logged: 5",
        daily_cap=20,
    ),
    Rule(
        "measurement_logged",
        "fitness",
        "measurements",
        _fixed(5),
        lambda _m: "Logged body measurements",
        "a measurement: 5",
        daily_cap=5,
    ),
    Rule(
        "progress_photo",
        "fitness",
        "progress_photos",
        _fixed(10),
        lambda _p: "Took a progress photo",
        "a progress photo: 10",
        daily_cap=10,
    ),
    Rule(
        "fitness_goal_completed",
        "fitness",
        "fitness_goals",
        lambda goal: 50 if goal.get("status") == "completed" else 0,
        lambda goal: f"Reached the goal {_title(goal, 'name')}",
        "a fitness goal completed: 50",
        daily_cap=150,
    ),
    # -- mind
    Rule(
        "chess_puzzle_solved",
        "mind",
        "chess_puzzles",
        _chess_xp,
        lambda puzzle: (
            f"Solved chess puzzle {puzzle.get('lichessPuzzleId')} ({puzzle.get('difficulty')})"
        ),
        "a chess puzzle solved through its attempt, the first time: 5, +1 per 100 rating "
        "above 1000 (at most 20)",
        daily_cap=150,
        qualifies=first_solve_of_the_puzzle,
    ),
    Rule(
        "logic_puzzle_solved",
        "mind",
        "logic_puzzles",
        _logic_xp,
        lambda puzzle: f"Solved a {puzzle.get('difficulty')} {puzzle.get('puzzleType')}",
        "a sudoku the server checked solved: 5 easy, 10 medium, 15 hard, 20 expert, "
        "a fifth less per hint",
        daily_cap=100,
    ),
    Rule(
        "cube_solve",
        "mind",
        "cube_times",
        # Only a solve timed against a scramble served here (docs/mind.md, "Cubing").
        lambda solve: 2 if solve.get("scrambleVerified") and not solve.get("dnf") else 0,
        lambda solve: f"Solved the {solve.get('cubeType')} in {cube_time(solve) / 1000:.2f} s",
        "a finished cube solve timed against a served scramble: 2",
        daily_cap=40,
    ),
    Rule(
        "cube_personal_best",
        "mind",
        "cube_times",
        lambda solve: 25 if solve.get("scrambleVerified") else 0,
        lambda solve: f"New {solve.get('cubeType')} best single: {cube_time(solve) / 1000:.2f} s",
        "a served-scramble solve whose single beats every earlier one: 25",
        daily_cap=50,
        qualifies=beats_every_earlier_solve,
    ),
    Rule(
        "debate_held",
        "mind",
        "debate_sessions",
        _debate_xp,
        lambda debate: f"Debated {_title(debate, 'topic')}",
        "a debate the coach answered: 10, 15 once it replied to the rebuttal",
        daily_cap=45,
    ),
    Rule(
        "memory_palace_built",
        "mind",
        "memory_palaces",
        lambda palace: 15 if len(palace.get("locations") or []) >= 3 else 0,
        lambda palace: f"Built the memory palace {_title(palace, 'name')}",
        "a memory palace of 3+ locations: 15",
        daily_cap=30,
    ),
    Rule(
        "code_project_created",
        "mind",
        "code_projects",
        _fixed(10),
        lambda project: f"Started the project {_title(project)}",
        "a code project: 10",
        daily_cap=30,
    ),
    # -- discipline
    Rule(
        "task_completed",
        "discipline",
        "daily_tasks",
        lambda task: (
            4 + TASK_XP_PER_PRIORITY * int(task.get("priority") or 3)
            if task.get("completed")
            else 0
        ),
        lambda task: f"Done: {_title(task)}",
        "a task completed: 4 + 2 x priority (6 to 14)",
        daily_cap=100,
        streak=DayStreak("task", day="date", done="completed"),
    ),
    Rule(
        "habit_stack_completed",
        "discipline",
        "habit_stacks",
        lambda stack: 15 * len(stack.get("completedDates") or []),
        lambda stack: f"Completed the habit stack {_title(stack, 'name')}",
        "each day a habit stack is completed: 15",
        daily_cap=45,
    ),
    # The recovery check-ins (`pmo_tracker`) earn nothing: XP, levels and the leaderboard are
    # seen by others, and a check-in must change nothing anyone else sees (docs/privacy.md).
    # -- creator
    Rule(
        "content_published",
        "creator",
        "content_items",
        lambda item: 30 if published_through_board(item) else 0,
        lambda item: f"Published {_title(item)}",
        "content moved into `publishing` on the board, once: 30",
        daily_cap=60,
    ),
    Rule(
        "content_idea",
        "creator",
        "content_ideas",
        _fixed(3),
        lambda idea: f"Noted the idea {_title(idea)}",
        "a content idea: 3",
        daily_cap=15,
    ),
)

RULES_BY_TABLE: dict[str, list[Rule]] = {}
for _rule in RULES:
    RULES_BY_TABLE.setdefault(_rule.table, []).append(_rule)
MODULES = sorted({rule.module for rule in RULES})


# -- the streak multiplier ---------------------------------------------------------------------

MULTIPLIER_STEP = 0.05  # per full week of daily streak
MULTIPLIER_CAP = 1.5  # reached at ten weeks


def streak_multiplier(streak_days: int) -> float:
    """1.0 for a streak under a week, +0.05 per full week, at most 1.5 (ten weeks)."""
    return min(MULTIPLIER_CAP, round(1 + MULTIPLIER_STEP * (max(0, streak_days) // 7), 2))
