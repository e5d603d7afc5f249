"""Exact solving of small puzzles, pure: a puzzle described by its sticker permutations is cut
into coordinates (the pieces' places and orientations), each enumerated from solved by
breadth-first search with its move table and its distance table, and a state is solved
optimally by IDA* with the larger of its coordinates' distances as the bound (the approach of
TNoodle's `TwoByTwoSolver`, ../shared/reference/domain-rules.md §3.3).

A piece is a tuple of sticker places in a fixed cyclic order (clockwise seen from outside);
a move carries each piece to a place and turns it by some steps of that order, which is all a
coordinate needs to know.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

Permutation = Sequence[int]  # for each sticker place, the place whose sticker moves there


def piece_moves(pieces: Sequence[tuple[int, ...]], move: Permutation) -> list[tuple[int, int]]:
    """For each piece place, where a move carries it and by how many steps it turns."""
    place_of: dict[int, tuple[int, int]] = {}
    for number, stickers in enumerate(pieces):
        for step, sticker in enumerate(stickers):
            place_of[sticker] = (number, step)
    moved = []
    destination = {source: place for place, source in enumerate(move)}
    for stickers in pieces:
        # Where this piece's first sticker goes says where the piece goes and how it turns.
        target, step = place_of[destination[stickers[0]]]
        moved.append((target, step % len(stickers)))
        assert len(pieces[target]) == len(stickers), "a move carries a piece to its own kind"
    return moved


@dataclass
class Coordinate:
    """One part of the state: every value reachable from solved (value 0), what each move makes
    of it, and how many moves it is from solved at the least."""

    states: list[tuple[int, ...]]
    moves: list[list[int]]  # [value][move] -> value
    distance: bytearray  # [value] -> moves from solved


def coordinate(
    actions: Sequence[Sequence[tuple[int, int]]],
    places: Sequence[int],
    sizes: Sequence[int],
    *,
    permutation: bool,
    orientation: bool,
) -> Coordinate:
    """The coordinate of the pieces at `places` (each of `sizes[i]` stickers) under the moves'
    `actions` (`piece_moves` of each): their permutation, their orientation, or both."""
    index = {place: i for i, place in enumerate(places)}
    count = len(places)
    solved = tuple(range(count)) * permutation + (0,) * count * orientation

    def apply(state: tuple[int, ...], action: Sequence[tuple[int, int]]) -> tuple[int, ...]:
        pieces = list(state[:count]) if permutation else [0] * count
        twists = list(state[-count:]) if orientation else [0] * count
        new_pieces = [0] * count
        new_twists = [0] * count
        for i, place in enumerate(places):
            target, step = action[place]
            j = index[target]
            new_pieces[j] = pieces[i]
            new_twists[j] = (twists[i] + step) % sizes[i]
        return tuple(new_pieces) * permutation + tuple(new_twists) * orientation

    states = [solved]
    number = {solved: 0}
    distance = bytearray([0])
    moves: list[list[int]] = []
    at = 0
    while at < len(states):  # breadth first: each state's distance is final when it is found
        row = []
        for action in actions:
            following = apply(states[at], action)
            found = number.get(following)
            if found is None:
                found = number[following] = len(states)
                states.append(following)
                distance.append(distance[at] + 1)
            row.append(found)
        moves.append(row)
        at += 1
    return Coordinate(states, moves, distance)


@dataclass
class Solver:
    """Optimal solutions over two coordinates; `names[m]` is move m in WCA notation and
    `faces[m]` the layer it turns (two turns of one layer in a row are never tried)."""

    names: Sequence[str]
    faces: Sequence[int]
    first: Coordinate
    second: Coordinate

    def random_state(self, rng: random.Random) -> tuple[int, int]:
        """A state drawn uniformly (every pair of coordinate values is reachable)."""
        return rng.randrange(len(self.first.states)), rng.randrange(len(self.second.states))

    def distance_bound(self, state: tuple[int, int]) -> int:
        return max(self.first.distance[state[0]], self.second.distance[state[1]])

    def solve(self, state: tuple[int, int]) -> list[int]:
        """The moves of a shortest solution of `state`."""
        depth = self.distance_bound(state)
        path: list[int] = []
        while not self._search(state[0], state[1], depth, -1, path):
            depth += 1
        return path

    def distance(self, state: tuple[int, int]) -> int:
        return len(self.solve(state))

    def _search(self, a: int, b: int, depth: int, last: int, path: list[int]) -> bool:
        if depth == 0:
            return a == 0 and b == 0
        first, second = self.first, self.second
        for move, face in enumerate(self.faces):
            if face == last:
                continue
            na, nb = first.moves[a][move], second.moves[b][move]
            if first.distance[na] >= depth or second.distance[nb] >= depth:
                continue
            path.append(move)
            if self._search(na, nb, depth - 1, face, path):
                return True
            path.pop()
        return False

    def apply(self, state: tuple[int, int], moves: Sequence[int]) -> tuple[int, int]:
        a, b = state
        for move in moves:
            a, b = self.first.moves[a][move], self.second.moves[b][move]
        return a, b
