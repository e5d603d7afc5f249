"""Study rules as pure functions: word counts, quiz grading, reading progress."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"[#*_`>~\[\]()!|-]+")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*", re.UNICODE)  # don't, don\u2019t: one word


def word_count(content: str) -> int:
    """Words a reader sees: HTML tags and Markdown punctuation are not words."""
    plain = _MARKUP.sub(" ", _TAG.sub(" ", content))
    return len(_WORD.findall(plain))


def normalize_answer(answer: str) -> str:
    folded = unicodedata.normalize("NFKC", answer).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def grade_quiz(questions: list[dict[str, Any]], answers: list[str]) -> dict[str, Any]:
    """Score a submitted quiz: an answer is right when it matches after case/punctuation folding."""
    if len(answers) > len(questions):
        from whitecell.core.errors import ValidationFailed

        raise ValidationFailed.field("userAnswers", "has more answers than there are questions")
    feedback, correct = [], 0
    for index, question in enumerate(questions):
        given = answers[index] if index < len(answers) else ""
        if normalize_answer(given) == normalize_answer(question["correctAnswer"]):
            correct += 1
            feedback.append("Correct.")
        else:
            feedback.append(f"The answer is: {question['correctAnswer']}")
    total = len(questions)
    return {
        "totalQuestions": total,
        "correctAnswers": correct,
        "score": round(100 * correct / total, 1) if total else 0.0,
        "feedback": feedback,
    }


def reading_progress(book: dict[str, Any]) -> float:
    """Percentage read; also checks that every page number lies inside the book."""
    from whitecell.core.errors import FieldError, ValidationFailed

    pages = book["pages"]
    errors = []
    if book.get("currentPage", 1) > pages:
        errors.append(FieldError("currentPage", f"is past the last page ({pages})"))
    if any(p > pages for p in book.get("bookmarks") or []):
        errors.append(FieldError("bookmarks", f"has a page past the last page ({pages})"))
    if any(a["pageNumber"] > pages for a in book.get("annotations") or []):
        errors.append(FieldError("annotations", f"has a page past the last page ({pages})"))
    if errors:
        raise ValidationFailed("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return round(100 * book.get("currentPage", 1) / pages, 1)
