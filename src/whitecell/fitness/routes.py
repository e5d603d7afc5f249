"""Fitness's one router: every hand-written fitness route, feature by feature (the generated
routes of its tables come from their declarations in `tables.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from whitecell.fitness import (
    history,
    imports,
    meals,
    measurements,
    photos,
    suggestions,
    templates,
)

router = APIRouter()
# The features' own route objects are appended here, in order (`include_router` would wrap them
# in one route that `core/dispatch.py` cannot index by table):
for feature in (history, templates, imports, meals, suggestions, measurements, photos):
    router.routes.extend(feature.router.routes)
