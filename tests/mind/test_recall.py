"""Scoring a memory palace drill, pure (docs/mind.md, "Memory palaces"): answers compared
loosely, a few spelling slips forgiven by length (the edit distance checked against rapidfuzz's
optimal string alignment), items in another place counting half."""

from __future__ import annotations

import random

from rapidfuzz.distance import OSA

from whitecell.mind.recall import (
    matches,
    normalized,
    recalled_forms,
    score_location,
    slips,
    slips_allowed,
)


def test_case_accents_punctuation_spaces_and_a_leading_article_do_not_count() -> None:
    assert normalized("  The  Café-Crème! ") == "cafe creme"
    assert normalized("an Ångström") == "angstrom"
    assert normalized("A") == "a"  # an article alone is the answer itself
    assert matches("the cafe creme", "Café crème") == 0


def test_an_item_with_an_image_after_a_colon_is_recalled_by_its_head() -> None:
    item = "Hydrogen (H): a fire hydrant jammed in the doorway"
    assert recalled_forms(item) == ("hydrogen h a fire hydrant jammed in the doorway", "hydrogen")
    assert matches("hydrogen", item) == 0
    assert matches("Hydrogen (H): a fire hydrant jammed in the doorway", item) == 0
    assert matches("helium", item) is None


def test_slips_forgiven_grow_with_the_length_of_what_is_recalled() -> None:
    assert [slips_allowed(n) for n in (1, 3, 4, 7, 8, 30)] == [0, 0, 1, 1, 2, 2]
    assert matches("cat", "cut") is None  # three letters: exactly
    assert matches("lemno", "lemon") == 1  # a swap is one slip
    assert matches("lemn", "lemon") == 1
    assert matches("lmn", "lemon") is None
    assert matches("elphnt", "elephant") == 2
    assert matches("elphn", "elephant") is None
    assert matches("", "lemon") is None and matches("  !? ", "lemon") is None


def test_the_edit_distance_is_the_optimal_string_alignment_distance() -> None:
    rng = random.Random(14)
    for _ in range(3000):
        a = "".join(rng.choice("abcd") for _ in range(rng.randrange(0, 9)))
        b = "".join(rng.choice("abcd") for _ in range(rng.randrange(0, 9)))
        expected = OSA.distance(a, b)
        for limit in (0, 1, 2, 8):
            found = slips(a, b, limit)
            assert found == expected if expected <= limit else found == limit + 1, (a, b, limit)


def verdicts(items: list[str], answers: list[str]) -> list[str]:
    return [v.verdict for v in score_location(items, answers)[0]]


def test_items_in_place_count_whole_in_another_place_half() -> None:
    items = ["apple", "banana", "cherry", "date"]
    found, points = score_location(items, ["banana", "appel", "cherry", "fig", "grape"])
    assert [(v.expected, v.answer, v.verdict, v.exact) for v in found] == [
        ("apple", "appel", "misplaced", False),
        ("banana", "banana", "misplaced", True),
        ("cherry", "cherry", "correct", True),
        ("date", "fig", "wrong", False),
        (None, "grape", "extra", False),
    ]
    assert points == 2.0


def test_an_answer_counts_for_one_item_only_and_blanks_are_missed() -> None:
    assert verdicts(["lemon", "lemon"], ["lemon", ""]) == ["correct", "missed"]
    assert verdicts(["apple", "pear"], ["pear", "pear"]) == ["wrong", "correct"]
    assert verdicts(["apple", "pear", "plum"], []) == ["missed"] * 3
    assert score_location(["apple"], ["apple", "apple"])[1] == 1.0  # a repeat is only extra
