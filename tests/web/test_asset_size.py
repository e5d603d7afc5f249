"""Each page's own CSS and JS weigh under 100 KB compressed (issue 15, "Speed"): the stylesheets
and scripts a page links (css/app.css, js/*.js and the vendored htmx) summed after gzip."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest

from tests.support import Browser

BUDGET = 100 * 1024
# The assets a page loads itself: its stylesheets and scripts (icons and the manifest are not).
LINKED = re.compile(
    r'<link rel="stylesheet" href="(/static/[^"]+)"|<script[^>]* src="(/static/[^"]+)"'
)


async def weigh(client: httpx.AsyncClient, html: str) -> dict[str, int]:
    """Each linked CSS or JS asset of the page and its gzip size."""
    sizes = {}
    for match in LINKED.finditer(html):
        path = match.group(1) or match.group(2)
        asset = await client.get(path)
        assert asset.status_code == 200, path
        sizes[path] = len(gzip.compress(asset.content, compresslevel=9))
    return sizes


@pytest.mark.parametrize("path", ["/", "/signin", "/no/such/page"])
async def test_a_pages_css_and_js_stay_under_100_kb_compressed(
    browser_a: Browser, path: str
) -> None:
    page = await browser_a.get(path) if path != "/signin" else await browser_a.client.get(path)
    sizes = await weigh(browser_a.client, page.text)
    assert any(p.startswith("/static/css/app.css") for p in sizes)
    assert any("htmx" in p for p in sizes), "the vendored htmx counts too"
    assert sum(sizes.values()) < BUDGET, sizes
