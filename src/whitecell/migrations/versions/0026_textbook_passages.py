"""textbook_passages: the text of each textbook's stored PDF, cut into passages, with its
full-text index (FTS5 on SQLite, a tsvector on PostgreSQL, as `core/search.fts_ddl` gives them at
this revision); `textbooks.indexedPages` and `indexTruncated` (docs/study.md, "Textbook text").

PDFs stored before this revision have no passages yet: `whitecell textbooks reindex` reads them
(their `indexedPages` stays null until then). Downgrade drops the passages and the two columns.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_SEARCH = (
    'CREATE VIRTUAL TABLE "textbook_passages_fts" USING fts5("userId", "text", '
    "content='textbook_passages', content_rowid='rowid', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    'CREATE TRIGGER "textbook_passages_fts_ai" AFTER INSERT ON "textbook_passages" BEGIN '
    'INSERT INTO "textbook_passages_fts"(rowid, "userId", "text") '
    'VALUES (new.rowid, new."userId", new."text"); END',
    'CREATE TRIGGER "textbook_passages_fts_ad" AFTER DELETE ON "textbook_passages" BEGIN '
    'INSERT INTO "textbook_passages_fts"("textbook_passages_fts", rowid, "userId", "text") '
    'VALUES (\'delete\', old.rowid, old."userId", old."text"); END',
    'CREATE TRIGGER "textbook_passages_fts_au" AFTER UPDATE ON "textbook_passages" BEGIN '
    'INSERT INTO "textbook_passages_fts"("textbook_passages_fts", rowid, "userId", "text") '
    'VALUES (\'delete\', old.rowid, old."userId", old."text"); '
    'INSERT INTO "textbook_passages_fts"(rowid, "userId", "text") '
    'VALUES (new.rowid, new."userId", new."text"); END',
    'INSERT INTO "textbook_passages_fts"("textbook_passages_fts") VALUES (\'rebuild\')',
)
SQLITE_SEARCH_DOWN = (
    'DROP TRIGGER "textbook_passages_fts_ai"',
    'DROP TRIGGER "textbook_passages_fts_ad"',
    'DROP TRIGGER "textbook_passages_fts_au"',
    'DROP TABLE "textbook_passages_fts"',
)
POSTGRES_SEARCH = (
    'ALTER TABLE "textbook_passages" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS '
    "(setweight(to_tsvector('english', coalesce(\"text\", '')), 'A')) STORED",
    'CREATE INDEX "ix_textbook_passages_searchVector" ON "textbook_passages" '
    'USING gin ("searchVector")',
)
POSTGRES_SEARCH_DOWN = (
    'DROP INDEX "ix_textbook_passages_searchVector"',
    'ALTER TABLE "textbook_passages" DROP COLUMN "searchVector"',
)
INDEXED_PAGES_CHECK = ("ck_textbooks_indexedPages_range", '"indexedPages" >= 0')


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(
        "textbook_passages",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("textbookId", sa.String(length=64), nullable=False),
        sa.Column("page", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.CheckConstraint(
            'length("textbookId") <= 64', name=op.f("ck_textbook_passages_textbookId_length")
        ),
        sa.CheckConstraint('"page" >= 1', name=op.f("ck_textbook_passages_page_range")),
        sa.CheckConstraint('"position" >= 0', name=op.f("ck_textbook_passages_position_range")),
        sa.CheckConstraint('length("text") <= 2000', name=op.f("ck_textbook_passages_text_length")),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_textbook_passages_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_textbook_passages")),
    )
    op.create_index(
        "ix_textbook_passages_userId_textbookId_position",
        "textbook_passages",
        ["userId", "textbookId", "position", "_id"],
        unique=False,
    )
    for statement in SQLITE_SEARCH if _sqlite() else POSTGRES_SEARCH:
        op.execute(statement)

    # Plain ADD COLUMN (a table rebuild would drop the textbooks' search triggers); SQLite adds
    # a CHECK only inside the column's own definition.
    name, condition = INDEXED_PAGES_CHECK
    if _sqlite():
        op.execute(
            f'ALTER TABLE textbooks ADD COLUMN "indexedPages" BIGINT '
            f'CONSTRAINT "{name}" CHECK ({condition})'
        )
    else:
        op.add_column("textbooks", sa.Column("indexedPages", sa.BigInteger(), nullable=True))
        op.create_check_constraint(op.f(name), "textbooks", condition)
    op.add_column(
        "textbooks",
        sa.Column("indexTruncated", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("textbooks", "indexTruncated")
    op.drop_column("textbooks", "indexedPages")  # and its CHECK
    for statement in SQLITE_SEARCH_DOWN if _sqlite() else POSTGRES_SEARCH_DOWN:
        op.execute(statement)
    op.drop_index("ix_textbook_passages_userId_textbookId_position", table_name="textbook_passages")
    op.drop_table("textbook_passages")
