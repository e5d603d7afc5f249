"""Every remaining table of the spec, the change log, and full-text search indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:31:30.281391
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Full-text search (see whitecell.core.search), written out so this revision never changes.
FTS_UP = {
    "postgresql": [
        'ALTER TABLE "notes" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS '
        "(setweight(to_tsvector('english', coalesce(\"title\", '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(\"subject\", '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(\"content\", '')), 'C')) STORED",
        'CREATE INDEX "ix_notes_searchVector" ON "notes" USING gin ("searchVector")',
        'ALTER TABLE "textbooks" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS '
        "(setweight(to_tsvector('english', coalesce(\"title\", '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(\"author\", '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(\"subject\", '')), 'C')) STORED",
        'CREATE INDEX "ix_textbooks_searchVector" ON "textbooks" USING gin ("searchVector")',
        'ALTER TABLE "stoic_quotes" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS '
        "(setweight(to_tsvector('english', coalesce(\"quote\", '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(\"author\", '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(\"theme\", '')), 'C')) STORED",
        'CREATE INDEX "ix_stoic_quotes_searchVector" ON "stoic_quotes" USING gin ("searchVector")',
        'ALTER TABLE "code_projects" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS '
        "AS (setweight(to_tsvector('english', coalesce(\"title\", '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(\"language\", '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(\"description\", '')), 'C')) STORED",
        'CREATE INDEX "ix_code_projects_searchVector" ON "code_projects" USING gin '
        '("searchVector")',
        'ALTER TABLE "strategies" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS '
        "(setweight(to_tsvector('english', coalesce(\"title\", '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(\"category\", '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(\"description\", '')), 'C')) STORED",
        'CREATE INDEX "ix_strategies_searchVector" ON "strategies" USING gin ("searchVector")',
        'ALTER TABLE "users" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS '
        "(setweight(to_tsvector('english', coalesce(\"name\", '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(\"username\", '')), 'B')) STORED",
        'CREATE INDEX "ix_users_searchVector" ON "users" USING gin ("searchVector")',
    ],
    "sqlite": [
        'CREATE VIRTUAL TABLE "notes_fts" USING fts5("title", "subject", "content", '
        "content='notes', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics "
        "2')",
        'CREATE TRIGGER "notes_fts_ai" AFTER INSERT ON "notes" BEGIN INSERT INTO '
        '"notes_fts"(rowid, "title", "subject", "content") VALUES (new.rowid, new."title", '
        'new."subject", new."content"); END',
        'CREATE TRIGGER "notes_fts_ad" AFTER DELETE ON "notes" BEGIN INSERT INTO '
        '"notes_fts"("notes_fts", rowid, "title", "subject", "content") VALUES (\'delete\', '
        'old.rowid, old."title", old."subject", old."content"); END',
        'CREATE TRIGGER "notes_fts_au" AFTER UPDATE ON "notes" BEGIN INSERT INTO '
        '"notes_fts"("notes_fts", rowid, "title", "subject", "content") VALUES (\'delete\', '
        'old.rowid, old."title", old."subject", old."content"); INSERT INTO "notes_fts"(rowid, '
        '"title", "subject", "content") VALUES (new.rowid, new."title", new."subject", '
        'new."content"); END',
        'INSERT INTO "notes_fts"("notes_fts") VALUES (\'rebuild\')',
        'CREATE VIRTUAL TABLE "textbooks_fts" USING fts5("title", "author", "subject", '
        "content='textbooks', content_rowid='rowid', tokenize='porter unicode61 "
        "remove_diacritics 2')",
        'CREATE TRIGGER "textbooks_fts_ai" AFTER INSERT ON "textbooks" BEGIN INSERT INTO '
        '"textbooks_fts"(rowid, "title", "author", "subject") VALUES (new.rowid, new."title", '
        'new."author", new."subject"); END',
        'CREATE TRIGGER "textbooks_fts_ad" AFTER DELETE ON "textbooks" BEGIN INSERT INTO '
        '"textbooks_fts"("textbooks_fts", rowid, "title", "author", "subject") VALUES '
        '(\'delete\', old.rowid, old."title", old."author", old."subject"); END',
        'CREATE TRIGGER "textbooks_fts_au" AFTER UPDATE ON "textbooks" BEGIN INSERT INTO '
        '"textbooks_fts"("textbooks_fts", rowid, "title", "author", "subject") VALUES '
        '(\'delete\', old.rowid, old."title", old."author", old."subject"); INSERT INTO '
        '"textbooks_fts"(rowid, "title", "author", "subject") VALUES (new.rowid, new."title", '
        'new."author", new."subject"); END',
        'INSERT INTO "textbooks_fts"("textbooks_fts") VALUES (\'rebuild\')',
        'CREATE VIRTUAL TABLE "stoic_quotes_fts" USING fts5("quote", "author", "theme", '
        "content='stoic_quotes', content_rowid='rowid', tokenize='porter unicode61 "
        "remove_diacritics 2')",
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
        'CREATE VIRTUAL TABLE "code_projects_fts" USING fts5("title", "language", '
        "\"description\", content='code_projects', content_rowid='rowid', tokenize='porter "
        "unicode61 remove_diacritics 2')",
        'CREATE TRIGGER "code_projects_fts_ai" AFTER INSERT ON "code_projects" BEGIN INSERT '
        'INTO "code_projects_fts"(rowid, "title", "language", "description") VALUES '
        '(new.rowid, new."title", new."language", new."description"); END',
        'CREATE TRIGGER "code_projects_fts_ad" AFTER DELETE ON "code_projects" BEGIN INSERT '
        'INTO "code_projects_fts"("code_projects_fts", rowid, "title", "language", '
        '"description") VALUES (\'delete\', old.rowid, old."title", old."language", '
        'old."description"); END',
        'CREATE TRIGGER "code_projects_fts_au" AFTER UPDATE ON "code_projects" BEGIN INSERT '
        'INTO "code_projects_fts"("code_projects_fts", rowid, "title", "language", '
        '"description") VALUES (\'delete\', old.rowid, old."title", old."language", '
        'old."description"); INSERT INTO "code_projects_fts"(rowid, "title", "language", '
        '"description") VALUES (new.rowid, new."title", new."language", new."description"); '
        "END",
        'INSERT INTO "code_projects_fts"("code_projects_fts") VALUES (\'rebuild\')',
        'CREATE VIRTUAL TABLE "strategies_fts" USING fts5("title", "category", "description", '
        "content='strategies', content_rowid='rowid', tokenize='porter unicode61 "
        "remove_diacritics 2')",
        'CREATE TRIGGER "strategies_fts_ai" AFTER INSERT ON "strategies" BEGIN INSERT INTO '
        '"strategies_fts"(rowid, "title", "category", "description") VALUES (new.rowid, '
        'new."title", new."category", new."description"); END',
        'CREATE TRIGGER "strategies_fts_ad" AFTER DELETE ON "strategies" BEGIN INSERT INTO '
        '"strategies_fts"("strategies_fts", rowid, "title", "category", "description") VALUES '
        '(\'delete\', old.rowid, old."title", old."category", old."description"); END',
        'CREATE TRIGGER "strategies_fts_au" AFTER UPDATE ON "strategies" BEGIN INSERT INTO '
        '"strategies_fts"("strategies_fts", rowid, "title", "category", "description") VALUES '
        '(\'delete\', old.rowid, old."title", old."category", old."description"); INSERT INTO '
        '"strategies_fts"(rowid, "title", "category", "description") VALUES (new.rowid, '
        'new."title", new."category", new."description"); END',
        'INSERT INTO "strategies_fts"("strategies_fts") VALUES (\'rebuild\')',
        'CREATE VIRTUAL TABLE "users_fts" USING fts5("name", "username", content=\'users\', '
        "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')",
        'CREATE TRIGGER "users_fts_ai" AFTER INSERT ON "users" BEGIN INSERT INTO '
        '"users_fts"(rowid, "name", "username") VALUES (new.rowid, new."name", '
        'new."username"); END',
        'CREATE TRIGGER "users_fts_ad" AFTER DELETE ON "users" BEGIN INSERT INTO '
        '"users_fts"("users_fts", rowid, "name", "username") VALUES (\'delete\', old.rowid, '
        'old."name", old."username"); END',
        'CREATE TRIGGER "users_fts_au" AFTER UPDATE ON "users" BEGIN INSERT INTO '
        '"users_fts"("users_fts", rowid, "name", "username") VALUES (\'delete\', old.rowid, '
        'old."name", old."username"); INSERT INTO "users_fts"(rowid, "name", "username") '
        'VALUES (new.rowid, new."name", new."username"); END',
        'INSERT INTO "users_fts"("users_fts") VALUES (\'rebuild\')',
    ],
}
FTS_DOWN = {
    "postgresql": [
        'DROP INDEX "ix_users_searchVector"',
        'ALTER TABLE "users" DROP COLUMN "searchVector"',
        'DROP INDEX "ix_strategies_searchVector"',
        'ALTER TABLE "strategies" DROP COLUMN "searchVector"',
        'DROP INDEX "ix_code_projects_searchVector"',
        'ALTER TABLE "code_projects" DROP COLUMN "searchVector"',
        'DROP INDEX "ix_stoic_quotes_searchVector"',
        'ALTER TABLE "stoic_quotes" DROP COLUMN "searchVector"',
        'DROP INDEX "ix_textbooks_searchVector"',
        'ALTER TABLE "textbooks" DROP COLUMN "searchVector"',
        'DROP INDEX "ix_notes_searchVector"',
        'ALTER TABLE "notes" DROP COLUMN "searchVector"',
    ],
    "sqlite": [
        'DROP TRIGGER "users_fts_ai"',
        'DROP TRIGGER "users_fts_ad"',
        'DROP TRIGGER "users_fts_au"',
        'DROP TABLE "users_fts"',
        'DROP TRIGGER "strategies_fts_ai"',
        'DROP TRIGGER "strategies_fts_ad"',
        'DROP TRIGGER "strategies_fts_au"',
        'DROP TABLE "strategies_fts"',
        'DROP TRIGGER "code_projects_fts_ai"',
        'DROP TRIGGER "code_projects_fts_ad"',
        'DROP TRIGGER "code_projects_fts_au"',
        'DROP TABLE "code_projects_fts"',
        'DROP TRIGGER "stoic_quotes_fts_ai"',
        'DROP TRIGGER "stoic_quotes_fts_ad"',
        'DROP TRIGGER "stoic_quotes_fts_au"',
        'DROP TABLE "stoic_quotes_fts"',
        'DROP TRIGGER "textbooks_fts_ai"',
        'DROP TRIGGER "textbooks_fts_ad"',
        'DROP TRIGGER "textbooks_fts_au"',
        'DROP TABLE "textbooks_fts"',
        'DROP TRIGGER "notes_fts_ai"',
        'DROP TRIGGER "notes_fts_ad"',
        'DROP TRIGGER "notes_fts_au"',
        'DROP TABLE "notes_fts"',
    ],
}


def upgrade() -> None:
    op.create_table(
        "admin_logs",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("adminId", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("targetId", sa.String(length=64), nullable=True),
        sa.Column("targetType", sa.String(length=7), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ipAddress", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "\"targetType\" IN ('user', 'content', 'system')",
            name=op.f("ck_admin_logs_targetType_enum"),
        ),
        sa.CheckConstraint('length("action") <= 100', name=op.f("ck_admin_logs_action_length")),
        sa.CheckConstraint('length("adminId") <= 64', name=op.f("ck_admin_logs_adminId_length")),
        sa.CheckConstraint(
            'length("ipAddress") <= 64', name=op.f("ck_admin_logs_ipAddress_length")
        ),
        sa.CheckConstraint('length("reason") <= 1000', name=op.f("ck_admin_logs_reason_length")),
        sa.CheckConstraint('length("targetId") <= 64', name=op.f("ck_admin_logs_targetId_length")),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_admin_logs")),
    )
    op.create_index("ix_admin_logs_adminId", "admin_logs", ["adminId", "_id"], unique=False)
    op.create_index("ix_admin_logs_targetId", "admin_logs", ["targetId", "_id"], unique=False)
    op.create_index("ix_admin_logs_timestamp", "admin_logs", ["timestamp", "_id"], unique=False)

    op.create_table(
        "change_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("table", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("docId", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("committedAt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_log")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_change_log_committedAt", "change_log", ["committedAt"], unique=False)
    op.create_index("ix_change_log_userId_seq", "change_log", ["userId", "seq"], unique=False)

    op.create_table(
        "feature_flags",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("isEnabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("rolloutPercentage", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "targetUsers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "targetRoles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '"rolloutPercentage" BETWEEN 0 AND 100',
            name=op.f("ck_feature_flags_rolloutPercentage_range"),
        ),
        sa.CheckConstraint(
            'length("description") <= 1000', name=op.f("ck_feature_flags_description_length")
        ),
        sa.CheckConstraint('length("name") <= 100', name=op.f("ck_feature_flags_name_length")),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_feature_flags")),
        sa.UniqueConstraint("name", name="uq_feature_flags_name"),
    )
    op.create_index(
        "ix_feature_flags_updatedAt", "feature_flags", ["updatedAt", "_id"], unique=False
    )

    op.create_table(
        "stoic_quotes",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("quote", sa.String(length=10000), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("reflection", sa.String(length=10000), nullable=True),
        sa.Column("theme", sa.String(length=100), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "savedBy",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.CheckConstraint('length("author") <= 200', name=op.f("ck_stoic_quotes_author_length")),
        sa.CheckConstraint('length("quote") <= 10000', name=op.f("ck_stoic_quotes_quote_length")),
        sa.CheckConstraint(
            'length("reflection") <= 10000', name=op.f("ck_stoic_quotes_reflection_length")
        ),
        sa.CheckConstraint('length("source") <= 300', name=op.f("ck_stoic_quotes_source_length")),
        sa.CheckConstraint('length("theme") <= 100', name=op.f("ck_stoic_quotes_theme_length")),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_stoic_quotes")),
    )
    op.create_index("ix_stoic_quotes_author", "stoic_quotes", ["author", "_id"], unique=False)
    op.create_index("ix_stoic_quotes_createdAt", "stoic_quotes", ["createdAt", "_id"], unique=False)
    op.create_index("ix_stoic_quotes_theme", "stoic_quotes", ["theme", "_id"], unique=False)

    op.create_table(
        "ai_context_memory",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("contextItem", sa.String(length=2000), nullable=False),
        sa.Column("category", sa.String(length=11), nullable=False),
        sa.Column("source", sa.String(length=12), server_default="manual", nullable=False),
        sa.Column("confidence", sa.Float(), server_default="1", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lastUsed", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "\"category\" IN ('goals', 'preferences', 'activities', 'learning')",
            name=op.f("ck_ai_context_memory_category_enum"),
        ),
        sa.CheckConstraint(
            '"confidence" BETWEEN 0 AND 1', name=op.f("ck_ai_context_memory_confidence_range")
        ),
        sa.CheckConstraint(
            "\"source\" IN ('manual', 'auto_learned')",
            name=op.f("ck_ai_context_memory_source_enum"),
        ),
        sa.CheckConstraint(
            'length("contextItem") <= 2000', name=op.f("ck_ai_context_memory_contextItem_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_ai_context_memory_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_ai_context_memory")),
    )
    op.create_index(
        "ix_ai_context_memory_userId_category",
        "ai_context_memory",
        ["userId", "category", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_ai_context_memory_userId_createdAt",
        "ai_context_memory",
        ["userId", "createdAt", "_id"],
        unique=False,
    )

    op.create_table(
        "ai_conversations",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("module", sa.String(length=7), nullable=False),
        sa.Column("mode", sa.String(length=8), server_default="normal", nullable=False),
        sa.Column(
            "messages",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "context",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("isPinned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint(
            "\"mode\" IN ('normal', 'research')", name=op.f("ck_ai_conversations_mode_enum")
        ),
        sa.CheckConstraint(
            "\"module\" IN ('study', 'fitness', 'mind', 'general')",
            name=op.f("ck_ai_conversations_module_enum"),
        ),
        sa.CheckConstraint('length("topic") <= 300', name=op.f("ck_ai_conversations_topic_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_ai_conversations_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_ai_conversations")),
    )
    op.create_index(
        "ix_ai_conversations_userId_createdAt",
        "ai_conversations",
        ["userId", "createdAt", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_ai_conversations_userId_module",
        "ai_conversations",
        ["userId", "module", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_ai_conversations_userId_topic",
        "ai_conversations",
        ["userId", "topic", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_ai_conversations_userId_updatedAt",
        "ai_conversations",
        ["userId", "updatedAt", "_id"],
        unique=False,
    )

    op.create_table(
        "analytics",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=True),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("module", sa.String(length=50), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sessionId", sa.String(length=100), nullable=True),
        sa.Column("ipAddress", sa.String(length=64), nullable=True),
        sa.Column("userAgent", sa.String(length=512), nullable=True),
        sa.CheckConstraint('length("event") <= 100', name=op.f("ck_analytics_event_length")),
        sa.CheckConstraint('length("ipAddress") <= 64', name=op.f("ck_analytics_ipAddress_length")),
        sa.CheckConstraint('length("module") <= 50', name=op.f("ck_analytics_module_length")),
        sa.CheckConstraint(
            'length("sessionId") <= 100', name=op.f("ck_analytics_sessionId_length")
        ),
        sa.CheckConstraint(
            'length("userAgent") <= 512', name=op.f("ck_analytics_userAgent_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_analytics_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_analytics")),
    )
    op.create_index("ix_analytics_event", "analytics", ["event", "_id"], unique=False)
    op.create_index("ix_analytics_timestamp", "analytics", ["timestamp", "_id"], unique=False)
    op.create_index("ix_analytics_userId", "analytics", ["userId", "_id"], unique=False)

    op.create_table(
        "badges",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("badgeType", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("icon", sa.String(length=2048), nullable=True),
        sa.Column("earnedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tier", sa.BigInteger(), nullable=True),
        sa.Column("rarity", sa.String(length=9), nullable=True),
        sa.CheckConstraint(
            "\"rarity\" IN ('common', 'rare', 'epic', 'legendary')",
            name=op.f("ck_badges_rarity_enum"),
        ),
        sa.CheckConstraint('"tier" BETWEEN 1 AND 10', name=op.f("ck_badges_tier_range")),
        sa.CheckConstraint('length("badgeType") <= 100', name=op.f("ck_badges_badgeType_length")),
        sa.CheckConstraint(
            'length("description") <= 500', name=op.f("ck_badges_description_length")
        ),
        sa.CheckConstraint('length("icon") <= 2048', name=op.f("ck_badges_icon_length")),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_badges_name_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_badges_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_badges")),
        sa.UniqueConstraint("userId", "badgeType", name="uq_badges_userId_badgeType"),
    )
    op.create_index(
        "ix_badges_userId_earnedAt", "badges", ["userId", "earnedAt", "_id"], unique=False
    )

    op.create_table(
        "chess_puzzles",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("lichessPuzzleId", sa.String(length=16), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("solved", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("timeSpent", sa.BigInteger(), nullable=False),
        sa.Column("difficulty", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("hintUsed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("userRating", sa.BigInteger(), nullable=True),
        sa.CheckConstraint('"attempts" >= 1', name=op.f("ck_chess_puzzles_attempts_range")),
        sa.CheckConstraint(
            '"difficulty" BETWEEN 0 AND 4000', name=op.f("ck_chess_puzzles_difficulty_range")
        ),
        sa.CheckConstraint('"timeSpent" >= 0', name=op.f("ck_chess_puzzles_timeSpent_range")),
        sa.CheckConstraint(
            '"userRating" BETWEEN 0 AND 4000', name=op.f("ck_chess_puzzles_userRating_range")
        ),
        sa.CheckConstraint(
            'length("lichessPuzzleId") <= 16', name=op.f("ck_chess_puzzles_lichessPuzzleId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_chess_puzzles_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_chess_puzzles")),
    )
    op.create_index(
        "ix_chess_puzzles_userId_date", "chess_puzzles", ["userId", "date", "_id"], unique=False
    )
    op.create_index(
        "ix_chess_puzzles_userId_solved", "chess_puzzles", ["userId", "solved", "_id"], unique=False
    )

    op.create_table(
        "code_projects",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=10000), nullable=True),
        sa.Column("code", sa.String(length=1000000), nullable=False),
        sa.Column("language", sa.String(length=50), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("isPublic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length("code") <= 1000000', name=op.f("ck_code_projects_code_length")),
        sa.CheckConstraint(
            'length("description") <= 10000', name=op.f("ck_code_projects_description_length")
        ),
        sa.CheckConstraint(
            'length("language") <= 50', name=op.f("ck_code_projects_language_length")
        ),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_code_projects_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_code_projects_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_code_projects")),
    )
    op.create_index(
        "ix_code_projects_isPublic_updatedAt",
        "code_projects",
        ["isPublic", "updatedAt", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_code_projects_userId_language",
        "code_projects",
        ["userId", "language", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_code_projects_userId_updatedAt",
        "code_projects",
        ["userId", "updatedAt", "_id"],
        unique=False,
    )

    op.create_table(
        "content_ideas",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=9), nullable=False),
        sa.Column(
            "brainstormPoints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("potential", sa.String(length=6), server_default="medium", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "\"category\" IN ('trending', 'tutorial', 'personal', 'collab', 'series', 'evergreen')",
            name=op.f("ck_content_ideas_category_enum"),
        ),
        sa.CheckConstraint(
            "\"potential\" IN ('low', 'medium', 'high')",
            name=op.f("ck_content_ideas_potential_enum"),
        ),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_content_ideas_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_content_ideas_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_content_ideas")),
    )
    op.create_index(
        "ix_content_ideas_userId_category",
        "content_ideas",
        ["userId", "category", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_content_ideas_userId_createdAt",
        "content_ideas",
        ["userId", "createdAt", "_id"],
        unique=False,
    )

    op.create_table(
        "content_items",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=20000), nullable=True),
        sa.Column(
            "platform",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), server_default="ideation", nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("dueDate", sa.Date(), nullable=True),
        sa.Column("scheduledDate", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "metrics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "\"status\" IN ('ideation', 'scripting', 'production', 'publishing')",
            name=op.f("ck_content_items_status_enum"),
        ),
        sa.CheckConstraint(
            'length("category") <= 100', name=op.f("ck_content_items_category_length")
        ),
        sa.CheckConstraint(
            'length("description") <= 20000', name=op.f("ck_content_items_description_length")
        ),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_content_items_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_content_items_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_content_items")),
    )
    op.create_index(
        "ix_content_items_userId_dueDate",
        "content_items",
        ["userId", "dueDate", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_content_items_userId_status", "content_items", ["userId", "status", "_id"], unique=False
    )
    op.create_index(
        "ix_content_items_userId_updatedAt",
        "content_items",
        ["userId", "updatedAt", "_id"],
        unique=False,
    )

    op.create_table(
        "content_templates",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column(
            "outline",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("scriptTemplate", sa.String(length=50000), nullable=True),
        sa.Column(
            "platforms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("length", sa.String(length=50), nullable=True),
        sa.Column("reusageCount", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint(
            '"reusageCount" >= 0', name=op.f("ck_content_templates_reusageCount_range")
        ),
        sa.CheckConstraint(
            'length("category") <= 100', name=op.f("ck_content_templates_category_length")
        ),
        sa.CheckConstraint(
            'length("length") <= 50', name=op.f("ck_content_templates_length_length")
        ),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_content_templates_name_length")),
        sa.CheckConstraint(
            'length("scriptTemplate") <= 50000',
            name=op.f("ck_content_templates_scriptTemplate_length"),
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_content_templates_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_content_templates")),
    )
    op.create_index(
        "ix_content_templates_userId_category",
        "content_templates",
        ["userId", "category", "_id"],
        unique=False,
    )

    op.create_table(
        "cube_times",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("cubeType", sa.String(length=8), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("scramble", sa.String(length=500), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dnf", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("plusTwo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sessionId", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "\"cubeType\" IN ('2x2', '3x3', '4x4', 'pyraminx')",
            name=op.f("ck_cube_times_cubeType_enum"),
        ),
        sa.CheckConstraint('"time" BETWEEN 0 AND 8.64e+07', name=op.f("ck_cube_times_time_range")),
        sa.CheckConstraint('length("scramble") <= 500', name=op.f("ck_cube_times_scramble_length")),
        sa.CheckConstraint(
            'length("sessionId") <= 64', name=op.f("ck_cube_times_sessionId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_cube_times_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_cube_times")),
    )
    op.create_index(
        "ix_cube_times_userId_cubeType", "cube_times", ["userId", "cubeType", "_id"], unique=False
    )
    op.create_index(
        "ix_cube_times_userId_date", "cube_times", ["userId", "date", "_id"], unique=False
    )
    op.create_index(
        "ix_cube_times_userId_sessionId", "cube_times", ["userId", "sessionId", "_id"], unique=False
    )
    op.create_index(
        "ix_cube_times_userId_time", "cube_times", ["userId", "time", "_id"], unique=False
    )

    op.create_table(
        "daily_tasks",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=100), server_default="general", nullable=False),
        sa.Column("completed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("priority", sa.BigInteger(), server_default="3", nullable=False),
        sa.Column("dueTime", sa.String(length=5), nullable=True),
        sa.Column("completedAt", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            '"priority" BETWEEN 1 AND 5', name=op.f("ck_daily_tasks_priority_range")
        ),
        sa.CheckConstraint(
            'length("category") <= 100', name=op.f("ck_daily_tasks_category_length")
        ),
        sa.CheckConstraint(
            "length(\"dueTime\") = 5 AND substr(\"dueTime\", 3, 1) = ':' AND substr(\"dueTime\", 1, 2) BETWEEN '00' AND '23' AND substr(\"dueTime\", 4, 2) BETWEEN '00' AND '59'",
            name=op.f("ck_daily_tasks_dueTime_hhmm"),
        ),
        sa.CheckConstraint('length("title") <= 500', name=op.f("ck_daily_tasks_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_daily_tasks_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_daily_tasks")),
    )
    op.create_index(
        "ix_daily_tasks_userId_completed",
        "daily_tasks",
        ["userId", "completed", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_daily_tasks_userId_date", "daily_tasks", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "debate_sessions",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=500), nullable=False),
        sa.Column("userArgument", sa.String(length=20000), nullable=False),
        sa.Column("aiCounterargument", sa.String(length=20000), nullable=False),
        sa.Column("userRebuttal", sa.String(length=20000), nullable=True),
        sa.Column("quality", sa.BigInteger(), nullable=True),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '"quality" BETWEEN 1 AND 5', name=op.f("ck_debate_sessions_quality_range")
        ),
        sa.CheckConstraint(
            'length("aiCounterargument") <= 20000',
            name=op.f("ck_debate_sessions_aiCounterargument_length"),
        ),
        sa.CheckConstraint('length("topic") <= 500', name=op.f("ck_debate_sessions_topic_length")),
        sa.CheckConstraint(
            'length("userArgument") <= 20000', name=op.f("ck_debate_sessions_userArgument_length")
        ),
        sa.CheckConstraint(
            'length("userRebuttal") <= 20000', name=op.f("ck_debate_sessions_userRebuttal_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_debate_sessions_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_debate_sessions")),
    )
    op.create_index(
        "ix_debate_sessions_userId_date", "debate_sessions", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "fitness_goals",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("goalType", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("targetValue", sa.Float(), nullable=False),
        sa.Column("currentValue", sa.Float(), server_default="0", nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=9), server_default="active", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completedAt", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "\"goalType\" IN ('weight', 'strength', 'endurance', 'body_composition')",
            name=op.f("ck_fitness_goals_goalType_enum"),
        ),
        sa.CheckConstraint(
            "\"status\" IN ('active', 'completed', 'abandoned')",
            name=op.f("ck_fitness_goals_status_enum"),
        ),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_fitness_goals_name_length")),
        sa.CheckConstraint('length("unit") <= 32', name=op.f("ck_fitness_goals_unit_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_fitness_goals_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_fitness_goals")),
    )
    op.create_index(
        "ix_fitness_goals_userId_createdAt",
        "fitness_goals",
        ["userId", "createdAt", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_fitness_goals_userId_deadline",
        "fitness_goals",
        ["userId", "deadline", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_fitness_goals_userId_status", "fitness_goals", ["userId", "status", "_id"], unique=False
    )

    op.create_table(
        "flashcards",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("sourceNoteId", sa.String(length=64), nullable=True),
        sa.Column("question", sa.String(length=10000), nullable=False),
        sa.Column("answer", sa.String(length=10000), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("difficulty", sa.BigInteger(), server_default="3", nullable=False),
        sa.Column("nextReviewDate", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewCount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("easeFactor", sa.Float(), server_default="2.5", nullable=False),
        sa.Column("interval", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("lastReviewDate", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "reviewHistory",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=8), server_default="new", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '"difficulty" BETWEEN 1 AND 5', name=op.f("ck_flashcards_difficulty_range")
        ),
        sa.CheckConstraint('"easeFactor" >= 1.3', name=op.f("ck_flashcards_easeFactor_range")),
        sa.CheckConstraint('"interval" >= 0', name=op.f("ck_flashcards_interval_range")),
        sa.CheckConstraint('"reviewCount" >= 0', name=op.f("ck_flashcards_reviewCount_range")),
        sa.CheckConstraint(
            "\"status\" IN ('new', 'learning', 'review', 'mastered')",
            name=op.f("ck_flashcards_status_enum"),
        ),
        sa.CheckConstraint('length("answer") <= 10000', name=op.f("ck_flashcards_answer_length")),
        sa.CheckConstraint(
            'length("question") <= 10000', name=op.f("ck_flashcards_question_length")
        ),
        sa.CheckConstraint('length("subject") <= 100', name=op.f("ck_flashcards_subject_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_flashcards_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_flashcards")),
    )
    op.create_index(
        "ix_flashcards_sourceNoteId", "flashcards", ["sourceNoteId", "_id"], unique=False
    )
    op.create_index(
        "ix_flashcards_userId_createdAt", "flashcards", ["userId", "createdAt", "_id"], unique=False
    )
    op.create_index(
        "ix_flashcards_userId_nextReviewDate",
        "flashcards",
        ["userId", "nextReviewDate", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_flashcards_userId_status", "flashcards", ["userId", "status", "_id"], unique=False
    )
    op.create_index(
        "ix_flashcards_userId_subject", "flashcards", ["userId", "subject", "_id"], unique=False
    )

    op.create_table(
        "habit_stacks",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("anchorHabit", sa.String(length=300), nullable=False),
        sa.Column(
            "habits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("difficulty", sa.String(length=6), nullable=False),
        sa.Column("currentStreak", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("longestStreak", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "completedDates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.CheckConstraint(
            '"currentStreak" >= 0', name=op.f("ck_habit_stacks_currentStreak_range")
        ),
        sa.CheckConstraint(
            "\"difficulty\" IN ('easy', 'medium', 'hard')",
            name=op.f("ck_habit_stacks_difficulty_enum"),
        ),
        sa.CheckConstraint(
            '"longestStreak" >= 0', name=op.f("ck_habit_stacks_longestStreak_range")
        ),
        sa.CheckConstraint(
            'length("anchorHabit") <= 300', name=op.f("ck_habit_stacks_anchorHabit_length")
        ),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_habit_stacks_name_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_habit_stacks_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_habit_stacks")),
    )
    op.create_index(
        "ix_habit_stacks_userId_createdAt",
        "habit_stacks",
        ["userId", "createdAt", "_id"],
        unique=False,
    )

    op.create_table(
        "logic_puzzles",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("puzzleId", sa.String(length=200), nullable=False),
        sa.Column("puzzleType", sa.String(length=10), nullable=False),
        sa.Column("difficulty", sa.String(length=6), nullable=False),
        sa.Column("solved", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("timeSpent", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hints", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "\"difficulty\" IN ('easy', 'medium', 'hard', 'expert')",
            name=op.f("ck_logic_puzzles_difficulty_enum"),
        ),
        sa.CheckConstraint('"hints" >= 0', name=op.f("ck_logic_puzzles_hints_range")),
        sa.CheckConstraint(
            "\"puzzleType\" IN ('sudoku', 'logic_grid', 'pattern')",
            name=op.f("ck_logic_puzzles_puzzleType_enum"),
        ),
        sa.CheckConstraint('"timeSpent" >= 0', name=op.f("ck_logic_puzzles_timeSpent_range")),
        sa.CheckConstraint(
            'length("puzzleId") <= 200', name=op.f("ck_logic_puzzles_puzzleId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_logic_puzzles_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_logic_puzzles")),
    )
    op.create_index(
        "ix_logic_puzzles_userId_date", "logic_puzzles", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "meals",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("mealType", sa.String(length=9), nullable=False),
        sa.Column("time", sa.String(length=5), nullable=False),
        sa.Column(
            "foods",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("totalCalories", sa.Float(), nullable=False),
        sa.Column("totalProtein", sa.Float(), nullable=False),
        sa.Column("totalCarbs", sa.Float(), nullable=False),
        sa.Column("totalFat", sa.Float(), nullable=False),
        sa.Column("totalFiber", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "\"mealType\" IN ('breakfast', 'lunch', 'dinner', 'snack')",
            name=op.f("ck_meals_mealType_enum"),
        ),
        sa.CheckConstraint('"totalCalories" >= 0', name=op.f("ck_meals_totalCalories_range")),
        sa.CheckConstraint('"totalCarbs" >= 0', name=op.f("ck_meals_totalCarbs_range")),
        sa.CheckConstraint('"totalFat" >= 0', name=op.f("ck_meals_totalFat_range")),
        sa.CheckConstraint('"totalFiber" >= 0', name=op.f("ck_meals_totalFiber_range")),
        sa.CheckConstraint('"totalProtein" >= 0', name=op.f("ck_meals_totalProtein_range")),
        sa.CheckConstraint(
            "length(\"time\") = 5 AND substr(\"time\", 3, 1) = ':' AND substr(\"time\", 1, 2) BETWEEN '00' AND '23' AND substr(\"time\", 4, 2) BETWEEN '00' AND '59'",
            name=op.f("ck_meals_time_hhmm"),
        ),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_meals_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_meals")),
    )
    op.create_index("ix_meals_userId_date", "meals", ["userId", "date", "_id"], unique=False)

    op.create_table(
        "measurements",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=False),
        sa.Column("bodyFatPercentage", sa.Float(), nullable=True),
        sa.Column("muscleMass", sa.Float(), nullable=True),
        sa.Column("chest", sa.Float(), nullable=True),
        sa.Column("waist", sa.Float(), nullable=True),
        sa.Column("hips", sa.Float(), nullable=True),
        sa.Column("thighs", sa.Float(), nullable=True),
        sa.Column("biceps", sa.Float(), nullable=True),
        sa.Column("notes", sa.String(length=5000), nullable=True),
        sa.CheckConstraint(
            '"biceps" BETWEEN 0 AND 1000', name=op.f("ck_measurements_biceps_range")
        ),
        sa.CheckConstraint(
            '"bodyFatPercentage" BETWEEN 0 AND 100',
            name=op.f("ck_measurements_bodyFatPercentage_range"),
        ),
        sa.CheckConstraint('"chest" BETWEEN 0 AND 1000', name=op.f("ck_measurements_chest_range")),
        sa.CheckConstraint('"hips" BETWEEN 0 AND 1000', name=op.f("ck_measurements_hips_range")),
        sa.CheckConstraint(
            '"muscleMass" BETWEEN 0 AND 1000', name=op.f("ck_measurements_muscleMass_range")
        ),
        sa.CheckConstraint(
            '"thighs" BETWEEN 0 AND 1000', name=op.f("ck_measurements_thighs_range")
        ),
        sa.CheckConstraint("\"unit\" IN ('kg', 'lbs')", name=op.f("ck_measurements_unit_enum")),
        sa.CheckConstraint('"waist" BETWEEN 0 AND 1000', name=op.f("ck_measurements_waist_range")),
        sa.CheckConstraint(
            '"weight" BETWEEN 0 AND 1000', name=op.f("ck_measurements_weight_range")
        ),
        sa.CheckConstraint('length("notes") <= 5000', name=op.f("ck_measurements_notes_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_measurements_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_measurements")),
    )
    op.create_index(
        "ix_measurements_userId_date", "measurements", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "memory_palaces",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=True),
        sa.Column(
            "locations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'length("description") <= 5000', name=op.f("ck_memory_palaces_description_length")
        ),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_memory_palaces_name_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_memory_palaces_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_memory_palaces")),
    )
    op.create_index(
        "ix_memory_palaces_userId_createdAt",
        "memory_palaces",
        ["userId", "createdAt", "_id"],
        unique=False,
    )

    op.create_table(
        "notes",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("content", sa.String(length=1000000), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "linkedNotes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("color", sa.String(length=32), nullable=True),
        sa.Column("isArchived", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("isPinned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wordCount", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint('"wordCount" >= 0', name=op.f("ck_notes_wordCount_range")),
        sa.CheckConstraint('length("color") <= 32', name=op.f("ck_notes_color_length")),
        sa.CheckConstraint('length("content") <= 1000000', name=op.f("ck_notes_content_length")),
        sa.CheckConstraint('length("subject") <= 100', name=op.f("ck_notes_subject_length")),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_notes_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_notes_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_notes")),
    )
    op.create_index(
        "ix_notes_userId_createdAt", "notes", ["userId", "createdAt", "_id"], unique=False
    )
    op.create_index(
        "ix_notes_userId_isArchived", "notes", ["userId", "isArchived", "_id"], unique=False
    )
    op.create_index("ix_notes_userId_subject", "notes", ["userId", "subject", "_id"], unique=False)
    op.create_index(
        "ix_notes_userId_updatedAt", "notes", ["userId", "updatedAt", "_id"], unique=False
    )

    op.create_table(
        "nutrition_goals",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("dailyCalories", sa.BigInteger(), nullable=False),
        sa.Column("proteinGrams", sa.Float(), nullable=False),
        sa.Column("carbsGrams", sa.Float(), nullable=False),
        sa.Column("fatsGrams", sa.Float(), nullable=False),
        sa.Column("proteinPercentage", sa.Float(), nullable=True),
        sa.Column("carbsPercentage", sa.Float(), nullable=True),
        sa.Column("fatsPercentage", sa.Float(), nullable=True),
        sa.CheckConstraint(
            '"carbsGrams" BETWEEN 0 AND 2000', name=op.f("ck_nutrition_goals_carbsGrams_range")
        ),
        sa.CheckConstraint(
            '"carbsPercentage" BETWEEN 0 AND 100',
            name=op.f("ck_nutrition_goals_carbsPercentage_range"),
        ),
        sa.CheckConstraint(
            '"dailyCalories" BETWEEN 0 AND 20000',
            name=op.f("ck_nutrition_goals_dailyCalories_range"),
        ),
        sa.CheckConstraint(
            '"fatsGrams" BETWEEN 0 AND 2000', name=op.f("ck_nutrition_goals_fatsGrams_range")
        ),
        sa.CheckConstraint(
            '"fatsPercentage" BETWEEN 0 AND 100',
            name=op.f("ck_nutrition_goals_fatsPercentage_range"),
        ),
        sa.CheckConstraint(
            '"proteinGrams" BETWEEN 0 AND 2000', name=op.f("ck_nutrition_goals_proteinGrams_range")
        ),
        sa.CheckConstraint(
            '"proteinPercentage" BETWEEN 0 AND 100',
            name=op.f("ck_nutrition_goals_proteinPercentage_range"),
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_nutrition_goals_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_nutrition_goals")),
    )
    op.create_index(
        "ix_nutrition_goals_userId_date", "nutrition_goals", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "personal_records",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("exercise", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("previousPR", sa.Float(), nullable=True),
        sa.Column("improvement", sa.Float(), nullable=True),
        sa.Column("notes", sa.String(length=5000), nullable=True),
        sa.CheckConstraint('"previousPR" >= 0', name=op.f("ck_personal_records_previousPR_range")),
        sa.CheckConstraint('"value" >= 0', name=op.f("ck_personal_records_value_range")),
        sa.CheckConstraint(
            'length("exercise") <= 200', name=op.f("ck_personal_records_exercise_length")
        ),
        sa.CheckConstraint(
            'length("notes") <= 5000', name=op.f("ck_personal_records_notes_length")
        ),
        sa.CheckConstraint('length("unit") <= 32', name=op.f("ck_personal_records_unit_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_personal_records_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_personal_records")),
    )
    op.create_index(
        "ix_personal_records_userId_date",
        "personal_records",
        ["userId", "date", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_personal_records_userId_exercise",
        "personal_records",
        ["userId", "exercise", "_id"],
        unique=False,
    )

    op.create_table(
        "pmo_tracker",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("currentStreak", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("longestStreak", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("energyLevel", sa.BigInteger(), nullable=True),
        sa.Column("focusLevel", sa.BigInteger(), nullable=True),
        sa.Column("moodLevel", sa.BigInteger(), nullable=True),
        sa.Column("confidenceLevel", sa.BigInteger(), nullable=True),
        sa.Column("relapsed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("notes", sa.String(length=10000), nullable=True),
        sa.CheckConstraint(
            '"confidenceLevel" BETWEEN 1 AND 5', name=op.f("ck_pmo_tracker_confidenceLevel_range")
        ),
        sa.CheckConstraint('"currentStreak" >= 0', name=op.f("ck_pmo_tracker_currentStreak_range")),
        sa.CheckConstraint(
            '"energyLevel" BETWEEN 1 AND 5', name=op.f("ck_pmo_tracker_energyLevel_range")
        ),
        sa.CheckConstraint(
            '"focusLevel" BETWEEN 1 AND 5', name=op.f("ck_pmo_tracker_focusLevel_range")
        ),
        sa.CheckConstraint('"longestStreak" >= 0', name=op.f("ck_pmo_tracker_longestStreak_range")),
        sa.CheckConstraint(
            '"moodLevel" BETWEEN 1 AND 5', name=op.f("ck_pmo_tracker_moodLevel_range")
        ),
        sa.CheckConstraint('length("notes") <= 10000', name=op.f("ck_pmo_tracker_notes_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_pmo_tracker_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_pmo_tracker")),
    )
    op.create_index(
        "ix_pmo_tracker_userId_date", "pmo_tracker", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "progress_photos",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("imageUrl", sa.String(length=2048), nullable=False),
        sa.Column("angle", sa.String(length=6), nullable=False),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("notes", sa.String(length=5000), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "\"angle\" IN ('front', 'side', 'back', 'flexed')",
            name=op.f("ck_progress_photos_angle_enum"),
        ),
        sa.CheckConstraint(
            '"weight" BETWEEN 0 AND 1000', name=op.f("ck_progress_photos_weight_range")
        ),
        sa.CheckConstraint(
            'length("imageUrl") <= 2048', name=op.f("ck_progress_photos_imageUrl_length")
        ),
        sa.CheckConstraint('length("notes") <= 5000', name=op.f("ck_progress_photos_notes_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_progress_photos_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_progress_photos")),
    )
    op.create_index(
        "ix_progress_photos_userId_angle",
        "progress_photos",
        ["userId", "angle", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_progress_photos_userId_date", "progress_photos", ["userId", "date", "_id"], unique=False
    )

    op.create_table(
        "quizzes",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column(
            "questions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "userAnswers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("correctAnswers", sa.BigInteger(), nullable=False),
        sa.Column("totalQuestions", sa.BigInteger(), nullable=False),
        sa.Column("difficulty", sa.String(length=6), nullable=False),
        sa.Column("timeSpent", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("timeLimit", sa.BigInteger(), nullable=True),
        sa.Column(
            "feedback",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("isAIGenerated", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint('"correctAnswers" >= 0', name=op.f("ck_quizzes_correctAnswers_range")),
        sa.CheckConstraint(
            "\"difficulty\" IN ('easy', 'medium', 'hard')", name=op.f("ck_quizzes_difficulty_enum")
        ),
        sa.CheckConstraint('"score" BETWEEN 0 AND 100', name=op.f("ck_quizzes_score_range")),
        sa.CheckConstraint('"timeLimit" >= 1', name=op.f("ck_quizzes_timeLimit_range")),
        sa.CheckConstraint('"timeSpent" >= 0', name=op.f("ck_quizzes_timeSpent_range")),
        sa.CheckConstraint('"totalQuestions" >= 0', name=op.f("ck_quizzes_totalQuestions_range")),
        sa.CheckConstraint('length("subject") <= 100', name=op.f("ck_quizzes_subject_length")),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_quizzes_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_quizzes_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_quizzes")),
    )
    op.create_index(
        "ix_quizzes_userId_createdAt", "quizzes", ["userId", "createdAt", "_id"], unique=False
    )
    op.create_index(
        "ix_quizzes_userId_subject", "quizzes", ["userId", "subject", "_id"], unique=False
    )

    op.create_table(
        "strategies",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=10000), nullable=True),
        sa.Column("category", sa.String(length=11), nullable=False),
        sa.Column("pdfUrl", sa.String(length=2048), nullable=False),
        sa.Column("uploadedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.BigInteger(), nullable=True),
        sa.Column(
            "annotations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "\"category\" IN ('chess', 'business', 'military', 'game_theory')",
            name=op.f("ck_strategies_category_enum"),
        ),
        sa.CheckConstraint('"rating" BETWEEN 1 AND 5', name=op.f("ck_strategies_rating_range")),
        sa.CheckConstraint(
            'length("description") <= 10000', name=op.f("ck_strategies_description_length")
        ),
        sa.CheckConstraint('length("pdfUrl") <= 2048', name=op.f("ck_strategies_pdfUrl_length")),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_strategies_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_strategies_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_strategies")),
    )
    op.create_index(
        "ix_strategies_userId_category", "strategies", ["userId", "category", "_id"], unique=False
    )
    op.create_index(
        "ix_strategies_userId_uploadedAt",
        "strategies",
        ["userId", "uploadedAt", "_id"],
        unique=False,
    )

    op.create_table(
        "streaks",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("streakType", sa.String(length=15), nullable=False),
        sa.Column("module", sa.String(length=50), nullable=True),
        sa.Column("currentCount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("longestCount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("lastActiveDate", sa.Date(), nullable=False),
        sa.Column("startDate", sa.Date(), nullable=False),
        sa.Column(
            "completedDates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.CheckConstraint('"currentCount" >= 0', name=op.f("ck_streaks_currentCount_range")),
        sa.CheckConstraint('"longestCount" >= 0', name=op.f("ck_streaks_longestCount_range")),
        sa.CheckConstraint(
            "\"streakType\" IN ('daily_activity', 'module_specific', 'task')",
            name=op.f("ck_streaks_streakType_enum"),
        ),
        sa.CheckConstraint('length("module") <= 50', name=op.f("ck_streaks_module_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_streaks_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_streaks")),
    )
    op.create_index(
        "ix_streaks_userId_streakType", "streaks", ["userId", "streakType", "_id"], unique=False
    )

    op.create_table(
        "study_goals",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=True),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("goalType", sa.String(length=7), nullable=False),
        sa.Column("targetValue", sa.Float(), nullable=False),
        sa.Column("currentValue", sa.Float(), server_default="0", nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("targetDate", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=9), server_default="active", nullable=False),
        sa.Column("priority", sa.BigInteger(), server_default="3", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completedAt", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "\"goalType\" IN ('grade', 'concept', 'time', 'reading')",
            name=op.f("ck_study_goals_goalType_enum"),
        ),
        sa.CheckConstraint(
            '"priority" BETWEEN 1 AND 5', name=op.f("ck_study_goals_priority_range")
        ),
        sa.CheckConstraint(
            "\"status\" IN ('active', 'completed', 'abandoned')",
            name=op.f("ck_study_goals_status_enum"),
        ),
        sa.CheckConstraint(
            'length("description") <= 5000', name=op.f("ck_study_goals_description_length")
        ),
        sa.CheckConstraint('length("subject") <= 100', name=op.f("ck_study_goals_subject_length")),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_study_goals_title_length")),
        sa.CheckConstraint('length("unit") <= 32', name=op.f("ck_study_goals_unit_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_study_goals_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_study_goals")),
    )
    op.create_index(
        "ix_study_goals_userId_createdAt",
        "study_goals",
        ["userId", "createdAt", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_study_goals_userId_status", "study_goals", ["userId", "status", "_id"], unique=False
    )
    op.create_index(
        "ix_study_goals_userId_targetDate",
        "study_goals",
        ["userId", "targetDate", "_id"],
        unique=False,
    )

    op.create_table(
        "study_sessions",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("duration", sa.BigInteger(), nullable=False),
        sa.Column("notesCreated", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("flashcardsReviewed", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("quizzesTaken", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("xpEarned", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("quality", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            '"duration" BETWEEN 0 AND 1440', name=op.f("ck_study_sessions_duration_range")
        ),
        sa.CheckConstraint(
            '"flashcardsReviewed" >= 0', name=op.f("ck_study_sessions_flashcardsReviewed_range")
        ),
        sa.CheckConstraint(
            '"notesCreated" >= 0', name=op.f("ck_study_sessions_notesCreated_range")
        ),
        sa.CheckConstraint(
            '"quizzesTaken" >= 0', name=op.f("ck_study_sessions_quizzesTaken_range")
        ),
        sa.CheckConstraint('"xpEarned" >= 0', name=op.f("ck_study_sessions_xpEarned_range")),
        sa.CheckConstraint(
            'length("quality") <= 200', name=op.f("ck_study_sessions_quality_length")
        ),
        sa.CheckConstraint(
            'length("subject") <= 100', name=op.f("ck_study_sessions_subject_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_study_sessions_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_study_sessions")),
    )
    op.create_index(
        "ix_study_sessions_userId_date", "study_sessions", ["userId", "date", "_id"], unique=False
    )
    op.create_index(
        "ix_study_sessions_userId_subject",
        "study_sessions",
        ["userId", "subject", "_id"],
        unique=False,
    )

    op.create_table(
        "textbooks",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("isbn", sa.String(length=20), nullable=True),
        sa.Column("pdfUrl", sa.String(length=2048), nullable=False),
        sa.Column("pages", sa.BigInteger(), nullable=False),
        sa.Column("currentPage", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column(
            "annotations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "bookmarks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("readingProgress", sa.Float(), server_default="0", nullable=False),
        sa.Column("uploadedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lastReadAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("course", sa.String(length=200), nullable=True),
        sa.CheckConstraint('"currentPage" >= 1', name=op.f("ck_textbooks_currentPage_range")),
        sa.CheckConstraint('"pages" BETWEEN 1 AND 100000', name=op.f("ck_textbooks_pages_range")),
        sa.CheckConstraint(
            '"readingProgress" BETWEEN 0 AND 100', name=op.f("ck_textbooks_readingProgress_range")
        ),
        sa.CheckConstraint('length("author") <= 200', name=op.f("ck_textbooks_author_length")),
        sa.CheckConstraint('length("course") <= 200', name=op.f("ck_textbooks_course_length")),
        sa.CheckConstraint('length("isbn") <= 20', name=op.f("ck_textbooks_isbn_length")),
        sa.CheckConstraint('length("pdfUrl") <= 2048', name=op.f("ck_textbooks_pdfUrl_length")),
        sa.CheckConstraint('length("subject") <= 100', name=op.f("ck_textbooks_subject_length")),
        sa.CheckConstraint('length("title") <= 300', name=op.f("ck_textbooks_title_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_textbooks_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_textbooks")),
    )
    op.create_index(
        "ix_textbooks_userId_subject", "textbooks", ["userId", "subject", "_id"], unique=False
    )
    op.create_index(
        "ix_textbooks_userId_uploadedAt", "textbooks", ["userId", "uploadedAt", "_id"], unique=False
    )

    op.create_table(
        "workouts",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=11), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("duration", sa.BigInteger(), nullable=False),
        sa.Column("calories", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("intensity", sa.String(length=9), nullable=False),
        sa.Column(
            "exercises",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("notes", sa.String(length=10000), nullable=True),
        sa.Column("templateId", sa.String(length=64), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '"calories" BETWEEN 0 AND 100000', name=op.f("ck_workouts_calories_range")
        ),
        sa.CheckConstraint(
            '"duration" BETWEEN 0 AND 1440', name=op.f("ck_workouts_duration_range")
        ),
        sa.CheckConstraint(
            "\"intensity\" IN ('low', 'moderate', 'high', 'very-high')",
            name=op.f("ck_workouts_intensity_enum"),
        ),
        sa.CheckConstraint(
            "\"type\" IN ('strength', 'cardio', 'flexibility', 'sports')",
            name=op.f("ck_workouts_type_enum"),
        ),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_workouts_name_length")),
        sa.CheckConstraint('length("notes") <= 10000', name=op.f("ck_workouts_notes_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_workouts_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_workouts")),
    )
    op.create_index("ix_workouts_templateId", "workouts", ["templateId", "_id"], unique=False)
    op.create_index("ix_workouts_userId_date", "workouts", ["userId", "date", "_id"], unique=False)
    op.create_index("ix_workouts_userId_type", "workouts", ["userId", "type", "_id"], unique=False)

    op.create_table(
        "xp_logs",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("xpAmount", sa.BigInteger(), nullable=False),
        sa.Column("module", sa.String(length=50), nullable=False),
        sa.Column("sourceId", sa.String(length=64), nullable=True),
        sa.Column("multiplier", sa.Float(), server_default="1", nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('"multiplier" >= 0', name=op.f("ck_xp_logs_multiplier_range")),
        sa.CheckConstraint('length("action") <= 100', name=op.f("ck_xp_logs_action_length")),
        sa.CheckConstraint(
            'length("description") <= 500', name=op.f("ck_xp_logs_description_length")
        ),
        sa.CheckConstraint('length("module") <= 50', name=op.f("ck_xp_logs_module_length")),
        sa.CheckConstraint('length("sourceId") <= 64', name=op.f("ck_xp_logs_sourceId_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_xp_logs_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_xp_logs")),
    )
    op.create_index("ix_xp_logs_userId_date", "xp_logs", ["userId", "date", "_id"], unique=False)
    op.create_index(
        "ix_xp_logs_userId_module", "xp_logs", ["userId", "module", "_id"], unique=False
    )
    op.create_index(
        "ix_xp_logs_userId_sourceId", "xp_logs", ["userId", "sourceId", "_id"], unique=False
    )
    for statement in FTS_UP[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in FTS_DOWN[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_xp_logs_userId_sourceId", table_name="xp_logs")
    op.drop_index("ix_xp_logs_userId_module", table_name="xp_logs")
    op.drop_index("ix_xp_logs_userId_date", table_name="xp_logs")

    op.drop_table("xp_logs")
    op.drop_index("ix_workouts_userId_type", table_name="workouts")
    op.drop_index("ix_workouts_userId_date", table_name="workouts")
    op.drop_index("ix_workouts_templateId", table_name="workouts")

    op.drop_table("workouts")
    op.drop_index("ix_textbooks_userId_uploadedAt", table_name="textbooks")
    op.drop_index("ix_textbooks_userId_subject", table_name="textbooks")

    op.drop_table("textbooks")
    op.drop_index("ix_study_sessions_userId_subject", table_name="study_sessions")
    op.drop_index("ix_study_sessions_userId_date", table_name="study_sessions")

    op.drop_table("study_sessions")
    op.drop_index("ix_study_goals_userId_targetDate", table_name="study_goals")
    op.drop_index("ix_study_goals_userId_status", table_name="study_goals")
    op.drop_index("ix_study_goals_userId_createdAt", table_name="study_goals")

    op.drop_table("study_goals")
    op.drop_index("ix_streaks_userId_streakType", table_name="streaks")

    op.drop_table("streaks")
    op.drop_index("ix_strategies_userId_uploadedAt", table_name="strategies")
    op.drop_index("ix_strategies_userId_category", table_name="strategies")

    op.drop_table("strategies")
    op.drop_index("ix_quizzes_userId_subject", table_name="quizzes")
    op.drop_index("ix_quizzes_userId_createdAt", table_name="quizzes")

    op.drop_table("quizzes")
    op.drop_index("ix_progress_photos_userId_date", table_name="progress_photos")
    op.drop_index("ix_progress_photos_userId_angle", table_name="progress_photos")

    op.drop_table("progress_photos")
    op.drop_index("ix_pmo_tracker_userId_date", table_name="pmo_tracker")

    op.drop_table("pmo_tracker")
    op.drop_index("ix_personal_records_userId_exercise", table_name="personal_records")
    op.drop_index("ix_personal_records_userId_date", table_name="personal_records")

    op.drop_table("personal_records")
    op.drop_index("ix_nutrition_goals_userId_date", table_name="nutrition_goals")

    op.drop_table("nutrition_goals")
    op.drop_index("ix_notes_userId_updatedAt", table_name="notes")
    op.drop_index("ix_notes_userId_subject", table_name="notes")
    op.drop_index("ix_notes_userId_isArchived", table_name="notes")
    op.drop_index("ix_notes_userId_createdAt", table_name="notes")

    op.drop_table("notes")
    op.drop_index("ix_memory_palaces_userId_createdAt", table_name="memory_palaces")

    op.drop_table("memory_palaces")
    op.drop_index("ix_measurements_userId_date", table_name="measurements")

    op.drop_table("measurements")
    op.drop_index("ix_meals_userId_date", table_name="meals")

    op.drop_table("meals")
    op.drop_index("ix_logic_puzzles_userId_date", table_name="logic_puzzles")

    op.drop_table("logic_puzzles")
    op.drop_index("ix_habit_stacks_userId_createdAt", table_name="habit_stacks")

    op.drop_table("habit_stacks")
    op.drop_index("ix_flashcards_userId_subject", table_name="flashcards")
    op.drop_index("ix_flashcards_userId_status", table_name="flashcards")
    op.drop_index("ix_flashcards_userId_nextReviewDate", table_name="flashcards")
    op.drop_index("ix_flashcards_userId_createdAt", table_name="flashcards")
    op.drop_index("ix_flashcards_sourceNoteId", table_name="flashcards")

    op.drop_table("flashcards")
    op.drop_index("ix_fitness_goals_userId_status", table_name="fitness_goals")
    op.drop_index("ix_fitness_goals_userId_deadline", table_name="fitness_goals")
    op.drop_index("ix_fitness_goals_userId_createdAt", table_name="fitness_goals")

    op.drop_table("fitness_goals")
    op.drop_index("ix_debate_sessions_userId_date", table_name="debate_sessions")

    op.drop_table("debate_sessions")
    op.drop_index("ix_daily_tasks_userId_date", table_name="daily_tasks")
    op.drop_index("ix_daily_tasks_userId_completed", table_name="daily_tasks")

    op.drop_table("daily_tasks")
    op.drop_index("ix_cube_times_userId_time", table_name="cube_times")
    op.drop_index("ix_cube_times_userId_sessionId", table_name="cube_times")
    op.drop_index("ix_cube_times_userId_date", table_name="cube_times")
    op.drop_index("ix_cube_times_userId_cubeType", table_name="cube_times")

    op.drop_table("cube_times")
    op.drop_index("ix_content_templates_userId_category", table_name="content_templates")

    op.drop_table("content_templates")
    op.drop_index("ix_content_items_userId_updatedAt", table_name="content_items")
    op.drop_index("ix_content_items_userId_status", table_name="content_items")
    op.drop_index("ix_content_items_userId_dueDate", table_name="content_items")

    op.drop_table("content_items")
    op.drop_index("ix_content_ideas_userId_createdAt", table_name="content_ideas")
    op.drop_index("ix_content_ideas_userId_category", table_name="content_ideas")

    op.drop_table("content_ideas")
    op.drop_index("ix_code_projects_userId_updatedAt", table_name="code_projects")
    op.drop_index("ix_code_projects_userId_language", table_name="code_projects")
    op.drop_index("ix_code_projects_isPublic_updatedAt", table_name="code_projects")

    op.drop_table("code_projects")
    op.drop_index("ix_chess_puzzles_userId_solved", table_name="chess_puzzles")
    op.drop_index("ix_chess_puzzles_userId_date", table_name="chess_puzzles")

    op.drop_table("chess_puzzles")
    op.drop_index("ix_badges_userId_earnedAt", table_name="badges")

    op.drop_table("badges")
    op.drop_index("ix_analytics_userId", table_name="analytics")
    op.drop_index("ix_analytics_timestamp", table_name="analytics")
    op.drop_index("ix_analytics_event", table_name="analytics")

    op.drop_table("analytics")
    op.drop_index("ix_ai_conversations_userId_updatedAt", table_name="ai_conversations")
    op.drop_index("ix_ai_conversations_userId_topic", table_name="ai_conversations")
    op.drop_index("ix_ai_conversations_userId_module", table_name="ai_conversations")
    op.drop_index("ix_ai_conversations_userId_createdAt", table_name="ai_conversations")

    op.drop_table("ai_conversations")
    op.drop_index("ix_ai_context_memory_userId_createdAt", table_name="ai_context_memory")
    op.drop_index("ix_ai_context_memory_userId_category", table_name="ai_context_memory")

    op.drop_table("ai_context_memory")
    op.drop_index("ix_stoic_quotes_theme", table_name="stoic_quotes")
    op.drop_index("ix_stoic_quotes_createdAt", table_name="stoic_quotes")
    op.drop_index("ix_stoic_quotes_author", table_name="stoic_quotes")

    op.drop_table("stoic_quotes")
    op.drop_index("ix_feature_flags_updatedAt", table_name="feature_flags")

    op.drop_table("feature_flags")
    op.drop_index("ix_change_log_userId_seq", table_name="change_log")
    op.drop_index("ix_change_log_committedAt", table_name="change_log")

    op.drop_table("change_log")
    op.drop_index("ix_admin_logs_timestamp", table_name="admin_logs")
    op.drop_index("ix_admin_logs_targetId", table_name="admin_logs")
    op.drop_index("ix_admin_logs_adminId", table_name="admin_logs")

    op.drop_table("admin_logs")
