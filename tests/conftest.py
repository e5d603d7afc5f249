"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when configured), the real app
over in-process HTTP, and a real SMTP server that receives the mail the app sends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

import whitecell.models  # noqa: F401  (the whole metadata, for cleaning between tests)
from tests.ai.openai_server import OpenAIServer, serve_openai
from tests.support import (
    Api,
    Browser,
    ClientFactory,
    Mailbox,
    api_with,
    scratch_database,
    smtp_server,
)
from tests.support_s3 import S3Server, s3_server
from whitecell.app import create_app
from whitecell.core import migrations
from whitecell.core.config import Settings
from whitecell.core.db import Base, sync_url

# Generous defaults so only the rate-limit tests meet the limits.
RELAXED_LIMITS = {
    "rate_otp_request_email": (1000, 3600),
    "rate_otp_request_ip": (1000, 3600),
    "rate_login_email": (1000, 900),
    "rate_login_ip": (1000, 900),
    "rate_otp_request_email_ip": (1000, 3600),
    "login_free_failures": 1000,
    "rate_analytics_ip": (1000, 60),
    "rate_sudoku_new_user": (1000, 600),
    "rate_write_user_family": (100_000, 60),
    "rate_write_user": (100_000, 60),
}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database(tmp_path_factory.mktemp("db")) as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sync_engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(sync_url(database_url))
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    uses_database = "database_url" in request.fixturenames
    engine: Engine | None = request.getfixturevalue("sync_engine") if uses_database else None
    yield
    if engine is None:
        return
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    # DELETE, not TRUNCATE: on a few rows it is ten times faster on PostgreSQL.
    with engine.begin() as connection:
        for table in tables:
            connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """An S3-compatible server on loopback for the whole run (buckets are per test)."""
    with s3_server() as server:
        yield server


@pytest.fixture
def mailbox(smtp: tuple[Mailbox, int]) -> Mailbox:
    smtp[0].clear()
    return smtp[0]


@pytest.fixture
def settings_for(
    database_url: str, smtp: tuple[Mailbox, int], tmp_path: Path
) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "data_dir": tmp_path,
            "secret_key": "test-secret-key-not-for-production",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp[1],
            "smtp_starttls": False,
            "cleanup_interval_seconds": 3600,
            **RELAXED_LIMITS,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture
async def make_client(settings_for: Callable[..., Settings]) -> AsyncIterator[ClientFactory]:
    """Start an app (its own engines, mailer and jobs) and return an HTTP client bound to it."""
    async with AsyncExitStack() as stack:

        async def start(*, client_ip: str = "127.0.0.1", **overrides: Any) -> httpx.AsyncClient:
            app = create_app(settings_for(**overrides))
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
            client = httpx.AsyncClient(transport=transport, base_url="http://whitecell.test")
            await stack.enter_async_context(client)
            client.app = app  # type: ignore[attr-defined]
            return client

        yield start


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    return await make_client()


@pytest.fixture
async def api(make_client: ClientFactory) -> Api:
    """The app and its three people: A, B and an administrator, signed in."""
    return await api_with(make_client)


@pytest.fixture
def browser_a(api: Api) -> Browser:
    """Person A's browser on the web app (their session cookie; forms carry the CSRF token)."""
    return Browser(api.client, api.context, api.a)


@pytest.fixture
def browser_b(api: Api) -> Browser:
    return Browser(api.client, api.context, api.b)


# -- the AI tests' model: a real OpenAI-compatible server on loopback (tests/ai/openai_server.py),
# started once per run and reset (script and received requests) before each test that asks.


@pytest.fixture(scope="session")
def running_openai_server() -> Iterator[OpenAIServer]:
    with serve_openai() as server:
        yield server


@pytest.fixture
def openai_server(running_openai_server: OpenAIServer) -> OpenAIServer:
    running_openai_server.reset()
    return running_openai_server
