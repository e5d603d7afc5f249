"""The AI coach's model: any server that speaks OpenAI's chat completions (OpenAI itself, Ollama,
llama.cpp's server, vLLM), through the official `openai` client (docs/ai.md, "Providers").

No base URL and no model configured means no provider (`provider_from` returns None): the coach's
offline default, which needs no model.

Retries are the client's own, not ours: `AsyncOpenAI` retries a refused or dropped connection, a
timeout, 408, 409, 429 and 5xx up to `WHITECELL_AI_MAX_RETRIES` times, with exponential backoff
(0.5 s doubling, at most 8 s, minus up to 25 % jitter) or the provider's `Retry-After` when it
names one of at most two minutes. A stream is retried only until its first byte: a reply broken
midway is reported, never silently restarted. `WHITECELL_AI_TIMEOUT_SECONDS` bounds each wait
(connecting, and every gap between the bytes of an answer), not a whole streamed reply.

What fails after the retries becomes a problem detail (`provider_errors.py`): 503, 502 or 504.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from whitecell.ai.provider_errors import (
    ProviderFailed,
    ProviderTimeout,
    ProviderUnavailable,
    provider_failure,
)
from whitecell.core.config import Settings
from whitecell.core.errors import AppError

__all__ = [
    "ChatMessage",
    "Provider",
    "ProviderFailed",
    "ProviderTimeout",
    "ProviderUnavailable",
    "Role",
    "Usage",
    "estimated_tokens",
    "provider_from",
]

Role = Literal["system", "user", "assistant"]

OPENAI_BASE_URL = "https://api.openai.com/v1"
# When a server reports no usage, tokens are estimated at about 4 characters each: OpenAI's rule
# of thumb for English text. Good enough for a daily quota; never used when the server counts.
CHARS_PER_TOKEN = 4
# Local servers (which need no key) get a placeholder: the client refuses an empty one.
NO_KEY = "not-needed"

# What the openai client raises when a provider fails, and what a reply that is not the
# protocol's raises while it is read (JSON that does not parse: a ValueError).
_FAILURES = (openai.APIError, ValueError)


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


def estimated_tokens(text: str) -> int:
    """Tokens in `text` at `CHARS_PER_TOKEN` characters each (rounded up)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Provider:
    """One OpenAI-compatible server and model; one connection pool, closed by `aclose`."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str = "",
        api_key: str = "",
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
        embeddings_model: str = "",
    ) -> None:
        self.model = model
        self.embeddings_model = embeddings_model
        self.base_url = base_url or OPENAI_BASE_URL
        self.timeout_seconds = timeout_seconds
        self._secret = api_key
        self._client = AsyncOpenAI(
            base_url=self.base_url,
            api_key=api_key or NO_KEY,
            timeout=timeout_seconds,
            max_retries=max_retries,
        )
        # OpenAI's newer models refuse `max_tokens` for `max_completion_tokens`, which some
        # local servers (older llama.cpp, llamafile) ignore: each gets the one it reads.
        official = urlsplit(self.base_url).hostname == urlsplit(OPENAI_BASE_URL).hostname
        self._limit_field = "max_completion_tokens" if official else "max_tokens"

    async def stream(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None
    ) -> AsyncGenerator[str | Usage, None]:
        """The reply's text deltas as they arrive, then its `Usage` last (counted by the server
        when it reports it, estimated otherwise). Failures raise from the iterator. An async
        generator (an AsyncIterator with `aclose`): a caller that may stop early wraps it in
        `contextlib.aclosing`, so the connection to the provider closes at once."""
        answering = False
        reply_chars = chunk_count = 0
        counted: Usage | None = None
        try:
            chunks = await self._client.chat.completions.create(
                model=self.model,
                messages=_wire(messages),
                stream=True,
                stream_options={"include_usage": True},
                extra_body=self._limit(max_tokens),
            )
            async with chunks:
                async for chunk in chunks:
                    chunk_count += 1
                    counted = _usage(getattr(chunk, "usage", None)) or counted
                    delta = _delta_text(chunk)
                    if delta:
                        answering = True
                        reply_chars += len(delta)
                        yield delta
            if not chunk_count:  # a body without a single event (an HTML error page...)
                raise ValueError("a stream without chunks")
        except _FAILURES as error:
            raise self._failure(error, answering=answering) from error
        yield counted or _estimate(messages, reply_chars)

    async def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None
    ) -> tuple[str, Usage]:
        """The whole reply at once, and its usage (counted or estimated as for `stream`)."""
        try:
            completion = await self._client.chat.completions.create(
                model=self.model,
                messages=_wire(messages),
                stream=False,
                extra_body=self._limit(max_tokens),
            )
            text = _reply_text(completion)
            counted = _usage(getattr(completion, "usage", None))
        except _FAILURES as error:
            raise self._failure(error, answering=False) from error
        return text, counted or _estimate(messages, len(text))

    async def embed(self, texts: Sequence[str]) -> list[list[float]] | None:
        """One vector per text, in order; None when no embeddings model is configured."""
        if not self.embeddings_model:
            return None
        if not texts:
            return []
        try:
            response = await self._client.embeddings.create(
                model=self.embeddings_model, input=list(texts), encoding_format="float"
            )
            vectors = _vectors(response)
        except _FAILURES as error:
            raise self._failure(error, answering=False) from error
        if len(vectors) != len(texts):
            raise ProviderFailed(
                f"The AI model's server embedded {len(vectors)} of {len(texts)} texts. Try again."
            )
        return vectors

    async def aclose(self) -> None:
        await self._client.close()

    def _limit(self, max_tokens: int | None) -> dict[str, Any] | None:
        return {self._limit_field: max_tokens} if max_tokens is not None else None

    def _failure(self, error: Exception, *, answering: bool) -> AppError:
        return provider_failure(
            error, answering=answering, timeout_seconds=self.timeout_seconds, secret=self._secret
        )


def provider_from(settings: Settings) -> Provider | None:
    """The configured provider, or None (no base URL and no model): the offline default."""
    if not settings.ai_base_url and not settings.ai_model:
        return None
    if not settings.ai_model:
        raise ValueError(
            "WHITECELL_AI_BASE_URL is set but WHITECELL_AI_MODEL is not: name the model to use "
            "(docs/ai.md, 'Providers'), or unset both for the offline coach"
        )
    return Provider(
        model=settings.ai_model,
        base_url=settings.ai_base_url,
        api_key=settings.ai_api_key.get_secret_value(),
        timeout_seconds=settings.ai_timeout_seconds,
        max_retries=settings.ai_max_retries,
        embeddings_model=settings.ai_embeddings_model,
    )


def _wire(messages: Sequence[ChatMessage]) -> list[ChatCompletionMessageParam]:
    # One literal per role: the client types each role's message separately.
    wire: list[ChatCompletionMessageParam] = []
    for message in messages:
        if message.role == "system":
            wire.append({"role": "system", "content": message.content})
        elif message.role == "user":
            wire.append({"role": "user", "content": message.content})
        else:
            wire.append({"role": "assistant", "content": message.content})
    return wire


# The readers below take nothing for granted: the client builds its models from the server's
# JSON without validating them, so a field may be missing or of another type.


def _reply_text(completion: object) -> str:
    # A server that sends something other than JSON gets its text back from the client, not a
    # completion; one without choices has not answered.
    if not isinstance(completion, ChatCompletion):
        raise ValueError("not a chat completion")
    choices = getattr(completion, "choices", None)
    first = choices[0] if isinstance(choices, list) and choices else None
    content = getattr(getattr(first, "message", None), "content", None)
    if not isinstance(content, str):
        raise ValueError("a chat completion without text")
    return content


def _delta_text(chunk: object) -> str | None:
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list) or not choices:
        return None  # the usage chunk, or a keep-alive
    content = getattr(getattr(choices[0], "delta", None), "content", None)
    if content is not None and not isinstance(content, str):
        raise ValueError("a chunk whose text is not text")
    return content


def _vectors(response: object) -> list[list[float]]:
    rows = getattr(response, "data", None)
    if not isinstance(rows, list):
        raise ValueError("not an embeddings list")
    try:
        ordered = sorted(rows, key=lambda row: int(row.index))
        return [[float(x) for x in row.embedding] for row in ordered]
    except (AttributeError, TypeError) as error:
        raise ValueError("an embedding that is not a list of numbers") from error


def _usage(reported: Any) -> Usage | None:
    prompt = getattr(reported, "prompt_tokens", None)
    completion = getattr(reported, "completion_tokens", None)
    if isinstance(prompt, int) and isinstance(completion, int):
        return Usage(prompt_tokens=prompt, completion_tokens=completion)
    return None


def _estimate(messages: Sequence[ChatMessage], reply_chars: int) -> Usage:
    prompt_chars = sum(len(message.content) for message in messages)
    return Usage(
        prompt_tokens=math.ceil(prompt_chars / CHARS_PER_TOKEN),
        completion_tokens=math.ceil(reply_chars / CHARS_PER_TOKEN),
    )
