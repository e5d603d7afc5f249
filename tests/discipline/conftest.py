"""Discipline tests: the real-server fixtures of tests/realtime (the recovery tracker's privacy
is proved over a live WebSocket too) and the gamification tests' engine that scores on demand."""

from __future__ import annotations

from tests.gamification.conftest import game
from tests.realtime.conftest import live, live_server

__all__ = ["game", "live", "live_server"]
