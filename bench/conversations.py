"""Coach conversations for the "coach message" case (issue 16): each of the first
`CONVERSATION_USERS` users has one conversation of 5,000 messages and one with none, stored as
the server stores them (`ai_messages` rows, the conversation's `messageCount`). A request
appends a turn to one or the other: the offline coach answers (no model needed), so the
difference is what a conversation's length costs an append."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from whitecell.core.clock import isoformat_z
from whitecell.core.ids import new_id

CONVERSATION_USERS = 10
LONG = 5_000
QUESTION = "How do I keep my revision of the chain rule going? "
ANSWER = "Review it in spaced sessions and work one example each time; " * 3


def conversation_rows(
    index: int, user_id: str, now: datetime
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The user's two conversations and the long one's messages; the ids `[long, empty]`."""
    start = now - timedelta(days=400)
    conversations, messages = [], []
    for count in (LONG, 0):
        conversation_id = new_id()
        last = start + timedelta(minutes=count)
        conversations.append({
            "_id": conversation_id, "userId": user_id, "topic": f"Revision {index}",
            "module": "study", "mode": "normal", "context": None,
            "createdAt": isoformat_z(start), "updatedAt": isoformat_z(last),
            "isPinned": False, "messageCount": count,
        })  # fmt: skip
        for seq in range(1, count + 1):
            user = seq % 2 == 1
            messages.append({
                "_id": new_id(), "userId": user_id, "conversationId": conversation_id,
                "seq": seq, "role": "user" if user else "assistant",
                "content": f"{QUESTION}{seq}" if user else ANSWER,
                "timestamp": isoformat_z(start + timedelta(minutes=seq)),
                "tokens": 14 if user else 40, "sources": [], "citations": [],
                "model": None if user else "offline",
            })  # fmt: skip
    ids = [str(c["_id"]) for c in conversations]
    return {"ai_conversations": conversations, "ai_messages": messages}, ids
