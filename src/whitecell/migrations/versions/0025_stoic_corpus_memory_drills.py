"""The Stoic corpus on every install and memory palace drills (docs/mind.md): `stoic_quotes.
corpusKey` (unique) and the shipped quotes loaded into the table (mind/corpus.py: re-running
the loader adds nothing, saves are kept); the `memory_drills` table.

Downgrade removes the drills and the corpus quotes nobody saved, then the key; a saved quote
stays, and a later upgrade adopts it again by its text.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whitecell.core.clock import utcnow
from whitecell.core.dialect import sqlite_timestamp
from whitecell.core.ids import new_id
from whitecell.mind.corpus import PRESENT, corpus_changes

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


# SQLite adds a constraint by rebuilding the table, which drops its triggers: the full-text
# index's (as revision 0002 made them) are made again and the index rebuilt.
SQLITE_SEARCH = (
    'CREATE TRIGGER "stoic_quotes_fts_ai" AFTER INSERT ON "stoic_quotes" BEGIN INSERT INTO '
    '"stoic_quotes_fts"(rowid, "quote", "author", "theme") VALUES (new.rowid, new."quote", '
    'new."author", new."theme"); END',
    'CREATE TRIGGER "stoic_quotes_fts_ad" AFTER DELETE ON "stoic_quotes" BEGIN INSERT INTO '
    '"stoic_quotes_fts"("stoic_quotes_fts", rowid, "quote", "author", "theme") VALUES '
    '(\'delete\', old.rowid, old."quote", old."author", old."theme"); END',
    'CREATE TRIGGER "stoic_quotes_fts_au" AFTER UPDATE ON "stoic_quotes" BEGIN INSERT INTO '
    '"stoic_quotes_fts"("stoic_quotes_fts", rowid, "quote", "author", "theme") VALUES '
    '(\'delete\', old.rowid, old."quote", old."author", old."theme"); INSERT INTO '
    '"stoic_quotes_fts"(rowid, "quote", "author", "theme") VALUES (new.rowid, new."quote", '
    'new."author", new."theme"); END',
    'INSERT INTO "stoic_quotes_fts"("stoic_quotes_fts") VALUES (\'rebuild\')',
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    with op.batch_alter_table("stoic_quotes", recreate="auto") as batch:
        batch.add_column(sa.Column("corpusKey", sa.Text(), nullable=True))
        batch.create_unique_constraint("uq_stoic_quotes_corpusKey", ["corpusKey"])
    if _sqlite():
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    op.create_table(
        "memory_drills",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("palaceId", sa.String(length=64), nullable=False),
        sa.Column("palaceName", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("locationIds", JSON, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("step", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("itemsTotal", sa.BigInteger(), nullable=False),
        sa.Column("itemsCorrect", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("itemsMisplaced", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("points", sa.Float(), server_default="0", nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("results", JSON, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("startedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finishedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("durationSeconds", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            'length("palaceId") <= 64', name=op.f("ck_memory_drills_palaceId_length")
        ),
        sa.CheckConstraint(
            'length("palaceName") <= 200', name=op.f("ck_memory_drills_palaceName_length")
        ),
        sa.CheckConstraint(
            "\"status\" IN ('open', 'finished', 'abandoned')",
            name=op.f("ck_memory_drills_status_enum"),
        ),
        sa.CheckConstraint('"step" >= 0', name=op.f("ck_memory_drills_step_range")),
        sa.CheckConstraint('"itemsTotal" >= 0', name=op.f("ck_memory_drills_itemsTotal_range")),
        sa.CheckConstraint('"itemsCorrect" >= 0', name=op.f("ck_memory_drills_itemsCorrect_range")),
        sa.CheckConstraint(
            '"itemsMisplaced" >= 0', name=op.f("ck_memory_drills_itemsMisplaced_range")
        ),
        sa.CheckConstraint('"points" >= 0', name=op.f("ck_memory_drills_points_range")),
        sa.CheckConstraint('"score" BETWEEN 0 AND 100', name=op.f("ck_memory_drills_score_range")),
        sa.CheckConstraint(
            '"durationSeconds" >= 0', name=op.f("ck_memory_drills_durationSeconds_range")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_memory_drills_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_memory_drills")),
    )
    op.create_index(
        "ix_memory_drills_userId_palaceId_startedAt",
        "memory_drills",
        ["userId", "palaceId", "startedAt", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_memory_drills_userId_startedAt",
        "memory_drills",
        ["userId", "startedAt", "_id"],
        unique=False,
    )
    load_corpus(op.get_bind())


def load_corpus(connection: sa.Connection) -> int:
    """The shipped quotes the table lacks (mind/corpus.py), in plain SQL: this revision's
    columns, whatever later revisions declare."""
    changes = corpus_changes(connection.execute(sa.text(PRESENT)).all())
    for quote_id, key in changes.adopted.items():
        connection.execute(
            sa.text('UPDATE stoic_quotes SET "corpusKey" = :key WHERE "_id" = :id'),
            {"key": key, "id": quote_id},
        )
    now = utcnow()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # the API's precision
    stamp = sqlite_timestamp(now) if connection.dialect.name == "sqlite" else now
    rows = [{**quote, "id": new_id(), "createdAt": stamp} for quote in changes.added]
    if rows:
        connection.execute(
            sa.text(
                'INSERT INTO stoic_quotes ("_id", quote, author, source, theme, "createdAt", '
                '"corpusKey") VALUES (:id, :quote, :author, :source, :theme, :createdAt, :key)'
            ),
            rows,
        )
    return len(rows)


def downgrade() -> None:
    op.drop_index("ix_memory_drills_userId_startedAt", table_name="memory_drills")
    op.drop_index("ix_memory_drills_userId_palaceId_startedAt", table_name="memory_drills")
    op.drop_table("memory_drills")
    unsaved = "\"savedBy\" = '[]'" if _sqlite() else 'jsonb_array_length("savedBy") = 0'
    op.execute(f'DELETE FROM stoic_quotes WHERE "corpusKey" IS NOT NULL AND {unsaved}')
    with op.batch_alter_table("stoic_quotes", recreate="auto") as batch:
        batch.drop_constraint("uq_stoic_quotes_corpusKey", type_="unique")
        batch.drop_column("corpusKey")
    if _sqlite():
        for statement in SQLITE_SEARCH:
            op.execute(statement)
