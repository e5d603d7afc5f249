"""Study sessions timed by the server: when a started session began and ended.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("study_sessions", sa.Column("startedAt", sa.DateTime(timezone=True)))
    op.add_column("study_sessions", sa.Column("endedAt", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("study_sessions", "endedAt")
    op.drop_column("study_sessions", "startedAt")
