"""`/docs`: Swagger UI for `/openapi.json`, served from the package (vendored swagger-ui-dist,
static/vendor/LICENSES.md) with its start-up in a file of ours, so it works without internet and
under the pages' Content-Security-Policy."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from whitecell.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def api_docs(request: Request) -> Response:
    return render(request, "docs.html")
