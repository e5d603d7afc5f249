"""Mind's one router: every hand-written mind route, feature by feature (the generated routes of
its tables come from their declarations in `tables.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from whitecell.mind import drills, quotes
from whitecell.mind.cubing import routes as cubing_routes
from whitecell.mind.puzzles import attempts as chess_puzzles
from whitecell.mind.sudoku import routes as sudoku_routes

router = APIRouter()
# The features' own route objects, in order (`include_router` would wrap them in one route that
# `core/dispatch.py` cannot index by table); `/stoic_quotes/daily/saved` before `{id}/saved`.
for feature in (quotes, drills, chess_puzzles, cubing_routes, sudoku_routes):
    router.routes.extend(feature.router.routes)
