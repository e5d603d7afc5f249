"""Study's one router: every hand-written study route, feature by feature (the generated routes
of its tables come from their declarations in `tables.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from whitecell.study import decks, notes, quizzes, sessions
from whitecell.study import router as review

router = APIRouter()
# The features' own route objects, in this order (`include_router` would wrap them in one
# route that `core/dispatch.py` cannot index by table).
for feature in (review, decks, notes, quizzes, sessions):
    router.routes.extend(feature.router.routes)
