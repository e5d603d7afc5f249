"""A real server on loopback that speaks OpenAI's chat-completions protocol, for the AI tests.

`POST /v1/chat/completions` answers a JSON completion (`stream: false`) or server-sent events
(`stream: true`: `data: {chunk}` lines whose `choices[0].delta.content` carry the text, a usage
chunk when `stream_options.include_usage`, then `data: [DONE]`), as OpenAI, Ollama, llama.cpp
and vLLM do. `POST /v1/embeddings` answers one deterministic vector per input.

A test scripts it through `server.script` (`Script`: the reply, an error status, a delay, a
stream broken midway, no usage, an unreadable answer) and reads back every request body it got
(`server.requests`), to assert what a prompt held. It runs uvicorn in a thread with its own
event loop, so a test that blocks its own loop cannot stall it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MODEL = "whitecell-test-model"
EMBEDDINGS_MODEL = "whitecell-test-embeddings"
EMBEDDING_DIMENSIONS = 8
QUOTED_CHARS = 80  # how much of the last user message the default reply quotes


class BrokenStream(Exception):
    """Raised inside a streamed answer: uvicorn drops the connection before the last chunk."""


@dataclass
class Script:
    """How the server answers the next requests (all of them, unless `fail_times` says)."""

    reply: str | None = None  # None: `default_reply`, which quotes the last user message
    status: int | None = None  # answer with this error status (500, 401, 429...)
    fail_times: int | None = None  # only the first N requests fail; None: all of them
    retry_after: str | None = None  # the Retry-After header sent with the error status
    delay_seconds: float = 0.0  # wait this long before the first byte of every answer
    chunk_delay_seconds: float = 0.0  # and this long before each text chunk of a stream
    break_after_chunks: int | None = None  # a stream drops its connection after N text chunks
    report_usage: bool = True  # False: no usage, as some servers (the client must estimate)
    unreadable: bool = False  # answer 200 with a body that is not the protocol


@dataclass(frozen=True)
class Received:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def prompt_text(self) -> str:
        """Everything the prompt held, one message a line: what a privacy test searches."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


def token_count(text: str) -> int:
    """The server's own token count: words. Differs from the client's estimate on purpose, so a
    test can tell a counted usage from an estimated one."""
    return len(text.split())


def default_reply(messages: list[dict[str, Any]]) -> str:
    last_user: dict[str, Any] = next((m for m in reversed(messages) if m.get("role") == "user"), {})
    quoted = str(last_user.get("content", ""))[:QUOTED_CHARS]
    return f'You asked: "{quoted}". Here is what I think, step by step.'


def reply_pieces(reply: str) -> list[str]:
    """The reply as a stream sends it: one word (and the spaces after it) a chunk."""
    return re.findall(r"\S+\s*", reply) or [reply]


def embedding_of(text: str) -> list[float]:
    """A deterministic unit vector for `text` (words hashed into `EMBEDDING_DIMENSIONS` bins)."""
    bins = [0.0] * EMBEDDING_DIMENSIONS
    for word in text.lower().split():
        bins[hashlib.sha256(word.encode()).digest()[0] % EMBEDDING_DIMENSIONS] += 1.0
    norm = math.sqrt(sum(x * x for x in bins)) or 1.0
    return [x / norm for x in bins]


