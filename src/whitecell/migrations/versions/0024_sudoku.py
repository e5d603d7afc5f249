"""Sudoku served and checked by the server (docs/mind.md, "Sudoku"): a logic puzzle's `givens`
(the grid served), `grid` (the last grid the player sent), `solvedAt` (when the server checked
it solved) and its `solution`, which never leaves the server. Rows written before stay as they
were, with these null: they earn no XP and count toward no badge.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRIDS = ("givens", "grid", "solution")


def upgrade() -> None:
    with op.batch_alter_table("logic_puzzles") as batch:
        for name in GRIDS:
            batch.add_column(sa.Column(name, sa.String(length=81), nullable=True))
            batch.create_check_constraint(
                op.f(f"ck_logic_puzzles_{name}_length"), f'length("{name}") <= 81'
            )
        batch.add_column(sa.Column("solvedAt", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("logic_puzzles") as batch:
        batch.drop_column("solvedAt")
        for name in reversed(GRIDS):
            batch.drop_constraint(op.f(f"ck_logic_puzzles_{name}_length"), type_="check")
            batch.drop_column(name)
