"""PLACEHOLDER (replaced by the provider layer's branch at merge): the agreed interface only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal

from whitecell.core.config import Settings

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


class Provider:
    model: str

    def stream(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None
    ) -> AsyncIterator[str | Usage]:
        raise NotImplementedError

    async def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None
    ) -> tuple[str, Usage]:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


def provider_from(settings: Settings) -> Provider | None:
    return None
