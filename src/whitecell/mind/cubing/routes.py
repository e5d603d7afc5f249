"""Cubing's hand-written routes, feature by feature (the generated routes of `cube_times` come
from its declaration): scrambles served, statistics, csTimer imports."""

from __future__ import annotations

from fastapi import APIRouter

from whitecell.mind.cubing import imports, scrambling, stats

router = APIRouter()
# Appended route by route, as fitness/routes.py does (`include_router` would wrap them in one
# route that `core/dispatch.py` cannot index by table).
for feature in (scrambling, stats, imports):
    router.routes.extend(feature.router.routes)
