"""Creator tests that follow XP run the engine by hand (`Engine.drain`), as the engine's own do."""

from __future__ import annotations

import pytest

from tests.support import Api, ClientFactory, api_with


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    return await api_with(make_client, gamification_enabled=False)
