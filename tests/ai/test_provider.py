"""The provider layer against a real OpenAI-compatible server on loopback: replies streamed and
whole, usage counted or estimated, and every way a provider fails turned into the problem detail a
user sees (502, 503 with Retry-After, 504), with the client's own retries seen by the server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.ai.openai_server import (
    EMBEDDING_DIMENSIONS,
    EMBEDDINGS_MODEL,
    MODEL,
    OpenAIServer,
    Script,
    embedding_of,
    reply_pieces,
    token_count,
)
from tests.support import free_port
from whitecell.ai.provider import (
    OPENAI_BASE_URL,
    ChatMessage,
    Provider,
    ProviderFailed,
    ProviderTimeout,
    ProviderUnavailable,
    Usage,
    estimated_tokens,
    provider_from,
)
from whitecell.core.config import Settings
from whitecell.core.errors import AppError, install_error_handlers

QUESTION = [
    ChatMessage("system", "You are a study coach."),
    ChatMessage("user", "How do I remember the Krebs cycle?"),
]
KEY = "sk-test-secret-key"

ProviderFactory = Callable[..., Provider]


@pytest.fixture
async def provider_for(openai_server: OpenAIServer) -> AsyncIterator[ProviderFactory]:
    """Providers built from settings pointing at the test server, closed after the test."""
    made: list[Provider] = []

    def build(**overrides: Any) -> Provider:
        provider = provider_from(Settings(**openai_server.settings(**overrides)))
        assert provider is not None
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


async def streamed(
    provider: Provider, messages: list[ChatMessage] = QUESTION, **kw: Any
) -> list[str | Usage]:
    async with aclosing(provider.stream(messages, **kw)) as parts:
        return [part async for part in parts]


async def test_a_streamed_reply_arrives_in_pieces_then_the_servers_usage(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    parts = await streamed(provider_for())

    texts, usage = [p for p in parts[:-1] if isinstance(p, str)], parts[-1]
    assert len(texts) == len(parts) - 1, "text first, the usage last"
    reply = "".join(texts)
    assert (
        reply
        == 'You asked: "How do I remember the Krebs cycle?". Here is what I think, step by step.'
    )
    assert texts == reply_pieces(reply), "each delta is passed on as it arrives"
    assert usage == Usage(
        prompt_tokens=sum(token_count(m.content) for m in QUESTION),
        completion_tokens=len(texts),
    )
    sent = openai_server.last.body
    assert sent["model"] == MODEL
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["messages"] == [{"role": m.role, "content": m.content} for m in QUESTION]
    assert "max_tokens" not in sent
    assert openai_server.last.headers["authorization"] == f"Bearer {KEY}"


async def test_a_whole_reply_comes_at_once_with_the_servers_usage(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(reply="Use a mnemonic: Citrate Is Krebs' Starting Substrate.")

    text, usage = await provider_for().complete(QUESTION)

    assert text == "Use a mnemonic: Citrate Is Krebs' Starting Substrate."
    assert usage == Usage(
        prompt_tokens=sum(token_count(m.content) for m in QUESTION),
        completion_tokens=token_count(text),
    )
    assert openai_server.last.body["stream"] is False


async def test_without_usage_from_the_server_tokens_are_estimated_at_four_characters_each(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(reply="Twelve chars", report_usage=False)
    provider = provider_for()
    prompt_chars = sum(len(m.content) for m in QUESTION)
    expected = Usage(prompt_tokens=-(-prompt_chars // 4), completion_tokens=3)

    assert await streamed(provider) == ["Twelve ", "chars", expected]
    assert await provider.complete(QUESTION) == ("Twelve chars", expected)
    assert estimated_tokens("Twelve chars") == 3


async def test_max_tokens_is_sent_to_a_local_server_and_bounds_the_reply(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    provider = provider_for()

    text, usage = await provider.complete(QUESTION, max_tokens=3)
    parts = await streamed(provider, max_tokens=2)

    assert text == 'You asked: "How '
    assert usage.completion_tokens == 3
    assert parts[:-1] == ["You ", "asked: "]
    assert [r.body["max_tokens"] for r in openai_server.received()] == [3, 2]


async def test_a_prompt_holds_exactly_the_messages_given(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    conversation = [
        ChatMessage("system", "Facts about the user: prefers mornings."),
        ChatMessage("user", "First question"),
        ChatMessage("assistant", "First answer"),
        ChatMessage("user", "Second question about mitochondria"),
    ]

    text, _ = await provider_for().complete(conversation)

    assert "Second question about mitochondria" in text
    assert openai_server.last.messages == [
        {"role": m.role, "content": m.content} for m in conversation
    ]
    assert openai_server.last.prompt_text.count("question") == 2


async def test_a_server_error_is_retried_by_the_client_then_reported_as_502(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(status=500)

    with pytest.raises(ProviderFailed) as failed:
        await provider_for(ai_max_retries=2).complete(QUESTION)

    assert failed.value.status == 502
    assert failed.value.code == "provider_failed"
    assert failed.value.detail == "The AI model's server failed (500). Try again later."
    assert len(openai_server.received()) == 3, "one request and the client's two retries"


async def test_a_server_error_that_passes_is_retried_into_a_reply(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(status=503, fail_times=1, reply="Back again.")

    parts = await streamed(provider_for(ai_max_retries=1))

    assert "".join(p for p in parts if isinstance(p, str)) == "Back again."
    assert len(openai_server.received()) == 2


async def test_rate_limiting_after_the_retries_is_503_with_the_providers_retry_after(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(status=429, retry_after="1")

    with pytest.raises(ProviderUnavailable) as unavailable:
        await provider_for(ai_max_retries=1).complete(QUESTION)

    assert unavailable.value.status == 503
    assert unavailable.value.headers == {"Retry-After": "1"}
    assert "Try again in 1 seconds" in unavailable.value.detail
    assert len(openai_server.received()) == 2, "the client waited the Retry-After and retried"


async def test_a_retry_after_past_two_minutes_is_passed_on_without_retrying(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(status=429, retry_after="600")

    with pytest.raises(ProviderUnavailable) as unavailable:
        await provider_for(ai_max_retries=2).complete(QUESTION)

    assert unavailable.value.headers == {"Retry-After": "600"}
    assert len(openai_server.received()) == 1


async def test_a_refused_key_is_502_and_neither_the_detail_nor_the_log_holds_it(
    openai_server: OpenAIServer, provider_for: ProviderFactory, caplog: pytest.LogCaptureFixture
) -> None:
    openai_server.script = Script(status=401)

    with caplog.at_level(logging.WARNING, "whitecell.ai"), pytest.raises(ProviderFailed) as failed:
        await provider_for(ai_max_retries=2).complete(QUESTION)

    assert failed.value.status == 502
    assert "WHITECELL_AI_API_KEY" in failed.value.detail
    assert KEY not in failed.value.detail
    assert KEY not in str(failed.value)
    assert "AuthenticationError status=401" in caplog.text
    assert KEY not in caplog.text
    assert len(openai_server.received()) == 1, "a refused key is not retried"


async def test_an_unknown_model_is_502_naming_the_setting(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(status=404)

    with pytest.raises(ProviderFailed) as failed:
        await provider_for().complete(QUESTION)

    assert "WHITECELL_AI_MODEL" in failed.value.detail


async def test_a_slow_server_is_504_after_the_timeout(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(delay_seconds=1.0)
    provider = provider_for(ai_timeout_seconds=0.2)

    with pytest.raises(ProviderTimeout) as whole:
        await provider.complete(QUESTION)
    with pytest.raises(ProviderTimeout) as stream:
        await streamed(provider)

    assert whole.value.status == stream.value.status == 504
    assert "did not answer within 0.2 seconds" in whole.value.detail
    assert len(openai_server.received()) == 2


async def test_a_stream_that_stalls_between_chunks_raises_504_from_the_iterator(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(chunk_delay_seconds=1.0)

    with pytest.raises(ProviderTimeout):
        await streamed(provider_for(ai_timeout_seconds=0.2, ai_max_retries=1))


async def test_a_refused_connection_is_503(provider_for: ProviderFactory) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1"

    with pytest.raises(ProviderUnavailable) as whole:
        await provider_for(ai_base_url=closed, ai_max_retries=1).complete(QUESTION)
    with pytest.raises(ProviderUnavailable) as stream:
        await streamed(provider_for(ai_base_url=closed))

    assert whole.value.status == stream.value.status == 503
    assert (
        whole.value.detail == "The AI model's server cannot be reached right now. Try again later."
    )
    assert whole.value.headers == {}


async def test_a_stream_broken_midway_raises_from_the_iterator_after_the_first_pieces(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(break_after_chunks=2)
    received: list[str | Usage] = []

    with pytest.raises(ProviderFailed) as failed:
        async with aclosing(provider_for(ai_max_retries=2).stream(QUESTION)) as parts:
            async for part in parts:
                received.append(part)

    assert received == ["You ", "asked: "]
    assert failed.value.status == 502
    assert "broke in the middle of its answer" in failed.value.detail
    assert len(openai_server.received()) == 1, "a stream is never restarted once it answered"


async def test_an_answer_that_is_not_the_protocol_is_502(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(unreadable=True)
    provider = provider_for()

    with pytest.raises(ProviderFailed) as whole:
        await provider.complete(QUESTION)
    with pytest.raises(ProviderFailed):
        await streamed(provider)

    assert whole.value.detail == "The AI model sent an answer White Cell cannot read. Try again."


async def test_embeddings_come_back_in_order_from_the_embeddings_model(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    texts = ["citric acid cycle", "Stoic dichotomy of control", "deadlift form"]

    vectors = await provider_for(ai_embeddings_model=EMBEDDINGS_MODEL).embed(texts)

    assert vectors == [embedding_of(text) for text in texts]
    assert all(len(vector) == EMBEDDING_DIMENSIONS for vector in vectors)
    (request,) = openai_server.received("/v1/embeddings")
    assert request.body == {"model": EMBEDDINGS_MODEL, "input": texts, "encoding_format": "float"}


async def test_without_an_embeddings_model_there_are_no_embeddings(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    assert await provider_for().embed(["anything"]) is None
    assert openai_server.received("/v1/embeddings") == []


async def test_an_embeddings_failure_is_a_problem_detail(
    openai_server: OpenAIServer, provider_for: ProviderFactory
) -> None:
    openai_server.script = Script(status=400)

    with pytest.raises(ProviderFailed) as failed:
        await provider_for(ai_embeddings_model=EMBEDDINGS_MODEL).embed(["a"])

    assert failed.value.detail == "The AI model's server refused the request (400)."


def test_no_base_url_and_no_model_is_the_offline_default() -> None:
    assert provider_from(Settings()) is None
    assert provider_from(Settings(ai_api_key="sk-unused", ai_embeddings_model="e")) is None


def test_a_base_url_without_a_model_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="WHITECELL_AI_MODEL"):
        provider_from(Settings(ai_base_url="http://127.0.0.1:11434/v1"))


async def test_a_model_without_a_base_url_is_openai_itself() -> None:
    provider = provider_from(Settings(ai_model="gpt-4o-mini", ai_api_key="sk-x"))
    assert provider is not None
    assert (provider.model, provider.base_url) == ("gpt-4o-mini", OPENAI_BASE_URL)
    await provider.aclose()


@pytest.mark.parametrize(
    ("script", "status", "retry_after"),
    [
        (Script(status=429, retry_after="7"), 503, "7"),
        (Script(status=502), 502, None),
        (Script(delay_seconds=1.0), 504, None),
    ],
)
async def test_a_failing_provider_reaches_the_caller_as_problem_details(
    openai_server: OpenAIServer,
    provider_for: ProviderFactory,
    script: Script,
    status: int,
    retry_after: str | None,
) -> None:
    openai_server.script = script
    provider = provider_for(ai_timeout_seconds=0.2)
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/ask")
    async def ask() -> dict[str, str]:
        text, _ = await provider.complete(QUESTION)
        return {"reply": text}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.post("/ask")

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers.get("retry-after") == retry_after
    problem = response.json()
    assert problem["status"] == status
    assert problem["code"].startswith("provider_")
    assert KEY not in response.text
    assert problem["detail"]


def test_every_provider_error_is_an_app_error() -> None:
    for error in (ProviderUnavailable, ProviderFailed, ProviderTimeout):
        assert issubclass(error, AppError)
    assert (ProviderUnavailable.status, ProviderFailed.status, ProviderTimeout.status) == (
        503,
        502,
        504,
    )
