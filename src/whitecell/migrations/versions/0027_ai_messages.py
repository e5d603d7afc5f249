"""The AI coach (docs/ai.md): a conversation's messages become rows of their own (`ai_messages`),
so an append is one small write whatever the conversation's length; `ai_conversations.
messageCount`; the `ai_usage` table of each user's requests and tokens per day; the
`ai_forgotten_facts` table of the digests of memory facts a user deleted.

Upgrade moves every stored `messages` array into `ai_messages` rows, in order (new ids; the
array's ids were chosen by clients), then drops the column. Downgrade builds the arrays again
from the rows and drops the tables.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 21:05:42
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whitecell.core.dialect import sqlite_timestamp, timestamp_from_sqlite
from whitecell.core.ids import new_id

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ID = sa.String(length=64)
STAMP = sa.DateTime(timezone=True)
EMPTY_LIST = sa.text("'[]'")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _json(name: str) -> str:
    """A bound JSON text as the column takes it: as is on SQLite, cast on PostgreSQL."""
    return f":{name}" if _sqlite() else f"CAST(:{name} AS JSONB)"


def upgrade() -> None:
    op.create_table(
        "ai_messages",
        sa.Column("_id", ID, nullable=False),
        sa.Column("userId", ID, nullable=False),
        sa.Column("conversationId", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=9), nullable=False),
        sa.Column("content", sa.String(length=32000), nullable=False),
        sa.Column("timestamp", STAMP, nullable=False),
        sa.Column("tokens", sa.BigInteger(), nullable=True),
        sa.Column("sources", JSON, server_default=EMPTY_LIST, nullable=False),
        sa.Column("citations", JSON, server_default=EMPTY_LIST, nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "\"role\" IN ('user', 'assistant')", name=op.f("ck_ai_messages_role_enum")
        ),
        sa.CheckConstraint('"seq" >= 0', name=op.f("ck_ai_messages_seq_range")),
        sa.CheckConstraint('"tokens" >= 0', name=op.f("ck_ai_messages_tokens_range")),
        sa.CheckConstraint(
            'length("content") <= 32000', name=op.f("ck_ai_messages_content_length")
        ),
        sa.CheckConstraint(
            'length("conversationId") <= 64', name=op.f("ck_ai_messages_conversationId_length")
        ),
        sa.CheckConstraint('length("model") <= 200', name=op.f("ck_ai_messages_model_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_ai_messages_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_ai_messages")),
        sa.UniqueConstraint("conversationId", "seq", name="uq_ai_messages_conversationId_seq"),
    )
    op.create_index(
        "ix_ai_messages_userId_conversationId_seq",
        "ai_messages",
        ["userId", "conversationId", "seq", "_id"],
        unique=False,
    )
    op.create_table(
        "ai_forgotten_facts",
        sa.Column("_id", ID, nullable=False),
        sa.Column("userId", ID, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("createdAt", STAMP, nullable=False),
        sa.CheckConstraint(
            'length("digest") <= 64', name=op.f("ck_ai_forgotten_facts_digest_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_ai_forgotten_facts_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_ai_forgotten_facts")),
        sa.UniqueConstraint("userId", "digest", name="uq_ai_forgotten_facts_userId_digest"),
    )
    op.create_table(
        "ai_usage",
        sa.Column("_id", ID, nullable=False),
        sa.Column("userId", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("requests", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("promptTokens", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("completionTokens", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("offlineRequests", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint(
            '"completionTokens" >= 0', name=op.f("ck_ai_usage_completionTokens_range")
        ),
        sa.CheckConstraint(
            '"offlineRequests" >= 0', name=op.f("ck_ai_usage_offlineRequests_range")
        ),
        sa.CheckConstraint('"promptTokens" >= 0', name=op.f("ck_ai_usage_promptTokens_range")),
        sa.CheckConstraint('"requests" >= 0', name=op.f("ck_ai_usage_requests_range")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_ai_usage_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_ai_usage")),
        sa.UniqueConstraint("userId", "day", name="uq_ai_usage_userId_day"),
    )
    op.create_index("ix_ai_usage_userId_day", "ai_usage", ["userId", "day", "_id"], unique=False)
    with op.batch_alter_table("ai_conversations", recreate="auto") as batch:
        batch.add_column(
            sa.Column("messageCount", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch.create_check_constraint(
            "ck_ai_conversations_messageCount_range", '"messageCount" >= 0'
        )
    _move_messages_out()
    with op.batch_alter_table("ai_conversations", recreate="auto") as batch:
        batch.drop_column("messages")


def _stamp(value: Any, fallback: datetime) -> Any:
    """A message's ISO timestamp as the column stores it (the conversation's own when absent or
    unreadable)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        moment = fallback
    return sqlite_timestamp(moment) if _sqlite() else moment


