"""The level curve, the streak multiplier, streak counting and Ao5: pure rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from whitecell.gamification import levels
from whitecell.gamification.badges import CATALOG, best_average_of_5
from whitecell.gamification.rules import RULES, streak_multiplier
from whitecell.gamification.streaks import summarize


def test_the_level_curve_is_habitica_s_doubled() -> None:
    # Habitica: 150 XP from level 1 to 2, 3,580 from 99 to 100, 145,410 to reach 100 (§9.1).
    assert levels.xp_to_next(1) == 300
    assert levels.xp_to_next(99) == 7_160
    assert levels.THRESHOLDS[1] == 300 and levels.THRESHOLDS[99] == 290_820
    steps = [levels.xp_to_next(n) for n in range(1, 100)]
    assert steps == sorted(steps)  # grows smoothly: never a cheaper level later


@pytest.mark.parametrize(
    ("total", "level"),
    [(0, 1), (299, 1), (300, 2), (619, 2), (620, 3), (290_819, 99), (290_820, 100), (10**9, 100)],
)
def test_level_boundaries(total: int, level: int) -> None:
    assert levels.level_for(total) == level


def test_progress_within_a_level() -> None:
    progress = levels.progress(450)
    assert (progress.level, progress.into_level, progress.needed) == (2, 150, 320)
    assert progress.as_json()["xpToNextLevel"] == 170
    top = levels.progress(300_000)
    assert top.level == 100 and top.as_json()["xpToNextLevel"] == 0


@pytest.mark.parametrize(
    ("days", "multiplier"),
    [(0, 1.0), (1, 1.0), (6, 1.0), (7, 1.05), (20, 1.1), (69, 1.45), (70, 1.5), (400, 1.5)],
)
def test_the_streak_multiplier_grows_weekly_and_stops_at_one_and_a_half(
    days: int, multiplier: float
) -> None:
    assert streak_multiplier(days) == multiplier


def test_a_streak_is_the_run_ending_today_or_yesterday() -> None:
    today = date(2026, 11, 27)
    days = [today - timedelta(days=n) for n in (0, 1, 2, 5, 6, 7, 8)]
    state = summarize(days, today)
    assert state is not None
    assert (state.current, state.longest, state.start) == (3, 4, today - timedelta(days=2))
    yesterday = summarize([today - timedelta(days=1)], today)
    assert yesterday is not None and yesterday.current == 1  # today may yet count
    broken = summarize([today - timedelta(days=2)], today)
    assert broken is not None and (broken.current, broken.longest) == (0, 1)


def test_ao5_drops_the_best_and_worst_and_two_dnfs_fail_it() -> None:
    assert best_average_of_5([10_000, 12_000, 11_000, 30_000, 9_000]) == pytest.approx(11_000)
    assert best_average_of_5([10_000, None, 11_000, 12_000, 13_000]) == pytest.approx(12_000)
    assert best_average_of_5([10_000, None, None, 12_000, 13_000]) is None
    assert best_average_of_5([25_000] * 4) is None  # four solves make no average of five


def test_the_catalogs_cover_every_module() -> None:
    assert len(CATALOG) >= 30
    assert len({b.badge_type for b in CATALOG}) == len(CATALOG)
    assert {b.rarity for b in CATALOG} == {"common", "rare", "epic", "legendary"}
    assert {r.module for r in RULES} == {"study", "fitness", "mind", "discipline", "creator"}
    assert {b.module for b in CATALOG} >= {"study", "fitness", "mind", "discipline", "creator"}


def test_the_docs_tables_are_the_rules() -> None:
    from pathlib import Path

    from whitecell.gamification.tables_doc import badge_table, level_table, xp_table

    text = (Path(__file__).resolve().parents[2] / "docs" / "gamification.md").read_text()
    for table in (xp_table(), badge_table(), level_table()):
        assert table in text, (
            "docs/gamification.md is out of date: regenerate its tables with "
            "`python -m whitecell.gamification.tables_doc`"
        )


def test_level_100_takes_a_dedicated_user_about_two_years() -> None:
    """The day of docs/gamification.md, scored by the rules themselves."""
    by_action = {rule.action: rule for rule in RULES}
    reviews = [{"quality": 5, "date": "2026-01-02T00:00:00Z"}] * 30 + [
        {"quality": 3, "date": "2026-01-02T00:00:00Z"}
    ] * 10
    day = (
        2 * by_action["note_created"].xp({"wordCount": 200})
        + by_action["flashcard_reviewed"].xp(
            {"createdAt": "2026-01-01T00:00:00Z", "reviewHistory": reviews}
        )
        + by_action["study_minutes"].xp({"duration": 30})
        + by_action["pages_read"].xp({"currentPage": 11})
        + by_action["workout_logged"].xp({"duration": 45})
        + 3 * by_action["meal_logged"].xp({})
        + 3 * by_action["task_completed"].xp({"completed": True, "priority": 3})
        + 3 * by_action["chess_puzzle_solved"].xp({"solved": True, "difficulty": 1500})
    )
    assert day == 287
    years = levels.THRESHOLDS[-1] / (day * 1.45) / 365  # the multiplier settles at 1.5
    assert 1.5 < years < 2.5
