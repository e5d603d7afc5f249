"""Discipline's one router: every hand-written discipline route, feature by feature (the
generated routes of its tables come from their declarations in `tables.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from whitecell.discipline import habits, recovery, recurrences, tasks

router = APIRouter()
# The features' own route objects, in this order (`include_router` would wrap them in one
# route that `core/dispatch.py` cannot index by table).
for feature in (tasks, recurrences, habits, recovery):
    router.routes.extend(feature.router.routes)
