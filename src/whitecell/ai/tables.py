"""AI tables (docs/ai.md): ai_conversations and their ai_messages, ai_context_memory, ai_usage.

A conversation's messages are rows of their own (`ai_messages`, an addition) instead of one
growing array in the conversation: appending a turn is two small inserts and a small update of
the conversation, each announced as a small change event, however long the conversation. The
API still answers the spec's `messages` array (docs/ai.md, "Conversations").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from whitecell.ai.words import digest
from whitecell.core import crud
from whitecell.core.bodies import StrictObject
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import (
    SERVER_WRITTEN,
    Access,
    Kind,
    Table,
    boolean,
    choice,
    day,
    integer,
    json_object,
    list_of,
    number,
    objects,
    register,
    string,
    text,
    timestamp,
)
from whitecell.core.types import Text

if TYPE_CHECKING:
    from whitecell.core.tables import ComputeContext
    from whitecell.core.transactions import Tx

MAX_MESSAGE_CHARS = 32_000
# What a client may change of a conversation once it exists (issue 16: "PATCH keeps topic and
# pin only"): its module, mode and context are what the coach was asked to be.
CHANGEABLE = frozenset({"topic", "isPinned"})


async def _conversation(ctx: ComputeContext) -> None:
    if ctx.previous is None:
        return
    for name in sorted(set(ctx.sent) - CHANGEABLE):
        if ctx.sent[name] != ctx.previous.get(name):
            raise ValidationFailed.field(
                name, "cannot be changed: start a new conversation (only topic and isPinned can)"
            )


async def _messages_of_deleted_conversation(tx: Tx, conversation: dict[str, Any]) -> None:
    await crud.delete_server_rows(
        tx,
        AI_MESSAGES,
        '"userId" = :me AND "conversationId" = :id',
        {"me": conversation["userId"], "id": conversation["_id"]},
    )


AI_CONVERSATIONS = Table(
    "ai_conversations",
    "ai",
    {
        "topic": string(max_length=300),
        "module": choice("study", "fitness", "mind", "general"),
        "mode": choice("normal", "research", default="normal"),
        # Which part of the app a `general` conversation serves (`{"module": "discipline"}`).
        "context": json_object(max_bytes=16 * 1024),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),  # the last message's, or the last change of topic or pin
        "isPinned": boolean(),
        "messageCount": integer(default=0, server=True),  # an addition
    },
    indexes=[
        ("userId", "topic"),
        ("userId", "module"),
        ("userId", "createdAt"),
        ("userId", "updatedAt"),
    ],
    order="-updatedAt",
    created_at="createdAt",
    updated_at="updatedAt",
    compute=_conversation,
    on_delete=_messages_of_deleted_conversation,
    generated_read=False,  # ai/routes.py: the conversation with its latest messages
)


class Citation(StrictObject):
    """One of the user's rows a reply drew on: where a client links to it."""

    table: Text = Field(max_length=64)
    id: Text = Field(max_length=64)
    title: Text = Field(max_length=300)
    page: int | None = None  # a textbook passage's page
    url: Text = Field(max_length=300)  # the web app's page of it


# Server-written (docs/ai.md): the user's message and the coach's reply of each turn.
AI_MESSAGES = Table(
    "ai_messages",
    "ai",
    {
        "conversationId": string(max_length=64),
        "seq": integer(),  # the message's place in its conversation, from 1
        "role": choice("user", "assistant"),
        "content": text(max_length=MAX_MESSAGE_CHARS),
        "timestamp": timestamp(),
        "tokens": integer(required=False),
        # Research mode: the ids of the user's own rows the reply drew on, and where they are.
        "sources": list_of(Kind.STRING, max_length=64, max_items=20),
        "citations": objects(Citation, required=False, max_items=20),
        "model": string(required=False, max_length=200),  # "offline" or the provider's model
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "conversationId", "seq")],
    unique=[("conversationId", "seq")],
    order="seq",
    created_at="timestamp",
)


async def _fact(ctx: ComputeContext) -> None:
    """A fact the user corrects is theirs from then on: `manual`, confidence 1."""
    if ctx.previous is not None and ctx.previous["source"] == "auto_learned":
        ctx.document["source"] = "manual"
        ctx.document["confidence"] = 1.0


async def _fact_deleted(tx: Tx, fact: dict[str, Any]) -> None:
    """Remember that the user deleted this fact (its digest, not its words), so the coach never
    proposes it again (ai/memory.py)."""
    await crud.insert_server_row_once(
        tx,
        AI_FORGOTTEN_FACTS,
        {
            "userId": fact["userId"],
            "digest": digest(fact["contextItem"]),
            "createdAt": isoformat_z(utcnow()),
        },
        unique=("userId", "digest"),
    )


AI_CONTEXT_MEMORY = Table(
    "ai_context_memory",
    "ai",
    {
        "contextItem": string(max_length=2000),
        "category": choice("goals", "preferences", "activities", "learning"),
        # Only the server proposes facts (`auto_learned`, with its confidence); a fact the user
        # adds or corrects is `manual` with confidence 1.
        "source": choice("manual", "auto_learned", default="manual", server=True),
        "confidence": number(ge=0, le=1, default=1, server=True),
        "createdAt": timestamp(),
        "lastUsed": timestamp(required=False, server=True),
    },
    indexes=[("userId", "category"), ("userId", "createdAt")],
    order="-createdAt",
    created_at="createdAt",
    compute=_fact,
    on_delete=_fact_deleted,
)

# The facts a user deleted, as digests of their normalised words (ai/memory.py): what the coach
# must not learn again. No words are kept, and nobody reads them through the API.
AI_FORGOTTEN_FACTS = Table(
    "ai_forgotten_facts",
    "ai",
    {"digest": string(max_length=64), "createdAt": timestamp()},
    access=Access(read="nobody", create="nobody", update="nobody", delete="nobody"),
    unique=[("userId", "digest")],
    created_at="createdAt",
    events=False,
)

# Server-written (docs/ai.md, "Quotas"): a user's requests to the model and tokens, per day of
# their own time zone.
AI_USAGE = Table(
    "ai_usage",
    "ai",
    {
        "day": day(),
        "requests": integer(default=0),
        "promptTokens": integer(default=0),
        "completionTokens": integer(default=0),
        "offlineRequests": integer(default=0),  # answered without a model: not counted
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "day")],
    unique=[("userId", "day")],
    order="-day",
)

register(AI_CONVERSATIONS, AI_MESSAGES, AI_CONTEXT_MEMORY, AI_FORGOTTEN_FACTS, AI_USAGE)
