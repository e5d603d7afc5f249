"""Glicko-2: a player's rating, rating deviation and volatility after a rating period.

Written from Mark E. Glickman, "Example of the Glicko-2 system" (Boston University, 2013,
http://www.glicko.net/glicko/glicko2.pdf), steps 1-8, with the Illinois algorithm of step 5 for
the new volatility. `tests/mind/puzzles/test_glicko.py` replays the paper's worked example.

White Cell rates puzzles as Lichess does: each finished attempt is a rating period of one game
against the puzzle, whose own Lichess rating and deviation are the opponent's (docs/mind.md,
"Chess puzzles").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SCALE = 173.7178  # step 2: the Glicko-2 scale is the Glicko scale divided by 400 / ln(10)
BASE = 1500.0  # step 1: an unrated player's rating ...
START_DEVIATION = 350.0  # ... and rating deviation (Glicko points)
START_VOLATILITY = 0.06
# Step 1's system constant: "reasonable choices are between 0.3 and 1.2"; smaller values keep
# volatility from moving a rating far on one improbable result.
TAU = 0.5
EPSILON = 0.000001  # step 5.1: the convergence tolerance


@dataclass(frozen=True)
class Rating:
    rating: float = BASE
    deviation: float = START_DEVIATION
    volatility: float = START_VOLATILITY


@dataclass(frozen=True)
class Game:
    opponent_rating: float
    opponent_deviation: float
    score: float  # 1 win, 0.5 draw, 0 loss


def _g(phi: float) -> float:
    return 1 / math.sqrt(1 + 3 * phi * phi / (math.pi * math.pi))


def _expected(mu: float, mu_j: float, phi_j: float) -> float:
    return 1 / (1 + math.exp(-_g(phi_j) * (mu - mu_j)))


def _volatility(phi: float, sigma: float, delta: float, v: float, tau: float) -> float:
    """Step 5: the new volatility, the root of f found by the Illinois algorithm."""
    a = math.log(sigma * sigma)

    def f(x: float) -> float:
        ex = math.exp(x)
        spread = phi * phi + v + ex
        return ex * (delta * delta - phi * phi - v - ex) / (2 * spread * spread) - (x - a) / (
            tau * tau
        )

    big_a = a
    if delta * delta > phi * phi + v:
        big_b = math.log(delta * delta - phi * phi - v)
    else:
        k = 1
        while f(a - k * tau) < 0:
            k += 1
        big_b = a - k * tau
    f_a, f_b = f(big_a), f(big_b)
    while abs(big_b - big_a) > EPSILON:
        big_c = big_a + (big_a - big_b) * f_a / (f_b - f_a)
        f_c = f(big_c)
        if f_c * f_b <= 0:
            big_a, f_a = big_b, f_b
        else:
            f_a /= 2
        big_b, f_b = big_c, f_c
    return math.exp(big_a / 2)


def rate(player: Rating, games: Sequence[Game], tau: float = TAU) -> Rating:
    """The player's rating after one rating period with `games` (steps 2-8). A period without
    games only widens the deviation (step 6 alone)."""
    mu = (player.rating - BASE) / SCALE
    phi = player.deviation / SCALE
    sigma = player.volatility
    if not games:
        return Rating(player.rating, math.sqrt(phi * phi + sigma * sigma) * SCALE, sigma)
    terms = []
    for game in games:
        mu_j = (game.opponent_rating - BASE) / SCALE
        phi_j = game.opponent_deviation / SCALE
        terms.append((_g(phi_j), _expected(mu, mu_j, phi_j), game.score))
    v = 1 / sum(g * g * e * (1 - e) for g, e, _ in terms)  # step 3
    improvement = sum(g * (s - e) for g, e, s in terms)
    delta = v * improvement  # step 4
    new_sigma = _volatility(phi, sigma, delta, v, tau)  # step 5
    phi_star = math.sqrt(phi * phi + new_sigma * new_sigma)  # step 6
    new_phi = 1 / math.sqrt(1 / (phi_star * phi_star) + 1 / v)  # step 7
    new_mu = mu + new_phi * new_phi * improvement
    return Rating(SCALE * new_mu + BASE, SCALE * new_phi, new_sigma)  # step 8
