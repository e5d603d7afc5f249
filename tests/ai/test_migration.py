"""Revision 0027 on both databases: stored `messages` arrays become `ai_messages` rows in order
(and the counts), and going down builds the arrays again."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url

MESSAGES = [
    {"id": "m1", "role": "user", "content": "Why does the chain rule work?",
     "timestamp": "2026-11-01T20:00:00.000Z"},
    {"id": "m2", "role": "assistant", "content": "Because rates multiply.", "tokens": 5,
     "timestamp": "2026-11-01T20:00:05.000Z", "sources": ["01note", "x" * 80]},
]  # fmt: skip


def test_0027_moves_messages_into_rows_and_back(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0026")
        engine = create_engine(sync_url(url))
        pg = engine.dialect.name == "postgresql"
        stamp = "2026-11-01 20:00:00+00" if pg else "2026-11-01 20:00:00.000000"
        cast = "CAST(:m AS JSONB)" if pg else ":m"
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        'INSERT INTO users ("_id", email, name, username, "createdAt") '
                        f"VALUES ('u1', 'u@x.io', 'U', 'u', '{stamp}')"
                    )
                )
                for conversation_id, messages in (("c1", MESSAGES), ("c2", [])):
                    connection.execute(
                        text(
                            'INSERT INTO ai_conversations ("_id", "userId", topic, module, mode, '
                            f'messages, "createdAt", "updatedAt", "isPinned") VALUES (:id, '
                            f"'u1', 'Calculus', 'study', 'normal', {cast}, '{stamp}', "
                            f"'{stamp}', false)"
                        ),
                        {"id": conversation_id, "m": json.dumps(messages)},
                    )
            migrations.upgrade(url, "0027")
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        'SELECT "conversationId", seq, role, content, tokens, sources, "userId" '
                        "FROM ai_messages ORDER BY seq"
                    )
                ).all()
                counts = dict(
                    connection.execute(
                        text('SELECT "_id", "messageCount" FROM ai_conversations')
                    ).all()
                )
            assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in rows] == [
                ("c1", 1, "user", MESSAGES[0]["content"], None, "u1"),
                ("c1", 2, "assistant", MESSAGES[1]["content"], 5, "u1"),
            ]
            sources = rows[1][5] if pg else json.loads(rows[1][5])
            assert sources == ["01note"]  # what a source id can be: an id, at most 64 characters
            assert counts == {"c1": 2, "c2": 0}
            migrations.downgrade(url, "0026")
            with engine.connect() as connection:
                back = dict(
                    connection.execute(text('SELECT "_id", messages FROM ai_conversations')).all()
                )
        finally:
            engine.dispose()
        restored = back["c1"] if pg else json.loads(back["c1"])
        assert [(m["role"], m["content"]) for m in restored] == [
            (m["role"], m["content"]) for m in MESSAGES
        ]
        assert restored[0]["timestamp"] == "2026-11-01T20:00:00.000Z"
        assert (back["c2"] if pg else json.loads(back["c2"])) == []
