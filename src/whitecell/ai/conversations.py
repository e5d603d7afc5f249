"""A conversation and its messages as stored (docs/ai.md, "Conversations"): read in pages, and
a turn (the user's message and the coach's reply) appended in one small write. Functions take
`tx` first and open nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from whitecell.ai.tables import AI_CONVERSATIONS, AI_MESSAGES
from whitecell.core import crud
from whitecell.core.clock import isoformat_z
from whitecell.core.documents import codec
from whitecell.core.errors import NotFound
from whitecell.core.permissions import Caller, require_storable_id
from whitecell.core.transactions import Tx

CONVERSATIONS = AI_CONVERSATIONS.name
MESSAGES = AI_MESSAGES.name
# Messages a conversation's GET carries, the latest; older ones come in pages of `/messages`.
MESSAGES_SHOWN = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class Reply:
    """The coach's answer to one message, as it is stored."""

    content: str
    model: str  # "offline", or the provider's model
    prompt_tokens: int = 0
    completion_tokens: int = 0
    user_tokens: int = 0  # the user's message's own share of the prompt
    citations: list[dict[str, Any]] = field(default_factory=list)


def as_message(row: dict[str, Any]) -> dict[str, Any]:
    """An `ai_messages` row as the spec's message object (`id`, `role`, `content`, `timestamp`,
    `tokens`, `sources`), with the additions `seq`, `citations` and `model`."""
    return {
        "id": row["_id"],
        "seq": row["seq"],
        "role": row["role"],
        "content": row["content"],
        "timestamp": row["timestamp"],
        "tokens": row["tokens"],
        "sources": row["sources"],
        "citations": row["citations"] or [],
        "model": row["model"],
    }


async def conversation_of(
    tx: Tx, caller: Caller, conversation_id: str, *, lock: bool = False
) -> dict[str, Any]:
    """The caller's conversation (locked for this transaction when `lock`); 404 for anyone
    else's, as for a missing one."""
    require_storable_id(AI_CONVERSATIONS, conversation_id)
    c = codec(CONVERSATIONS, tx.dialect.name)
    locking = " FOR UPDATE" if lock and not tx.dialect.is_sqlite else ""
    row = await tx.one(
        f'SELECT {c.select_list} FROM "{CONVERSATIONS}" WHERE "_id" = :id AND "userId" = :me'
        f"{locking}",
        {"id": conversation_id, "me": caller.id},
    )
    if row is None:
        raise NotFound(f"No such {CONVERSATIONS} document.")
    return c.document(row)


async def messages_before(
    tx: Tx, conversation: dict[str, Any], before: int | None, limit: int
) -> list[dict[str, Any]]:
    """Up to `limit` messages of `conversation` before the one numbered `before` (the latest
    when None), oldest first: one range of the (userId, conversationId, seq) index."""
    c = codec(MESSAGES, tx.dialect.name)
    bound = "" if before is None else " AND seq < :before"
    rows = await tx.all(
        f'SELECT {c.select_list} FROM "{MESSAGES}" WHERE "userId" = :me '
        f'AND "conversationId" = :id{bound} ORDER BY seq DESC LIMIT :limit',
        {"me": conversation["userId"], "id": conversation["_id"], "before": before, "limit": limit},
    )
    return [as_message(c.document(row)) for row in reversed(rows)]


def with_messages(conversation: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The conversation as the API answers it: the spec's `messages` (the latest ones), and
    `messagesBefore`, the `before` of the page of earlier ones (None when they are all here)."""
    first = messages[0]["seq"] if messages else None
    return {
        **conversation,
        "messages": messages,
        "messagesBefore": first if first is not None and first > 1 else None,
    }


async def append_turn(
    tx: Tx,
    caller: Caller,
    conversation_id: str,
    content: str,
    reply: Reply,
    asked: datetime,
    answered: datetime,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Store the user's message `content` (sent at `asked`) and the coach's `reply` (at
    `answered`) at the end of the conversation: two small inserts and the conversation's count
    and `updatedAt` moved, whatever its length. The conversation is locked first, so turns
    racing on one conversation take their places one after the other. The user's message, the
    reply, and the conversation as it now is."""
    conversation = await conversation_of(tx, caller, conversation_id, lock=True)
    seq = conversation["messageCount"]
    common = {"userId": caller.id, "conversationId": conversation["_id"]}
    asked_row = {
        **common,
        "seq": seq + 1,
        "role": "user",
        "content": content,
        "timestamp": isoformat_z(asked),
        "tokens": reply.user_tokens,
        "sources": [],
        "citations": [],
        "model": None,
    }
    reply_row = {
        **common,
        "seq": seq + 2,
        "role": "assistant",
        "content": reply.content,
        "timestamp": isoformat_z(answered),
        "tokens": reply.completion_tokens,
        "sources": [c["id"] for c in reply.citations],
        "citations": reply.citations,
        "model": reply.model,
    }
    stored = await crud.insert_server_rows(tx, AI_MESSAGES, [asked_row, reply_row])
    changes = {"messageCount": seq + 2, "updatedAt": reply_row["timestamp"]}
    conversation = await crud.update_server_row(tx, AI_CONVERSATIONS, conversation, changes)
    return as_message(stored[0]), as_message(stored[1]), conversation
