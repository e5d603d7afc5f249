"""AI tables: ai_conversations, ai_context_memory."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from whitecell.core.bodies import StrictObject
from whitecell.core.tables import (
    Table,
    boolean,
    choice,
    json_object,
    number,
    objects,
    register,
    string,
    timestamp,
)
from whitecell.core.types import Int64, Text, Timestamp

# A conversation is bounded three ways: messages (a long chat is a few hundred), characters per
# message (a long answer), and bytes for all of them together, under the table's body limit.
MAX_MESSAGES = 500
MAX_MESSAGE_CHARS = 32_000
MAX_MESSAGES_BYTES = 2 * 1024 * 1024


class Message(StrictObject):
    id: Text = Field(min_length=1, max_length=64)
    role: Literal["user", "assistant"]
    content: Text = Field(max_length=MAX_MESSAGE_CHARS)
    timestamp: Timestamp
    tokens: Int64 | None = Field(None, ge=0)
    sources: list[Text] | None = Field(None, max_length=100)


AI_CONVERSATIONS = Table(
    "ai_conversations",
    "ai",
    {
        "topic": string(max_length=300),
        "module": choice("study", "fitness", "mind", "general"),
        "mode": choice("normal", "research", default="normal"),
        "messages": objects(Message, max_items=MAX_MESSAGES, max_bytes=MAX_MESSAGES_BYTES),
        "context": json_object(max_bytes=16 * 1024),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
        "isPinned": boolean(),
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
    max_body_bytes=3 * 1024 * 1024,  # the messages' 2 MiB, the rest, and room for escapes
)

AI_CONTEXT_MEMORY = Table(
    "ai_context_memory",
    "ai",
    {
        "contextItem": string(max_length=2000),
        "category": choice("goals", "preferences", "activities", "learning"),
        "source": choice("manual", "auto_learned", default="manual"),
        "confidence": number(ge=0, le=1, default=1),
        "createdAt": timestamp(),
        "lastUsed": timestamp(required=False, server=True),
    },
    indexes=[("userId", "category"), ("userId", "createdAt")],
    order="-createdAt",
    created_at="createdAt",
)

register(AI_CONVERSATIONS, AI_CONTEXT_MEMORY)
