"""Mind's one router: every hand-written mind route, feature by feature (the generated routes of
its tables come from their declarations in `tables.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from whitecell.mind import drills, quotes

router = APIRouter()
# The features' own route objects, in order (`include_router` would wrap them in one route that
# `core/dispatch.py` cannot index by table); `/stoic_quotes/daily/saved` before `{id}/saved`.
for feature in (quotes, drills):
    router.routes.extend(feature.router.routes)
