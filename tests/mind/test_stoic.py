"""The quote of the day, pure (docs/mind.md, "Stoic wisdom"): one quote a day, never the same
two days running, every quote once per cycle, and quotes added later leave the days under way
alone; each theme's reflection prompts."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from whitecell.core.errors import ValidationFailed
from whitecell.mind.stoic import (
    GENERAL_PROMPTS,
    PROMPTS,
    THEMES,
    daily_pick,
    known_theme,
    reflection_prompt,
)

FIRST = date(2026, 12, 1).toordinal()  # the day the corpus arrived
CORPUS = [(FIRST, f"q{n:03d}") for n in range(40)]


def picks(days: range, quotes: list[tuple[int, str]] = CORPUS) -> list[str]:
    found = [daily_pick(day, quotes) for day in days]
    assert all(pick is not None for pick in found)
    return [pick.quote_id for pick in found if pick is not None]


def test_every_cycle_shows_every_quote_once_and_no_day_repeats_the_day_before() -> None:
    days = range(FIRST - 120, FIRST + 400)
    shown = picks(days)
    assert all(a != b for a, b in itertools.pairwise(shown))
    by_cycle: dict[int, list[str]] = {}
    for day in days:
        pick = daily_pick(day, CORPUS)
        assert pick is not None and pick.length == len(CORPUS)
        by_cycle.setdefault(pick.cycle, []).append(pick.quote_id)
        assert pick.day == (day - FIRST) % len(CORPUS) + 1
    whole = [quotes for quotes in by_cycle.values() if len(quotes) == len(CORPUS)]
    assert len(whole) >= 10
    assert all(sorted(quotes) == sorted(q for _, q in CORPUS) for quotes in whole)
    assert len({tuple(quotes) for quotes in whole}) == len(whole)  # each cycle its own order


def test_a_day_shows_the_same_quote_however_often_it_is_asked() -> None:
    day = FIRST + 1000
    assert {daily_pick(day, CORPUS) for _ in range(5)} == {daily_pick(day, list(reversed(CORPUS)))}


def test_quotes_added_later_join_at_the_next_cycle_and_change_no_day_before_it() -> None:
    added = FIRST + 50  # during the second cycle (days 40-79)
    grown = [*CORPUS, *((added, f"new{n}") for n in range(5))]
    before = range(FIRST - 10, FIRST + 80)
    assert picks(before, grown) == picks(before)
    third = [daily_pick(day, grown) for day in range(FIRST + 80, FIRST + 80 + 45)]
    assert all(pick is not None and pick.length == 45 for pick in third)
    assert {pick.quote_id for pick in third if pick} == {q for _, q in grown}


def test_a_growing_corpus_still_cycles_through_everything_far_ahead() -> None:
    grown = CORPUS + [(FIRST + 30 * n, f"late{n}") for n in range(1, 20)]
    shown = picks(range(FIRST + 3000, FIRST + 3000 + 3 * len(grown)), grown)
    assert all(a != b for a, b in itertools.pairwise(shown))
    assert set(shown) == {q for _, q in grown}


def test_no_quotes_no_pick_and_one_quote_every_day() -> None:
    assert daily_pick(FIRST, []) is None
    assert set(picks(range(FIRST - 3, FIRST + 3), [(FIRST, "only")])) == {"only"}


def test_every_theme_has_three_prompts_and_the_day_chooses_one() -> None:
    assert set(PROMPTS) == set(THEMES)
    for theme, prompts in PROMPTS.items():
        assert len(set(prompts)) == 3 and all(p.endswith(("?", ".")) for p in prompts)
        assert [reflection_prompt(theme, day) for day in range(3)] == [
            prompts[0],
            prompts[1],
            prompts[2],
        ]
    assert reflection_prompt("Present Moment ", 4) == PROMPTS["present moment"][1]
    assert reflection_prompt(None, 0) == GENERAL_PROMPTS[0]
    assert reflection_prompt("courage", 1) == GENERAL_PROMPTS[1]


def test_a_theme_is_one_of_the_list_in_any_case() -> None:
    assert known_theme("theme", "  Present   MOMENT ") == "present moment"
    with pytest.raises(ValidationFailed) as refused:
        known_theme("theme", "courage")
    assert refused.value.errors[0].field == "theme"
