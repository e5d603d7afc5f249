"""Glicko-2 against Glickman's worked example ("Example of the Glicko-2 system", 2013, p. 3-5):
a 1500 player, RD 200, volatility 0.06, tau 0.5, beating a 1400 (RD 30) and losing to a 1550
(RD 100) and a 1700 (RD 300), ends at 1464.06, RD 151.52, volatility 0.05999."""

from __future__ import annotations

import pytest

from whitecell.mind.puzzles.glicko import Game, Rating, rate

PAPER_GAMES = [Game(1400, 30, 1.0), Game(1550, 100, 0.0), Game(1700, 300, 0.0)]


def test_the_paper_s_worked_example() -> None:
    after = rate(Rating(1500, 200, 0.06), PAPER_GAMES, tau=0.5)
    assert after.rating == pytest.approx(1464.06, abs=0.01)
    assert after.deviation == pytest.approx(151.52, abs=0.01)
    assert after.volatility == pytest.approx(0.05999, abs=0.00001)


def test_a_new_player_s_first_win_moves_the_rating_far_and_narrows_the_deviation() -> None:
    start = Rating()
    won = rate(start, [Game(1500, 80, 1.0)])
    lost = rate(start, [Game(1500, 80, 0.0)])
    assert won.rating > 1650 and lost.rating < 1350
    assert won.rating - 1500 == pytest.approx(1500 - lost.rating, abs=0.01)  # symmetric
    assert won.deviation < start.deviation


def test_beating_a_much_weaker_puzzle_earns_little_and_failing_it_costs_much() -> None:
    settled = Rating(1800, 60, 0.06)
    gain = rate(settled, [Game(1000, 80, 1.0)]).rating - 1800
    loss = 1800 - rate(settled, [Game(1000, 80, 0.0)]).rating
    assert 0 < gain < 1 and loss > 10


def test_a_period_without_games_only_widens_the_deviation() -> None:
    after = rate(Rating(1700, 100, 0.06), [])
    assert after.rating == 1700 and after.volatility == 0.06
    assert after.deviation == pytest.approx((100**2 + (0.06 * 173.7178) ** 2) ** 0.5)
