"""SQLite search indexes of owned tables lead with `userId`, so a user's search is narrowed to
their own rows inside the index (whitecell.core.search.fts_columns). PostgreSQL is unchanged: its
GIN index already combines with the owner index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 02:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out so this revision never changes with the code.
PER_USER_UP = [
    'CREATE VIRTUAL TABLE "notes_fts" USING fts5("userId", "title", "subject", "content", content=\'notes\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "notes_fts_ai" AFTER INSERT ON "notes" BEGIN INSERT INTO "notes_fts"(rowid, "userId", "title", "subject", "content") VALUES (new.rowid, new."userId", new."title", new."subject", new."content"); END',
    'CREATE TRIGGER "notes_fts_ad" AFTER DELETE ON "notes" BEGIN INSERT INTO "notes_fts"("notes_fts", rowid, "userId", "title", "subject", "content") VALUES (\'delete\', old.rowid, old."userId", old."title", old."subject", old."content"); END',
    'CREATE TRIGGER "notes_fts_au" AFTER UPDATE ON "notes" BEGIN INSERT INTO "notes_fts"("notes_fts", rowid, "userId", "title", "subject", "content") VALUES (\'delete\', old.rowid, old."userId", old."title", old."subject", old."content"); INSERT INTO "notes_fts"(rowid, "userId", "title", "subject", "content") VALUES (new.rowid, new."userId", new."title", new."subject", new."content"); END',
    'INSERT INTO "notes_fts"("notes_fts") VALUES (\'rebuild\')',
    'CREATE VIRTUAL TABLE "textbooks_fts" USING fts5("userId", "title", "author", "subject", content=\'textbooks\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "textbooks_fts_ai" AFTER INSERT ON "textbooks" BEGIN INSERT INTO "textbooks_fts"(rowid, "userId", "title", "author", "subject") VALUES (new.rowid, new."userId", new."title", new."author", new."subject"); END',
    'CREATE TRIGGER "textbooks_fts_ad" AFTER DELETE ON "textbooks" BEGIN INSERT INTO "textbooks_fts"("textbooks_fts", rowid, "userId", "title", "author", "subject") VALUES (\'delete\', old.rowid, old."userId", old."title", old."author", old."subject"); END',
    'CREATE TRIGGER "textbooks_fts_au" AFTER UPDATE ON "textbooks" BEGIN INSERT INTO "textbooks_fts"("textbooks_fts", rowid, "userId", "title", "author", "subject") VALUES (\'delete\', old.rowid, old."userId", old."title", old."author", old."subject"); INSERT INTO "textbooks_fts"(rowid, "userId", "title", "author", "subject") VALUES (new.rowid, new."userId", new."title", new."author", new."subject"); END',
    'INSERT INTO "textbooks_fts"("textbooks_fts") VALUES (\'rebuild\')',
    'CREATE VIRTUAL TABLE "code_projects_fts" USING fts5("userId", "title", "language", "description", content=\'code_projects\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "code_projects_fts_ai" AFTER INSERT ON "code_projects" BEGIN INSERT INTO "code_projects_fts"(rowid, "userId", "title", "language", "description") VALUES (new.rowid, new."userId", new."title", new."language", new."description"); END',
    'CREATE TRIGGER "code_projects_fts_ad" AFTER DELETE ON "code_projects" BEGIN INSERT INTO "code_projects_fts"("code_projects_fts", rowid, "userId", "title", "language", "description") VALUES (\'delete\', old.rowid, old."userId", old."title", old."language", old."description"); END',
    'CREATE TRIGGER "code_projects_fts_au" AFTER UPDATE ON "code_projects" BEGIN INSERT INTO "code_projects_fts"("code_projects_fts", rowid, "userId", "title", "language", "description") VALUES (\'delete\', old.rowid, old."userId", old."title", old."language", old."description"); INSERT INTO "code_projects_fts"(rowid, "userId", "title", "language", "description") VALUES (new.rowid, new."userId", new."title", new."language", new."description"); END',
    'INSERT INTO "code_projects_fts"("code_projects_fts") VALUES (\'rebuild\')',
    'CREATE VIRTUAL TABLE "strategies_fts" USING fts5("userId", "title", "category", "description", content=\'strategies\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "strategies_fts_ai" AFTER INSERT ON "strategies" BEGIN INSERT INTO "strategies_fts"(rowid, "userId", "title", "category", "description") VALUES (new.rowid, new."userId", new."title", new."category", new."description"); END',
    'CREATE TRIGGER "strategies_fts_ad" AFTER DELETE ON "strategies" BEGIN INSERT INTO "strategies_fts"("strategies_fts", rowid, "userId", "title", "category", "description") VALUES (\'delete\', old.rowid, old."userId", old."title", old."category", old."description"); END',
    'CREATE TRIGGER "strategies_fts_au" AFTER UPDATE ON "strategies" BEGIN INSERT INTO "strategies_fts"("strategies_fts", rowid, "userId", "title", "category", "description") VALUES (\'delete\', old.rowid, old."userId", old."title", old."category", old."description"); INSERT INTO "strategies_fts"(rowid, "userId", "title", "category", "description") VALUES (new.rowid, new."userId", new."title", new."category", new."description"); END',
    'INSERT INTO "strategies_fts"("strategies_fts") VALUES (\'rebuild\')',
]
PER_USER_DOWN = [
    'DROP TRIGGER "notes_fts_ai"',
    'DROP TRIGGER "notes_fts_ad"',
    'DROP TRIGGER "notes_fts_au"',
    'DROP TABLE "notes_fts"',
    'DROP TRIGGER "textbooks_fts_ai"',
    'DROP TRIGGER "textbooks_fts_ad"',
    'DROP TRIGGER "textbooks_fts_au"',
    'DROP TABLE "textbooks_fts"',
    'DROP TRIGGER "code_projects_fts_ai"',
    'DROP TRIGGER "code_projects_fts_ad"',
    'DROP TRIGGER "code_projects_fts_au"',
    'DROP TABLE "code_projects_fts"',
    'DROP TRIGGER "strategies_fts_ai"',
    'DROP TRIGGER "strategies_fts_ad"',
    'DROP TRIGGER "strategies_fts_au"',
    'DROP TABLE "strategies_fts"',
]
SHARED_UP = [
    'CREATE VIRTUAL TABLE "notes_fts" USING fts5("title", "subject", "content", content=\'notes\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "notes_fts_ai" AFTER INSERT ON "notes" BEGIN INSERT INTO "notes_fts"(rowid, "title", "subject", "content") VALUES (new.rowid, new."title", new."subject", new."content"); END',
    'CREATE TRIGGER "notes_fts_ad" AFTER DELETE ON "notes" BEGIN INSERT INTO "notes_fts"("notes_fts", rowid, "title", "subject", "content") VALUES (\'delete\', old.rowid, old."title", old."subject", old."content"); END',
    'CREATE TRIGGER "notes_fts_au" AFTER UPDATE ON "notes" BEGIN INSERT INTO "notes_fts"("notes_fts", rowid, "title", "subject", "content") VALUES (\'delete\', old.rowid, old."title", old."subject", old."content"); INSERT INTO "notes_fts"(rowid, "title", "subject", "content") VALUES (new.rowid, new."title", new."subject", new."content"); END',
    'INSERT INTO "notes_fts"("notes_fts") VALUES (\'rebuild\')',
    'CREATE VIRTUAL TABLE "textbooks_fts" USING fts5("title", "author", "subject", content=\'textbooks\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "textbooks_fts_ai" AFTER INSERT ON "textbooks" BEGIN INSERT INTO "textbooks_fts"(rowid, "title", "author", "subject") VALUES (new.rowid, new."title", new."author", new."subject"); END',
    'CREATE TRIGGER "textbooks_fts_ad" AFTER DELETE ON "textbooks" BEGIN INSERT INTO "textbooks_fts"("textbooks_fts", rowid, "title", "author", "subject") VALUES (\'delete\', old.rowid, old."title", old."author", old."subject"); END',
    'CREATE TRIGGER "textbooks_fts_au" AFTER UPDATE ON "textbooks" BEGIN INSERT INTO "textbooks_fts"("textbooks_fts", rowid, "title", "author", "subject") VALUES (\'delete\', old.rowid, old."title", old."author", old."subject"); INSERT INTO "textbooks_fts"(rowid, "title", "author", "subject") VALUES (new.rowid, new."title", new."author", new."subject"); END',
    'INSERT INTO "textbooks_fts"("textbooks_fts") VALUES (\'rebuild\')',
    'CREATE VIRTUAL TABLE "code_projects_fts" USING fts5("title", "language", "description", content=\'code_projects\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "code_projects_fts_ai" AFTER INSERT ON "code_projects" BEGIN INSERT INTO "code_projects_fts"(rowid, "title", "language", "description") VALUES (new.rowid, new."title", new."language", new."description"); END',
    'CREATE TRIGGER "code_projects_fts_ad" AFTER DELETE ON "code_projects" BEGIN INSERT INTO "code_projects_fts"("code_projects_fts", rowid, "title", "language", "description") VALUES (\'delete\', old.rowid, old."title", old."language", old."description"); END',
    'CREATE TRIGGER "code_projects_fts_au" AFTER UPDATE ON "code_projects" BEGIN INSERT INTO "code_projects_fts"("code_projects_fts", rowid, "title", "language", "description") VALUES (\'delete\', old.rowid, old."title", old."language", old."description"); INSERT INTO "code_projects_fts"(rowid, "title", "language", "description") VALUES (new.rowid, new."title", new."language", new."description"); END',
    'INSERT INTO "code_projects_fts"("code_projects_fts") VALUES (\'rebuild\')',
    'CREATE VIRTUAL TABLE "strategies_fts" USING fts5("title", "category", "description", content=\'strategies\', content_rowid=\'rowid\', tokenize=\'porter unicode61 remove_diacritics 2\')',
    'CREATE TRIGGER "strategies_fts_ai" AFTER INSERT ON "strategies" BEGIN INSERT INTO "strategies_fts"(rowid, "title", "category", "description") VALUES (new.rowid, new."title", new."category", new."description"); END',
    'CREATE TRIGGER "strategies_fts_ad" AFTER DELETE ON "strategies" BEGIN INSERT INTO "strategies_fts"("strategies_fts", rowid, "title", "category", "description") VALUES (\'delete\', old.rowid, old."title", old."category", old."description"); END',
    'CREATE TRIGGER "strategies_fts_au" AFTER UPDATE ON "strategies" BEGIN INSERT INTO "strategies_fts"("strategies_fts", rowid, "title", "category", "description") VALUES (\'delete\', old.rowid, old."title", old."category", old."description"); INSERT INTO "strategies_fts"(rowid, "title", "category", "description") VALUES (new.rowid, new."title", new."category", new."description"); END',
    'INSERT INTO "strategies_fts"("strategies_fts") VALUES (\'rebuild\')',
]
SHARED_DOWN = [
    'DROP TRIGGER "notes_fts_ai"',
    'DROP TRIGGER "notes_fts_ad"',
    'DROP TRIGGER "notes_fts_au"',
    'DROP TABLE "notes_fts"',
    'DROP TRIGGER "textbooks_fts_ai"',
    'DROP TRIGGER "textbooks_fts_ad"',
    'DROP TRIGGER "textbooks_fts_au"',
    'DROP TABLE "textbooks_fts"',
    'DROP TRIGGER "code_projects_fts_ai"',
    'DROP TRIGGER "code_projects_fts_ad"',
    'DROP TRIGGER "code_projects_fts_au"',
    'DROP TABLE "code_projects_fts"',
    'DROP TRIGGER "strategies_fts_ai"',
    'DROP TRIGGER "strategies_fts_ad"',
    'DROP TRIGGER "strategies_fts_au"',
    'DROP TABLE "strategies_fts"',
]


def _run(statements: list[str]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(SHARED_DOWN + PER_USER_UP)


def downgrade() -> None:
    _run(PER_USER_DOWN + SHARED_UP)
