"""Generated quizzes waiting for their answers. The answer key lives only here, on the server,
until the quiz is submitted; then the graded quiz is a `quizzes` row and the draft is gone."""

from __future__ import annotations

import sqlalchemy as sa

from whitecell.core.columns import ID_LENGTH
from whitecell.core.db import Base, UTCDateTime
from whitecell.core.ddl import JSON_TYPE

QUIZ_DRAFTS = sa.Table(
    "quiz_drafts",
    Base.metadata,
    sa.Column("_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "userId",
        sa.String(ID_LENGTH),
        sa.ForeignKey("users._id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("subject", sa.String(100), nullable=False),
    sa.Column("difficulty", sa.String(6), nullable=False),
    sa.Column("questions", JSON_TYPE, nullable=False),  # with their correct answers
    sa.Column("timeLimit", sa.BigInteger(), nullable=True),  # seconds
    sa.Column("createdAt", UTCDateTime(), nullable=False),
    # Written by the AI coach's model (docs/ai.md): the graded quiz's `isAIGenerated`.
    sa.Column("isAIGenerated", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    sa.Index("ix_quiz_drafts_userId_createdAt", "userId", "createdAt"),
)
