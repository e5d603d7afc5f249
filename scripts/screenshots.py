"""Screenshots of every screen of the web app, at desktop (1280x800) and phone (390x844) width,
written to docs/screenshots/<screen>-<desktop|phone>.png (the README shows them).

Usage: PYTHONPATH=src .venv/bin/python scripts/screenshots.py [SCREEN ...]

It makes a fresh data directory, migrates its SQLite database, fills it with `whitecell demo`
(four weeks of data in every module), serves it on loopback with mail going to the outbox, and
drives Debian's Chromium (WHITECELL_CHROMIUM names another) through Playwright. A screen that
does not exist yet (404) is skipped with a message, so the script runs as screens land.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DEMO_EMAIL, DEMO_PASSWORD = "demo@example.com", "whitecell-demo"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Screens a signed-in person sees: (name, path). The sign-in screens are taken before.
SCREENS = [
    ("dashboard", "/"),
    ("welcome", "/welcome"),
    ("study", "/study"),
    ("review", "/study/review"),
    ("flashcards", "/study/flashcards"),
    ("notes", "/study/notes"),
    ("note-new", "/study/notes/new"),
    ("quizzes", "/study/quizzes"),
    ("textbooks", "/study/textbooks"),
    ("sessions", "/study/sessions"),
    ("discipline", "/discipline"),
    ("check-in", "/discipline/recovery"),
    ("me", "/me"),
    ("devices", "/me/devices"),
    ("badges", "/me/badges"),
    ("leaderboard", "/leaderboard"),
    ("not-found", "/no/such/page"),
]


def chromium() -> str:
    for path in (os.environ.get("WHITECELL_CHROMIUM"), "/usr/bin/chromium"):
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("no Chromium: apt-get install -y chromium (or set WHITECELL_CHROMIUM)")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "WHITECELL_DATA_DIR": str(data),
        "WHITECELL_DATABASE_URL": "",
        "WHITECELL_PORT": str(port),
        "WHITECELL_SMTP_HOST": "",
    }
    command = [sys.executable, "-m", "whitecell"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*command, "demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([*command, "serve"], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.05)
    server.terminate()
    sys.exit("the server did not start")


def shoot(page: Page, name: str, size: str) -> None:
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}-{size}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path.relative_to(ROOT)}")


def sign_in_screens(browser: Any, base: str, size: str, wanted: set[str]) -> None:
    """The sign-in page and the code page, as a stranger sees them."""
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{base}/signin")
    if not wanted or "signin" in wanted:
        shoot(page, "signin", size)
    page.fill("#f-email", DEMO_EMAIL)
    page.click('button:has-text("Email me a code")')
    page.wait_for_selector("#f-code")
    if not wanted or "signin-code" in wanted:
        shoot(page, "signin-code", size)
    context.close()


def signed_in_screens(browser: Any, base: str, size: str, wanted: set[str]) -> None:
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.click("summary")  # "Use a password instead"
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("form[action='/signin/password'] input[type=email]").fill(DEMO_EMAIL)
    page.click('button:has-text("Sign in with password")')
    page.wait_for_url(re.compile(r"/$"))
    for name, path in SCREENS:
        if wanted and name not in wanted:
            continue
        response = page.goto(f"{base}{path}")
        if response is not None and response.status == 404 and name != "not-found":
            print(f"skipped {name}: {path} does not exist yet")
            continue
        shoot(page, name, size)
    context.close()


def main(wanted: set[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="whitecell-screens-") as scratch:
        server, base = start_server(Path(scratch) / "data")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium())
                for size in SIZES:
                    sign_in_screens(browser, base, size, wanted)
                    signed_in_screens(browser, base, size, wanted)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main(set(sys.argv[1:]))
