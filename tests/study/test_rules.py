"""Study rules, called directly: word counts, answer matching, quiz grading, reading progress
(docs/study.md; through the API: tests/study/test_computed.py and test_quizzes.py)."""

from __future__ import annotations

from typing import Any

import pytest

from whitecell.core.errors import ValidationFailed
from whitecell.study.rules import (
    answers_match,
    grade_quiz,
    normalize_answer,
    reading_progress,
    word_count,
)


def question(answer: str, kind: str = "short_answer") -> dict[str, Any]:
    return {"id": answer, "type": kind, "text": "?", "correctAnswer": answer}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", 0),
        ("one two  three", 3),
        ("# Cells\n\n**Mitochondria** make <b>ATP</b>.", 4),
        ("- item one\n- *item* two\n> `quoted` code", 6),
        ("don't and don\u2019t are one word each", 7),
        ("<p>caf\u00e9 na\u00efve \u00fcber</p>", 3),
        ("***\n---\n> \n", 0),
    ],
)
def test_words_are_what_a_reader_sees(content: str, words: int) -> None:
    assert word_count(content) == words


def test_answers_fold_case_width_spacing_and_punctuation() -> None:
    assert normalize_answer("  Krebs   Cycle! ") == "krebs cycle"
    assert normalize_answer("\uff21\uff34\uff30") == "atp"  # full-width letters (NFKC)
    assert normalize_answer("Stra\u00dfe") == "strasse"  # casefold, not lower
    assert normalize_answer("H2O, (water)") == "h2o water"


def test_typo_tolerance_has_limits() -> None:
    assert answers_match("mitocondria", "Mitochondria", tolerant=True)
    assert answers_match("photosynthesys", "photosynthesis", tolerant=True)
    assert not answers_match("ADP", "ATP", tolerant=True)  # short answers must be exact
    assert not answers_match("fructose", "glucose", tolerant=True)
    assert not answers_match("mitocondria", "Mitochondria", tolerant=False)


def test_one_typo_passes_up_to_eight_letters_and_two_beyond() -> None:
    assert answers_match("glucoze", "glucose", tolerant=True)
    assert not answers_match("glukoze", "glucose", tolerant=True)
    assert answers_match("chloroplasst", "chloroplast", tolerant=True)  # 11 letters: two allowed
    assert answers_match("chlorplasst", "chloroplast", tolerant=True)
    assert not answers_match("chlrplasst", "chloroplast", tolerant=True)


def test_an_empty_answer_never_matches_a_real_one() -> None:
    assert not answers_match("", "Oxygen", tolerant=True)
    assert not answers_match("?!", "Oxygen", tolerant=True)


def test_a_quiz_is_scored_to_one_decimal_with_feedback_per_question() -> None:
    questions = [question("Mitochondria"), question("4"), question("Oxygen")]
    assert grade_quiz(questions, ["  mitochondria!", "5", "oxygen"]) == {
        "totalQuestions": 3,
        "correctAnswers": 2,
        "score": 66.7,
        "feedback": ["Correct.", "The answer is: 4", "Correct."],
    }


def test_unanswered_questions_count_as_wrong() -> None:
    graded = grade_quiz([question("Mitochondria"), question("ATP")], ["Mitochondria"])
    assert (graded["correctAnswers"], graded["score"]) == (1, 50.0)
    assert graded["feedback"][1] == "The answer is: ATP"


def test_more_answers_than_questions_is_refused_naming_user_answers() -> None:
    with pytest.raises(ValidationFailed) as refused:
        grade_quiz([question("ATP")], ["ATP", "extra"])
    assert [e.field for e in refused.value.errors] == ["userAnswers"]


def test_typos_are_forgiven_in_short_answers_only() -> None:
    short, choice = question("Mitochondria"), question("Mitochondria", "multiple_choice")
    assert grade_quiz([short, choice], ["Mitocondria", "Mitocondria"])["correctAnswers"] == 1


def test_a_matching_question_is_right_only_when_every_pair_is() -> None:
    pairs = question("Glucose | ATP | Oxygen", "matching")
    assert grade_quiz([pairs], ["glucose|atp| oxygen"])["correctAnswers"] == 1
    assert grade_quiz([pairs], ["Glucose | ATP"])["correctAnswers"] == 0
    assert grade_quiz([pairs], ["Glucoze | ATP | Oxygen"])["correctAnswers"] == 0  # exact pairs


def test_an_empty_quiz_scores_zero() -> None:
    assert grade_quiz([], []) == {
        "totalQuestions": 0,
        "correctAnswers": 0,
        "score": 0.0,
        "feedback": [],
    }


def test_reading_progress_is_the_share_of_pages_read_to_one_decimal() -> None:
    assert reading_progress({"pages": 200, "currentPage": 50}) == 25.0
    assert reading_progress({"pages": 3, "currentPage": 1}) == 33.3
    assert reading_progress({"pages": 3, "currentPage": 3}) == 100.0
    assert reading_progress({"pages": 400}) == 0.2  # an unopened book is on page 1


def test_every_page_past_the_last_is_reported_at_once() -> None:
    book = {
        "pages": 100,
        "currentPage": 101,
        "bookmarks": [5, 150],
        "annotations": [{"pageNumber": 7}, {"pageNumber": 101}],
    }
    with pytest.raises(ValidationFailed) as refused:
        reading_progress(book)
    assert [e.field for e in refused.value.errors] == ["currentPage", "bookmarks", "annotations"]


def test_pages_inside_the_book_are_fine_up_to_the_last() -> None:
    book = {"pages": 100, "currentPage": 100, "bookmarks": [1, 100], "annotations": []}
    assert reading_progress(book) == 100.0
