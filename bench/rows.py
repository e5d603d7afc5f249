"""The rows of one user, as API values (what the API would have stored for these documents).

Timestamps are ISO 8601 with milliseconds and `Z`, days `YYYY-MM-DD`, JSON columns Python objects:
`whitecell.core.documents.codec(...).bind` turns them into what each database stores.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench.chess import chess_rows
from bench.conversations import CONVERSATION_USERS, conversation_rows
from bench.corpus import SUBJECTS, Corpus
from bench.cubing import CUBE_USERS, cube_rows
from bench.history import HISTORY_USERS, history_rows
from bench.server import SECRET_KEY
from whitecell.core import security
from whitecell.core.clock import isoformat_z
from whitecell.core.ids import new_id
from whitecell.fitness.rules import meal_totals
from whitecell.study.rules import word_count

Doc = dict[str, Any]

# Rows per user of the tables the daily paths touch; 1,000 users make 500,000 flashcards.
PER_USER = {
    "notes": 50,
    "flashcards": 500,
    "workouts": 20,
    "meals": 60,
    "daily_tasks": 30,
    "study_sessions": 20,
    "xp_logs": 100,
}

TAGS = ("exam", "summary", "lecture", "reading", "lab", "revision", "ideas", "todo", "week1")
EXERCISES = ("Squat", "Bench press", "Deadlift", "Overhead press", "Barbell row", "Pull-up",
             "Lunge", "Dip", "Plank", "Running", "Cycling", "Rowing")  # fmt: skip
FOODS = ("Oats", "Eggs", "Chicken breast", "Rice", "Broccoli", "Salmon", "Greek yogurt",
         "Banana", "Almonds", "Lentils", "Bread", "Apple")  # fmt: skip
TIMEZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
XP_ACTIONS = (("note_created", "study", 10), ("flashcard_reviewed", "study", 2),
              ("workout_logged", "fitness", 25), ("task_completed", "discipline", 5))  # fmt: skip


@dataclass
class UserRows:
    token: str  # the bearer token of the user's live session
    user: Doc
    tables: dict[str, list[Doc]] = field(default_factory=dict)
    # [open attempt id, its right move, its progress, "goes" or "ends"] (bench/chess.py)
    chess: list[list[str]] = field(default_factory=list)
    chats: list[str] = field(default_factory=list)  # [long conversation, empty one]


def _ts(moment: datetime) -> str:
    return isoformat_z(moment)


def _ago(rng: random.Random, now: datetime, days: float) -> datetime:
    """A moment up to `days` before `now`, at millisecond precision."""
    moment = now - timedelta(seconds=rng.uniform(0, days * 86_400))
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _user(index: int, rng: random.Random, now: datetime) -> Doc:
    created = _ago(rng, now, 400)
    xp = rng.randint(0, 50_000)
    return {
        "_id": new_id(),
        "email": f"user{index:05d}@bench.whitecell.test",
        "name": f"Bench User {index}",
        "username": f"bench_{index:05d}",
        "avatar": None,
        "bio": None,
        "role": "user",
        "subscription": rng.choice(("free", "free", "basic", "premium")),
        "subscriptionExpiry": None,
        "createdAt": _ts(created),
        "updatedAt": _ts(created),
        "lastLogin": _ts(now),
        "isActive": True,
        "isBanned": False,
        "totalXP": xp,
        "currentLevel": min(100, 1 + xp // 1000),
        "currentStreak": rng.randint(0, 30),
        "longestStreak": rng.randint(30, 90),
        "timezone": rng.choice(TIMEZONES),
    }


def _sessions(user_id: str, token: str, now: datetime) -> list[Doc]:
    live = {
        "_id": new_id(),
        "userId": user_id,
        "token": security.session_token_digest(token),
        "expiresAt": _ts(now + timedelta(days=29)),
        "ipAddress": "127.0.0.1",
        "userAgent": "whitecell-bench",
        "type": "otp",
        "createdAt": _ts(now - timedelta(days=1)),
        "isValid": True,
        "lastSeenAt": _ts(now),
    }
    # A signed-out session from earlier: sessions hold more than the live ones.
    old = {
        **live,
        "_id": new_id(),
        "token": security.session_token_digest(secrets.token_urlsafe(32)),
        "expiresAt": _ts(now - timedelta(days=10)),
        "createdAt": _ts(now - timedelta(days=40)),
        "isValid": False,
        "lastSeenAt": _ts(now - timedelta(days=35)),
    }
    return [live, old]


def _notes(corpus: Corpus, rng: random.Random, user_id: str, now: datetime, n: int) -> list[Doc]:
    notes: list[Doc] = []
    for _ in range(n):
        created = _ago(rng, now, 365)
        content = corpus.text(rng, rng.randint(12, 30))
        earlier = [note["_id"] for note in notes]
        notes.append(
            {
                "_id": new_id(),
                "userId": user_id,
                "title": corpus.phrase(rng, rng.randint(3, 8)),
                "content": content,
                "subject": rng.choice(SUBJECTS),
                "tags": rng.sample(TAGS, rng.randint(0, 3)),
                "linkedNotes": rng.sample(earlier, min(len(earlier), rng.choice((0, 0, 0, 1, 2)))),
                "color": rng.choice((None, "yellow", "blue", "green")),
                "isArchived": rng.random() < 0.1,
                "isPinned": rng.random() < 0.05,
                "createdAt": _ts(created),
                "updatedAt": _ts(_ago(rng, now, (now - created).days + 1)),
                "wordCount": word_count(content),
            }
        )
    return notes


def _review_history(rng: random.Random, now: datetime, count: int) -> list[Doc]:
    return [
        {
            "date": _ts(_ago(rng, now, 120)),
            "quality": rng.randint(0, 5),
            "easeFactor": round(rng.uniform(1.3, 3.0), 2),
            "interval": rng.randint(0, 60),
            "timeSpent": round(rng.uniform(2, 40), 1),
        }
        for _ in range(count)
    ]


def _flashcards(
    corpus: Corpus, rng: random.Random, user_id: str, now: datetime, n: int, notes: list[str]
) -> list[Doc]:
    cards = []
    for _ in range(n):
        created = _ago(rng, now, 365)
        status = rng.choices(("new", "learning", "review", "mastered"), weights=(20, 20, 45, 15))[0]
        reviews = 0 if status == "new" else rng.randint(1, 12)
        if status == "new":
            due = created
        elif status == "learning":
            due = now + timedelta(days=rng.uniform(-2, 2))
        elif status == "review":
            due = now + timedelta(days=rng.uniform(-10, 30))
        else:
            due = now + timedelta(days=rng.uniform(20, 180))
        due = due.replace(microsecond=due.microsecond // 1000 * 1000)
        cards.append(
            {
                "_id": new_id(),
                "userId": user_id,
                "sourceNoteId": rng.choice(notes) if notes and rng.random() < 0.3 else None,
                "question": corpus.phrase(rng, rng.randint(6, 16)) + "?",
                "answer": corpus.phrase(rng, rng.randint(3, 30)) + ".",
                "subject": rng.choice(SUBJECTS),
                "difficulty": rng.randint(1, 5),
                "nextReviewDate": _ts(due),
                "reviewCount": reviews,
                "easeFactor": round(rng.uniform(1.3, 3.0), 2),
                "interval": rng.randint(1, 90) if reviews else 1,
                "lastReviewDate": _ts(_ago(rng, now, 30)) if reviews else None,
                "reviewHistory": _review_history(rng, now, min(reviews, 8)),
                "status": status,
                "createdAt": _ts(created),
                "updatedAt": _ts(_ago(rng, now, (now - created).days + 1)),
            }
        )
    return cards


def exercise(rng: random.Random) -> Doc:
    return {
        "name": rng.choice(EXERCISES),
        "sets": rng.randint(1, 5),
        "reps": rng.randint(1, 15),
        "weight": float(rng.randrange(0, 200, 5)),
        "unit": "kg",
        "distance": None,
        "time": None,
        "rpe": float(rng.randint(5, 10)),
        "notes": None,
    }


def _workouts(rng: random.Random, user_id: str, now: datetime, n: int) -> list[Doc]:
    workouts: list[Doc] = []
    for _ in range(n):
        moment = _ago(rng, now, 180)
        earlier = [w["_id"] for w in workouts]
        workouts.append(
            {
                "_id": new_id(),
                "userId": user_id,
                "date": moment.date().isoformat(),
                "type": rng.choice(("strength", "strength", "cardio", "flexibility", "sports")),
                "name": rng.choice((None, "Push day", "Pull day", "Leg day", "Long run")),
                "duration": rng.randint(20, 120),
                "calories": rng.randint(100, 900),
                "intensity": rng.choice(("low", "moderate", "high", "very-high")),
                "exercises": [exercise(rng) for _ in range(rng.randint(3, 6))],
                "notes": rng.choice((None, None, "Felt strong.", "Short on sleep.")),
                "templateId": rng.choice(earlier) if earlier and rng.random() < 0.2 else None,
                "createdAt": _ts(moment),
            }
        )
    return workouts


def _meals(rng: random.Random, user_id: str, now: datetime, n: int) -> list[Doc]:
    meals = []
    for _ in range(n):
        foods = [
            {
                "name": rng.choice(FOODS),
                "quantity": float(rng.randint(50, 300)),
                "unit": "g",
                "calories": float(rng.randint(40, 600)),
                "protein": float(rng.randint(0, 40)),
                "carbs": float(rng.randint(0, 80)),
                "fat": float(rng.randint(0, 30)),
                "fiber": None,
                "barcode": None,
            }
            for _ in range(rng.randint(1, 5))
        ]
        meals.append(
            {
                "_id": new_id(),
                "userId": user_id,
                "date": _ago(rng, now, 90).date().isoformat(),
                "mealType": rng.choice(("breakfast", "lunch", "dinner", "snack")),
                "time": f"{rng.randint(6, 22):02d}:{rng.choice((0, 15, 30, 45)):02d}",
                "foods": foods,
                **meal_totals(foods),
            }
        )
    return meals


def _daily_tasks(
    corpus: Corpus, rng: random.Random, user_id: str, now: datetime, n: int
) -> list[Doc]:
    tasks = []
    for _ in range(n):
        done = rng.random() < 0.6
        tasks.append(
            {
                "_id": new_id(),
                "userId": user_id,
                "date": _ago(rng, now, 30).date().isoformat(),
                "title": corpus.phrase(rng, rng.randint(2, 6)),
                "category": rng.choice(("general", "study", "fitness", "home")),
                "completed": done,
                "priority": rng.randint(1, 5),
                "dueTime": rng.choice((None, "09:00", "13:30", "18:00")),
                "completedAt": _ts(_ago(rng, now, 30)) if done else None,
            }
        )
    return tasks


def _study_sessions(rng: random.Random, user_id: str, now: datetime, n: int) -> list[Doc]:
    return [
        {
            "_id": new_id(),
            "userId": user_id,
            "date": _ago(rng, now, 120).date().isoformat(),
            "subject": rng.choice(SUBJECTS),
            "duration": rng.randint(10, 180),
            "notesCreated": rng.randint(0, 3),
            "flashcardsReviewed": rng.randint(0, 80),
            "quizzesTaken": rng.randint(0, 2),
            "xpEarned": rng.randint(0, 200),
            "quality": rng.choice((None, "focused", "distracted")),
        }
        for _ in range(n)
    ]


def _xp_logs(rng: random.Random, user_id: str, now: datetime, n: int) -> list[Doc]:
    logs = []
    for _ in range(n):
        action, module, amount = rng.choice(XP_ACTIONS)
        logs.append(
            {
                "_id": new_id(),
                "userId": user_id,
                "action": action,
                "xpAmount": amount,
                "module": module,
                "sourceId": new_id(),
                "multiplier": 1.0,
                "description": None,
                "date": _ts(_ago(rng, now, 365)),
            }
        )
    return logs


def user_rows(
    index: int, corpus: Corpus, now: datetime, per_user: dict[str, int] = PER_USER
) -> UserRows:
    """Every row of user number `index`; the same index and `now` give the same contents."""
    rng = random.Random(index)
    user = _user(index, rng, now)
    uid = user["_id"]
    token = secrets.token_urlsafe(32)
    notes = _notes(corpus, rng, uid, now, per_user["notes"])
    note_ids = [n["_id"] for n in notes]
    tables = {
        "users": [user],
        "sessions": _sessions(uid, token, now),
        "notes": notes,
        "flashcards": _flashcards(corpus, rng, uid, now, per_user["flashcards"], note_ids),
        "workouts": _workouts(rng, uid, now, per_user["workouts"]),
        "meals": _meals(rng, uid, now, per_user["meals"]),
        "daily_tasks": _daily_tasks(corpus, rng, uid, now, per_user["daily_tasks"]),
        "study_sessions": _study_sessions(rng, uid, now, per_user["study_sessions"]),
        "xp_logs": _xp_logs(rng, uid, now, per_user["xp_logs"]),
    }
    if index < HISTORY_USERS:  # three years of sets and the records found in them
        for table, rows in history_rows(index, uid, now).items():
            tables[table] = tables.get(table, []) + rows
    if index < CUBE_USERS:  # 10,000 solves each (bench/cubing.py)
        tables["cube_times"] = cube_rows(index, uid, now)
    # Open attempts, one per move check of each chess case (bench/chess.py).
    per_case = per_user.get("chess_puzzle_attempts", 0)
    attempts, chess = chess_rows(index, uid, now, per_case, SECRET_KEY.encode())
    tables["chess_puzzle_attempts"] = attempts
    chats: list[str] = []
    if index < CONVERSATION_USERS:  # a conversation of 5,000 messages and an empty one
        more, chats = conversation_rows(index, uid, now)
        tables.update(more)
    return UserRows(token=token, user=user, tables=tables, chess=chess, chats=chats)
