"""The AI tests' model: a real OpenAI-compatible server on loopback (`openai_server.py`), started
once per run and reset (script and received requests) before each test that asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ai.openai_server import OpenAIServer, serve_openai


@pytest.fixture(scope="session")
def running_openai_server() -> Iterator[OpenAIServer]:
    with serve_openai() as server:
        yield server


@pytest.fixture
def openai_server(running_openai_server: OpenAIServer) -> OpenAIServer:
    running_openai_server.reset()
    return running_openai_server
