"""The home screen is the modules' sections in one document (the dashboard itself is tested
through the API in tests/gamification/test_views.py)."""

from __future__ import annotations

import pytest

from whitecell.home.router import home_screen


def test_sections_keep_their_module_s_order_and_shared_lists_join_last() -> None:
    screen = home_screen(
        [
            ("study", {"flashcards": {"dueNow": 2}, "goals": ["a study goal"]}),
            ("discipline", {"tasks": {"total": 0}}),
            ("fitness", {"nutrition": {"meals": 1}, "goals": ["a fitness goal"]}),
        ]
    )
    assert list(screen) == ["flashcards", "tasks", "nutrition", "goals"]
    assert screen["goals"] == ["a study goal", "a fitness goal"]


def test_two_modules_cannot_fill_one_section() -> None:
    with pytest.raises(RuntimeError, match="tasks"):
        home_screen([("discipline", {"tasks": {}}), ("later", {"tasks": {}})])
