"""Fixtures of the browser tests: one real server for the package (tests/web/browser/harness.py),
one Chromium for the package, and a fresh browser context for each tab a test opens.

Without Chromium (or Playwright) every test here is skipped, saying what to install."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import Mailbox
from tests.web.browser.harness import (
    INSTALL_HINT,
    LiveServer,
    OpenTab,
    Requests,
    Tab,
    chromium_path,
    live_server,
    server_settings,
)


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, for these tests (each test has its contexts).
    Package-scoped, not session: while sync Playwright is open its event loop counts as running
    in this thread, and pytest-asyncio could not run the other packages' async tests."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("browser tests need Playwright: pip install -e '.[dev]'")
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"browser tests need Chromium: {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright  # only where a browser runs

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def server(
    chromium: Any,
    database_url: str,
    smtp: tuple[Mailbox, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """A White Cell server on loopback, on the run's database: started once for these tests
    (the tables are still emptied after each test, as for every other test)."""
    settings = server_settings(database_url, smtp[1], tmp_path_factory.mktemp("live"))
    with live_server(settings, smtp[0]) as live:
        yield live


@pytest.fixture
def open_tab(
    chromium: Any, server: LiveServer, database_url: str, mailbox: Mailbox
) -> Iterator[OpenTab]:
    """Open a page in a new browser context (its own cookies: another browser or device).
    Afterwards, no page of the test may have asked anything of another host."""
    opened: list[tuple[Any, Requests]] = []

    def open_(**options: Any) -> Tab:
        context = chromium.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
        context.set_default_timeout(10_000)
        requests = Requests()
        context.on("request", requests.record)
        opened.append((context, requests))
        return Tab(context.new_page(), server, requests)

    yield open_
    for context, _ in opened:
        context.close()
    foreign = [url for _, requests in opened for url in requests.foreign(server.host)]
    assert not foreign, f"requests to another host: {foreign}"


@pytest.fixture
def tab(open_tab: OpenTab) -> Tab:
    return open_tab()