@dataclass
class OpenAIServer:
    """The server's address, its script and what it received."""

    base_url: str  # ends in /v1, as WHITECELL_AI_BASE_URL does
    script: Script = field(default_factory=Script)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.script = Script()
            self.requests.clear()

    def received(self, path: str = "/v1/chat/completions") -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    @property
    def last(self) -> Received:
        chats = self.received()
        assert chats, "the server received no chat completion request"
        return chats[-1]

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """`Settings` values pointing White Cell at this server (fast: no retries)."""
        return {
            "ai_base_url": self.base_url,
            "ai_model": MODEL,
            "ai_api_key": "sk-test-secret-key",
            "ai_timeout_seconds": 5.0,
            "ai_max_retries": 0,
            **overrides,
        }

    def _record(self, request: Request, body: dict[str, Any]) -> int:
        """Keeps the request; returns how many requests came before it."""
        with self.lock:
            self.requests.append(Received(request.url.path, body, dict(request.headers)))
            return len(self.requests) - 1

    def _error_for(self, request: Request, earlier: int) -> Response | None:
        script = self.script
        if script.status is None or (
            script.fail_times is not None and earlier >= script.fail_times
        ):
            return None
        headers = {"Retry-After": script.retry_after} if script.retry_after else None
        message = f"scripted failure {script.status}"
        if script.status == 401:  # as OpenAI's: it quotes the key it refused
            key = request.headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key}"
        body = {"error": {"message": message, "type": "test"}}
        return JSONResponse(body, status_code=script.status, headers=headers)

    async def chat_completions(self, request: Request) -> Response:
        body = await request.json()
        earlier = self._record(request, body)
        script = self.script
        await asyncio.sleep(script.delay_seconds)
        if (error := self._error_for(request, earlier)) is not None:
            return error
        if script.unreadable:
            return Response("<html>Bad gateway</html>", media_type="text/html")
        messages = list(body.get("messages", []))
        pieces = reply_pieces(script.reply if script.reply is not None else default_reply(messages))
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        finish = "length" if limit is not None and len(pieces) > limit else "stop"
        pieces = pieces[:limit] if limit is not None else pieces
        usage = {
            "prompt_tokens": sum(token_count(str(m.get("content", ""))) for m in messages),
            "completion_tokens": len(pieces),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if not body.get("stream"):
            return JSONResponse(_completion(body, "".join(pieces), finish, usage, script))
        wants_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        events = self._events(body, pieces, finish, usage if wants_usage else None, script)
        return StreamingResponse(events, media_type="text/event-stream")

    async def _events(
        self,
        body: dict[str, Any],
        pieces: list[str],
        finish: str,
        usage: dict[str, int] | None,
        script: Script,
    ) -> AsyncIterator[str]:
        yield _event(_chunk(body, {"role": "assistant", "content": ""}))
        for sent, piece in enumerate(pieces):
            if script.break_after_chunks is not None and sent >= script.break_after_chunks:
                raise BrokenStream("scripted: the stream breaks here")
            await asyncio.sleep(script.chunk_delay_seconds)
            yield _event(_chunk(body, {"content": piece}))
        yield _event(_chunk(body, {}, finish))
        if usage is not None and script.report_usage:
            yield _event({**_chunk(body, {}), "choices": [], "usage": usage})
        yield "data: [DONE]\n\n"

    async def embeddings(self, request: Request) -> Response:
        body = await request.json()
        earlier = self._record(request, body)
        await asyncio.sleep(self.script.delay_seconds)
        if (error := self._error_for(request, earlier)) is not None:
            return error
        inputs = body.get("input")
        texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
        data = [
            {"object": "embedding", "index": i, "embedding": embedding_of(text)}
            for i, text in enumerate(texts)
        ]
        tokens = sum(token_count(text) for text in texts)
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": body.get("model"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )


def _chunk(
    body: dict[str, Any], delta: dict[str, Any], finish: str | None = None
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": body.get("model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _event(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload)}\n\n"


def _completion(
    body: dict[str, Any], text: str, finish: str, usage: dict[str, int], script: Script
) -> dict[str, Any]:
    completion: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish,
            }
        ],
    }
    if script.report_usage:
        completion["usage"] = usage
    return completion


@contextmanager
def serve_openai() -> Iterator[OpenAIServer]:
    """An `OpenAIServer` on 127.0.0.1 (a free port) until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = OpenAIServer(f"http://127.0.0.1:{port}/v1")
    app = Starlette(
        routes=[
            Route("/v1/chat/completions", server.chat_completions, methods=["POST"]),
            Route("/v1/embeddings", server.embeddings, methods=["POST"]),
        ]
    )
    config = uvicorn.Config(app, log_config=None, log_level="critical", access_log=False)
    runner = uvicorn.Server(config)
    thread = threading.Thread(
        target=runner.run, kwargs={"sockets": [sock]}, name="openai-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not runner.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the OpenAI test server did not start")
            time.sleep(0.01)
        yield server
    finally:
        runner.should_exit = True
        thread.join(timeout=15)
        sock.close()
