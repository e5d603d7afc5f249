"""Study rules as pure functions: word counts, quiz grading, reading progress."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from whitecell.core.errors import FieldError, ValidationFailed

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


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        current = [i]
        for j, right in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def answers_match(given: str, expected: str, *, tolerant: bool) -> bool:
    """Equal after folding case, spacing and punctuation; with `tolerant`, small typos pass too
    (one wrong letter up to 8 letters, two beyond; never for answers of 3 letters or fewer)."""
    a, b = normalize_answer(given), normalize_answer(expected)
    if a == b:
        return True
    if not tolerant or len(b) <= 3 or not a:
        return False
    allowed = 1 if len(b) <= 8 else 2
    return _distance(a, b, allowed) <= allowed


def _is_right(question: dict[str, Any], given: str) -> bool:
    if question["type"] == "matching":
        parts = [p.strip() for p in given.split("|")]
        wanted = [p.strip() for p in question["correctAnswer"].split("|")]
        return len(parts) == len(wanted) and all(
            answers_match(g, w, tolerant=False) for g, w in zip(parts, wanted, strict=True)
        )
    tolerant = question["type"] == "short_answer"
    return answers_match(given, question["correctAnswer"], tolerant=tolerant)


def grade_quiz(questions: list[dict[str, Any]], answers: list[str]) -> dict[str, Any]:
    """Score a submitted quiz (docs/study.md): folded comparison, small typos forgiven in short
    answers, matching questions right only when every pair is."""
    if len(answers) > len(questions):
        raise ValidationFailed.field("userAnswers", "has more answers than there are questions")
    feedback, correct = [], 0
    for index, question in enumerate(questions):
        given = answers[index] if index < len(answers) else ""
        if _is_right(question, given):
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