def _sources(sources: Any) -> list[str]:
    """What `ai_messages.sources` can hold of a stored message's: ids, at most 20."""
    return [s for s in sources or [] if isinstance(s, str) and len(s) <= 64][:20]


def _move_messages_out() -> None:
    connection = op.get_bind()
    found = connection.execute(
        sa.text('SELECT "_id", "userId", messages, "createdAt" FROM ai_conversations')
    ).all()
    for conversation_id, user_id, messages, created in found:
        if isinstance(messages, str):
            messages = json.loads(messages)
        if isinstance(created, str):
            created = timestamp_from_sqlite(created)
        rows = [
            {
                "id": new_id(),
                "user": user_id,
                "conversation": conversation_id,
                "seq": seq,
                "role": message.get("role", "user"),
                "content": str(message.get("content", ""))[:32000],
                "timestamp": _stamp(message.get("timestamp"), created),
                "tokens": message.get("tokens"),
                "sources": json.dumps(_sources(message.get("sources"))),
            }
            for seq, message in enumerate(messages or [], start=1)
        ]
        if not rows:
            continue
        connection.execute(
            sa.text(
                'INSERT INTO ai_messages ("_id", "userId", "conversationId", seq, role, content, '
                '"timestamp", tokens, sources) VALUES (:id, :user, :conversation, :seq, :role, '
                f":content, :timestamp, :tokens, {_json('sources')})"
            ),
            rows,
        )
        connection.execute(
            sa.text('UPDATE ai_conversations SET "messageCount" = :n WHERE "_id" = :id'),
            {"n": len(rows), "id": conversation_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("ai_conversations", recreate="auto") as batch:
        batch.add_column(sa.Column("messages", JSON, server_default=EMPTY_LIST, nullable=False))
    connection = op.get_bind()
    found = connection.execute(
        sa.text(
            'SELECT "conversationId", "_id", role, content, "timestamp", tokens, sources '
            'FROM ai_messages ORDER BY "conversationId", seq'
        )
    ).all()
    arrays: dict[str, list[dict[str, Any]]] = {}
    for conversation_id, message_id, role, content, stamp, tokens, sources in found:
        if isinstance(stamp, str):
            stamp = timestamp_from_sqlite(stamp)
        if isinstance(sources, str):
            sources = json.loads(sources)
        message: dict[str, Any] = {
            "id": message_id,
            "role": role,
            "content": content,
            "timestamp": stamp.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        if tokens is not None:
            message["tokens"] = tokens
        if sources:
            message["sources"] = sources
        arrays.setdefault(conversation_id, []).append(message)
    for conversation_id, messages in arrays.items():
        connection.execute(
            sa.text(
                f'UPDATE ai_conversations SET messages = {_json("messages")} WHERE "_id" = :id'
            ),
            {"messages": json.dumps(messages), "id": conversation_id},
        )
    with op.batch_alter_table("ai_conversations", recreate="auto") as batch:
        batch.drop_constraint("ck_ai_conversations_messageCount_range", type_="check")
        batch.drop_column("messageCount")
    op.drop_table("ai_forgotten_facts")
    op.drop_index("ix_ai_usage_userId_day", table_name="ai_usage")
    op.drop_table("ai_usage")
    op.drop_index("ix_ai_messages_userId_conversationId_seq", table_name="ai_messages")
    op.drop_table("ai_messages")
