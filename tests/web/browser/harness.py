"""What the browser tests share: a real White Cell server on loopback (uvicorn in a thread, on the
run's database and the run's SMTP server), the Chromium to drive, and the checks every screen
passes (no request to another host, no serious or critical axe-core violation)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn

from tests.conftest import RELAXED_LIMITS
from tests.support import CODE_IN_MAIL, Mailbox, free_port
from whitecell.app import create_app
from whitecell.core.config import Settings

# Where Debian puts Chromium; WHITECELL_CHROMIUM names another build.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
INSTALL_HINT = "install Debian's Chromium (apt-get install -y chromium) or set WHITECELL_CHROMIUM"
# The impacts that fail a screen (axe-core's four levels: minor, moderate, serious, critical).
FAILING_IMPACTS = frozenset({"serious", "critical"})


def chromium_path() -> str | None:
    """The Chromium executable to drive, or None when this machine has none."""
    wanted = os.environ.get("WHITECELL_CHROMIUM")
    candidates = [wanted] if wanted else [*CHROMIUM_PATHS, shutil.which("chromium")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@dataclass
class LiveServer:
    """A White Cell server on 127.0.0.1 and the mailbox its mail goes to."""

    base_url: str
    mailbox: Mailbox
    settings: Settings

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def code_for(self, email: str, count: int = 1, timeout: float = 10.0) -> str:
        """The 6-digit code in the `count`-th mail to `email` (waiting for the mailer)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.mailbox.to(email)
            if len(received) >= count:
                payload = received[count - 1].get_payload(decode=True)
                match = CODE_IN_MAIL.search(payload.decode())  # type: ignore[union-attr]
                assert match, "the mail carries a 6-digit code"
                return match.group(1)
            time.sleep(0.02)
        raise AssertionError(f"no mail to {email} within {timeout}s")

    def api_token(self, email: str) -> str:
        """A second session of `email` through the API's own sign-in (a phone, another tab)."""
        with httpx.Client(base_url=self.base_url) as http:
            sent = len(self.mailbox.to(email))
            assert http.post("/api/v1/auth/otp", json={"email": email}).status_code == 202
            code = self.code_for(email, count=sent + 1)
            login = http.post("/api/v1/auth/otp/verify", json={"email": email, "code": code})
            assert login.status_code == 200, login.text
            return str(login.json()["token"])


@contextmanager
def serve_in_thread(app: Any, port: int) -> Iterator[None]:
    """Serve `app` with uvicorn on 127.0.0.1:`port` until the block ends (its lifespan included)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, server_header=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def live_server(settings: Settings, mailbox: Mailbox) -> Iterator[LiveServer]:
    port = free_port()
    with serve_in_thread(create_app(settings), port):
        yield LiveServer(f"http://127.0.0.1:{port}", mailbox, settings)


def server_settings(
    database_url: str, smtp_port: int, data_dir: Path, **overrides: Any
) -> Settings:
    """The settings of the browser tests' server: the run's database and SMTP server, limits
    generous enough for every test to sign in several times."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": "test-secret-key-not-for-production",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_starttls": False,
        "cleanup_interval_seconds": 3600,
        **RELAXED_LIMITS,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Requests:
    """Every request the pages of one browser context made, to check none left the server."""

    urls: list[str] = field(default_factory=list)
    # Hosts a test visits on purpose (the foreign site of the CSRF test).
    allowed: set[str] = field(default_factory=set)

    def record(self, request: Any) -> None:
        self.urls.append(request.url)

    def foreign(self, host: str) -> list[str]:
        """The requests to anything but `host` (data: and blob: URLs never leave the browser)."""
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in {"data", "blob"}
            and urlsplit(url).netloc not in {host, *self.allowed}
        ]


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe  # loaded only where a browser runs

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") in FAILING_IMPACTS:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
            lines.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return lines


@dataclass
class Tab:
    """One page of a browser context on the live server, with the checks every screen passes."""

    page: Any
    server: LiveServer
    requests: Requests

    def goto(self, path: str, *, audit: bool = True) -> Any:
        response = self.page.goto(self.server.url(path))
        if audit:
            self.audit()
        return response

    def audit(self) -> None:
        """No serious or critical accessibility violation on the screen as it is now."""
        self.page.wait_for_load_state("load")
        found = serious_violations(self.page)
        assert not found, f"axe-core on {self.page.url}:\n" + "\n".join(found)

    @property
    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def sign_in(self, email: str, username: str | None = None, *, audit: bool = True) -> None:
        """Sign in with the emailed code, as a person does (the code pasted as "123 456"); a
        first sign-in answers the welcome questions. Ends on the dashboard."""
        page = self.page
        self.goto("/signin", audit=audit)
        page.fill("#f-email", email)
        sent = len(self.server.mailbox.to(email))
        page.click('button:has-text("Email me a code")')
        page.wait_for_selector("#f-code")
        if audit:
            self.audit()
        code = self.server.code_for(email, count=sent + 1)
        page.fill("#f-code", f"{code[:3]} {code[3:]}")
        page.click('button:has-text("Sign in")')
        page.wait_for_load_state("load")
        if self.path.startswith("/welcome"):
            if audit:
                self.audit()
            page.fill("#f-username", username or email.split("@")[0])
            page.click('button:has-text("Start")')
            page.wait_for_url(self.server.url("/"))
        assert self.path == "/", self.page.url
        if audit:
            self.audit()

    def cookie_token(self) -> str:
        """The session token the browser carries (the httpOnly cookie, read from the context)."""
        cookies = self.page.context.cookies(self.server.base_url)
        return next(c["value"] for c in cookies if c["name"] == "wc_session")


# open_tab(**context_options) -> Tab: a page in a new browser context (conftest.py).
OpenTab = Callable[..., Tab]
