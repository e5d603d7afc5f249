"""Study module tables: notes, flashcards, quizzes, textbooks (and the passages of their PDFs),
study_goals, study_sessions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from whitecell.core import defaults
from whitecell.core.bodies import Annotation, StrictObject
from whitecell.core.stamps import completion_stamp
from whitecell.core.tables import (
    ANNOTATED_BODY_BYTES,
    ANNOTATIONS_MAX_BYTES,
    LONG_TEXT_BODY_BYTES,
    SERVER_WRITTEN,
    ComputeContext,
    Derived,
    Kind,
    Table,
    Upload,
    boolean,
    choice,
    day,
    integer,
    json_object,
    link,
    list_of,
    number,
    objects,
    reference,
    register,
    string,
    text,
    timestamp,
)
from whitecell.core.types import Int64, Number, Text, Timestamp
from whitecell.study import links, progress, textindex
from whitecell.study.drafts import QUIZ_DRAFTS  # noqa: F401  (a table in SQL only)
from whitecell.study.pdftext import PASSAGE_CHARS
from whitecell.study.rules import grade_quiz, reading_progress, word_count


class ReviewHistoryItem(StrictObject):
    date: Timestamp
    quality: Int64 = Field(ge=0, le=5)
    easeFactor: Number = Field(ge=1.3)
    interval: Int64 = Field(ge=0)
    timeSpent: Number = Field(ge=0)


class QuizQuestion(StrictObject):
    id: Text = Field(min_length=1, max_length=64)
    type: Literal["multiple_choice", "short_answer", "matching"]
    text: Text = Field(min_length=1, max_length=5000)
    options: list[Text] | None = Field(None, max_length=20)
    correctAnswer: Text = Field(max_length=5000)
    category: Text | None = Field(None, max_length=200)


async def _note(ctx: ComputeContext) -> None:
    document, previous = ctx.document, ctx.previous
    document["wordCount"] = word_count(document["content"])
    sent = ctx.sent.get("linkedNotes") if "linkedNotes" in ctx.sent else None
    if previous is None or sent is not None or document["content"] != previous["content"]:
        document["linkedNotes"] = await links.links_after_write(ctx.tx, document, previous, sent)
    await links.relink_others(ctx.tx, ctx.table, document, previous)


async def _quiz(ctx: ComputeContext) -> None:
    ctx.document.update(grade_quiz(ctx.document["questions"], ctx.document["userAnswers"]))


async def _textbook(ctx: ComputeContext) -> None:
    document, previous = ctx.document, ctx.previous
    document["readingProgress"] = reading_progress(document)
    if previous is not None and document["currentPage"] != previous["currentPage"]:
        document["lastReadAt"] = defaults.now()
        await progress.after_reading(ctx)


async def _study_goal(ctx: ComputeContext) -> None:
    """Progress that reaches the target completes a study goal (more is always further)."""
    document, previous = ctx.document, ctx.previous
    reached = document["currentValue"] >= document["targetValue"]
    was_reached = previous is not None and previous["currentValue"] >= previous["targetValue"]
    if reached and not was_reached and document["status"] == "active":
        document["status"] = "completed"
    await completion_stamp(ctx)


NOTES = Table(
    "notes",
    "study",
    {
        "title": string(max_length=300),
        "content": text(max_length=1_000_000),
        "subject": string(max_length=100),
        "tags": list_of(Kind.STRING, max_length=50, max_items=50),
        "linkedNotes": list_of(Kind.ID, ref="notes", max_items=200),
        "color": string(required=False, max_length=32),
        "isArchived": boolean(),
        "isPinned": boolean(),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
        "wordCount": integer(default=0, server=True),
    },
    indexes=[
        ("userId", "subject"),
        ("userId", "isArchived"),
        ("userId", "updatedAt"),
        ("userId", "createdAt"),
    ],
    search=("title", "subject", "content"),
    extra_filters=("tags",),
    max_body_bytes=LONG_TEXT_BODY_BYTES,
    order="-updatedAt",
    pinned="isPinned",
    default_filters={"isArchived": False},
    created_at="createdAt",
    updated_at="updatedAt",
    compute=_note,
)

FLASHCARDS = Table(
    "flashcards",
    "study",
    {
        "sourceNoteId": reference("notes"),
        "question": text(max_length=10_000),
        "answer": text(max_length=10_000),
        "subject": string(max_length=100),
        "difficulty": integer(ge=1, le=5, default=3),
        "nextReviewDate": timestamp(default=defaults.now, server=True),
        "reviewCount": integer(default=0, server=True),
        "easeFactor": number(ge=1.3, default=2.5, server=True),
        "interval": integer(default=1, server=True),
        "lastReviewDate": timestamp(required=False, server=True),
        "reviewHistory": objects(ReviewHistoryItem, required=False, server=True, max_items=100_000),
        "status": choice("new", "learning", "review", "mastered", default="new", server=True),
        # FSRS memory state (py-fsrs `Card.to_dict()`), kept beside SM-2's fields: docs/study.md.
        "fsrsState": json_object(required=False, server=True),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
    },
    indexes=[
        ("userId", "nextReviewDate"),
        ("userId", "subject"),
        ("userId", "status"),
        ("userId", "createdAt"),
        ("sourceNoteId",),
    ],
    order="nextReviewDate",
    created_at="createdAt",
    updated_at="updatedAt",
)

QUIZZES = Table(
    "quizzes",
    "study",
    {
        "title": string(max_length=300),
        "subject": string(max_length=100),
        "questions": objects(QuizQuestion, max_items=200),
        "userAnswers": list_of(Kind.STRING, required=True, max_length=5000, max_items=200),
        "score": number(ge=0, le=100, server=True),
        "correctAnswers": integer(server=True),
        "totalQuestions": integer(server=True),
        "difficulty": choice("easy", "medium", "hard"),
        "timeSpent": integer(default=0),
        "timeLimit": integer(required=False, ge=1),
        # "The answer is: " and a correct answer of up to 5,000 characters (study/rules.py).
        "feedback": list_of(Kind.STRING, server=True, max_length=5100, max_items=200),
        "createdAt": timestamp(),
        # Set by the server (docs/ai.md): true only for a quiz its model wrote.
        "isAIGenerated": boolean(server=True),
    },
    indexes=[("userId", "subject"), ("userId", "createdAt")],
    order="-createdAt",
    created_at="createdAt",
    compute=_quiz,
)

TEXTBOOKS = Table(
    "textbooks",
    "study",
    {
        "title": string(max_length=300),
        "subject": string(max_length=100),
        "author": string(required=False, max_length=200),
        "isbn": string(required=False, max_length=20),
        "pdfUrl": link(),
        "pages": integer(ge=1, le=100_000),
        "currentPage": integer(ge=1, default=1),
        "annotations": objects(
            Annotation, required=False, max_items=10_000, max_bytes=ANNOTATIONS_MAX_BYTES
        ),
        "bookmarks": list_of(Kind.INTEGER, max_items=10_000),
        "readingProgress": number(ge=0, le=100, default=0, server=True),
        "uploadedAt": timestamp(),
        "lastReadAt": timestamp(required=False, server=True),  # set when currentPage moves
        "course": string(required=False, max_length=200),
        # Additions (docs/study.md, "Textbook text"): pages of the stored PDF whose text is
        # searchable (null: no PDF read; 0: no text layer, a scan), and whether the reading
        # budget stopped before the last page.
        "indexedPages": integer(required=False, server=True),
        "indexTruncated": boolean(server=True),
    },
    indexes=[("userId", "uploadedAt"), ("userId", "subject")],
    search=("title", "author", "subject"),
    order="-uploadedAt",
    created_at="uploadedAt",
    compute=_textbook,
    on_delete=textindex.drop_passages,
    upload=Upload(
        "pdfUrl",
        pages="pages",
        derived=Derived(textindex.read_pdf_text, textindex.keep_passages),
    ),
    max_body_bytes=ANNOTATED_BODY_BYTES,
)

# Addition, derived and server-written (docs/study.md, "Textbook text"): the text of each
# textbook's stored PDF, cut into passages, for search (the coach's research mode quotes them).
TEXTBOOK_PASSAGES = Table(
    "textbook_passages",
    "study",
    {
        # The textbook's id; not a `reference`, which a textbook's delete would null: its
        # passages go with it (textindex.drop_passages).
        "textbookId": string(max_length=64, server=True),
        "page": integer(ge=1, server=True),  # 1-based
        "position": integer(server=True),  # the passage's place in the book, from 0
        "text": text(max_length=PASSAGE_CHARS, server=True),
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "textbookId", "position")],
    extra_filters=("page",),
    search=("text",),
    order="position",
    events=False,  # derived from the textbook's PDF: announced by the textbook's own event
)

STUDY_GOALS = Table(
    "study_goals",
    "study",
    {
        "title": string(max_length=300),
        "description": text(required=False, max_length=5000),
        "subject": string(max_length=100),
        "goalType": choice("grade", "concept", "time", "reading"),
        "targetValue": number(ge=None),
        "currentValue": number(ge=None, default=0),
        "unit": string(max_length=32),
        "targetDate": day(),
        "status": choice("active", "completed", "abandoned", default="active"),
        "priority": integer(ge=1, le=5, default=3),
        "createdAt": timestamp(),
        "completedAt": timestamp(required=False, server=True),
    },
    indexes=[("userId", "status"), ("userId", "targetDate"), ("userId", "createdAt")],
    order="targetDate",
    created_at="createdAt",
    compute=_study_goal,
)

STUDY_SESSIONS = Table(
    "study_sessions",
    "study",
    {
        "date": day(default=defaults.today),
        "subject": string(max_length=100),
        "duration": integer(ge=0, le=24 * 60),
        "notesCreated": integer(default=0),
        "flashcardsReviewed": integer(default=0),
        "quizzesTaken": integer(default=0),
        "xpEarned": integer(default=0, server=True),
        "quality": string(required=False, max_length=200),
        # Additions for sessions timed by the server (start/stop): docs/study.md.
        "startedAt": timestamp(required=False, server=True),
        "endedAt": timestamp(required=False, server=True),
    },
    indexes=[("userId", "date"), ("userId", "subject")],
    order="-date",
    compute=progress.after_session,
)

register(NOTES, FLASHCARDS, QUIZZES, TEXTBOOKS, TEXTBOOK_PASSAGES, STUDY_GOALS, STUDY_SESSIONS)
