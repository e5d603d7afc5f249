"""Study module: notes that link to each other, cards made from them, quizzes, books, goals and
the study sessions of four weeks."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

from whitecell.core import crud
from whitecell.core.tables import REGISTRY
from whitecell.demo import placeholders
from whitecell.demo.study_notes import NOTES
from whitecell.demo.study_texts import CARDS, QUIZZES, TEXTBOOKS
from whitecell.demo.writer import Document, Timeline, Writer

LINK = re.compile(r"\[\[([^\]]+)\]\]")
SUBJECTS = ("Mathematics", "Computer Science", "Biology", "Philosophy")
SESSION_QUALITY = ("deep focus", "good", "good", "distracted", "tired but done")


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    notes = await _notes(w, t, rng)
    await _flashcards(w, t, rng, notes)
    await _quizzes(w, t, rng)
    books = await _textbooks(w, t)
    hours = await _sessions(w, t, rng)
    await _goals(w, t, books, hours)


async def _notes(w: Writer, t: Timeline, rng: random.Random) -> dict[str, Document]:
    """Write every note, then link them: `[[Title]]` in the text becomes `linkedNotes`."""
    by_title: dict[str, Document] = {}
    written: dict[str, datetime] = {}
    for note in sorted(NOTES, key=lambda n: -n.days_ago):
        created = t.at(t.story(note.days_ago), rng.choice((8, 10, 14, 19, 21)), rng.randrange(60))
        body = {
            "title": note.title,
            "content": note.content,
            "subject": note.subject,
            "tags": list(note.tags),
            "isPinned": note.pinned,
        }
        if note.color:
            body["color"] = note.color
        by_title[note.title] = await w.create("notes", body)
        written[note.title] = created
    for note in NOTES:
        linked = [by_title[title]["_id"] for title in dict.fromkeys(LINK.findall(note.content))]
        document = by_title[note.title]
        if linked:
            document = await w.update("notes", document, {"linkedNotes": linked})
        # Edited a few days after it was first written, at most until today.
        edited = min(written[note.title] + timedelta(days=rng.randrange(0, 5)), t.now)
        by_title[note.title] = await w.backdate(
            "notes", document, {"createdAt": written[note.title], "updatedAt": edited}
        )
    return by_title


async def _flashcards(
    w: Writer, t: Timeline, rng: random.Random, notes: dict[str, Document]
) -> None:
    for card in CARDS:
        body: dict[str, object] = {
            "question": card.question,
            "answer": card.answer,
            "subject": card.subject,
            "difficulty": card.difficulty,
        }
        made = t.ago(rng.randrange(1, t.days))
        if card.note:
            body["sourceNoteId"] = notes[card.note]["_id"]
            # A card is made from a note on or after the day the note was written.
            made = max(made, _day_of(notes[card.note]["createdAt"], t))
        await w.create("flashcards", body, at=t.at(made, 20, rng.randrange(60)))


async def _quizzes(w: Writer, t: Timeline, rng: random.Random) -> None:
    for title, subject, difficulty, days_ago, spent, limit, ai, questions, answers in QUIZZES:
        body: dict[str, object] = {
            "title": title,
            "subject": subject,
            "questions": questions,
            "userAnswers": answers,
            "difficulty": difficulty,
            "timeSpent": spent,
        }
        if limit:
            body["timeLimit"] = limit
        day = t.story(days_ago)
        quiz = await w.create("quizzes", body, at=t.at(day, 17, rng.randrange(60)))
        if ai:  # the server's to say (docs/ai.md): as its quiz generator would have
            await crud.amend_new_row(
                w.tx, REGISTRY["quizzes"], quiz["_id"], {"isAIGenerated": True}
            )


async def _textbooks(w: Writer, t: Timeline) -> dict[str, Document]:
    books = {}
    for index, (title, subject, author, pages, page, course, marks, notes) in enumerate(TEXTBOOKS):
        uploaded = t.at(t.ago(t.days - 1 - index), 18)
        body: dict[str, object] = {
            "title": title,
            "subject": subject,
            "author": author,
            "pdfUrl": placeholders.pdf(
                title, author, "Demo placeholder: White Cell stores no books yet."
            ),
            "pages": pages,
            "currentPage": page,
            "bookmarks": marks,
            "annotations": [
                {
                    "pageNumber": number,
                    "text": text,
                    "type": kind,
                    **({"color": color} if color else {}),
                    "createdAt": uploaded + timedelta(days=3 + 4 * n),
                }
                for n, (number, text, kind, color) in enumerate(notes)
            ],
        }
        if course:
            body["course"] = course
        book = await w.create("textbooks", body, at=uploaded)
        # The server stamps `lastReadAt` when the page moves; the demo's reading happened earlier.
        books[title] = await w.backdate("textbooks", book, {"lastReadAt": t.at(t.ago(index), 22)})
    return books


async def _sessions(w: Writer, t: Timeline, rng: random.Random) -> float:
    """Five or six sessions a week, rotating subjects; returns the hours studied."""
    minutes = 0
    for day in t.dates():
        if rng.random() < 0.22 or t.is_sick_day(day):
            continue
        subject = rng.choice(SUBJECTS)
        duration = rng.choice((25, 30, 45, 50, 60, 75, 90))
        minutes += duration
        await w.create(
            "study_sessions",
            {
                "date": day,
                "subject": subject,
                "duration": duration,
                "notesCreated": rng.choice((0, 0, 1)),
                "flashcardsReviewed": rng.randrange(5, 45),
                "quizzesTaken": rng.choice((0, 0, 0, 1)),
                "quality": rng.choice(SESSION_QUALITY),
            },
        )
    return round(minutes / 60, 1)


async def _goals(w: Writer, t: Timeline, books: dict[str, Document], hours: float) -> None:
    start = t.at(t.first_day, 9)
    meditations = books["Meditations"]
    goals: list[tuple[dict[str, object], datetime | None]] = [
        (
            {
                "title": "Score 85% on the Calculus I midterm",
                "description": "Chain rule, substitution and limits; two past papers a week.",
                "subject": "Mathematics",
                "goalType": "grade",
                "targetValue": 85,
                "currentValue": 75,
                "unit": "%",
                "targetDate": t.today + timedelta(days=18),
                "priority": 5,
            },
            None,
        ),
        (
            {
                "title": "Study 30 hours this block",
                "subject": "General",
                "goalType": "time",
                "targetValue": 30,
                "currentValue": hours,
                "unit": "hours",
                "targetDate": t.today + timedelta(days=7),
                "priority": 4,
            },
            None,
        ),
        (
            {
                "title": "Finish reading the Meditations",
                "subject": "Philosophy",
                "goalType": "reading",
                "targetValue": meditations["pages"],
                "currentValue": meditations["currentPage"],
                "unit": "pages",
                "targetDate": t.today + timedelta(days=30),
                "priority": 2,
            },
            None,
        ),
        (
            {
                "title": "Explain mitosis vs meiosis without notes",
                "subject": "Biology",
                "goalType": "concept",
                "targetValue": 1,
                "currentValue": 1,
                "unit": "concept",
                "targetDate": t.story(5),
                "status": "completed",
                "priority": 3,
            },
            t.at(t.story(8), 21, 15),
        ),
    ]
    for body, done in goals:
        await w.create("study_goals", body, at=start, completed=done)


def _day_of(stamp: str, t: Timeline) -> date:
    return datetime.fromisoformat(stamp).astimezone(t.zone).date()
