"""The coach answers debates (docs/ai.md, "Debate"): `debate_sessions.aiCounterargument` is
written by the server (empty until it has answered), with the additions `aiReply` (its answer
to the user's rebuttal) and `aiModel` (`offline`, or the model).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("debate_sessions", recreate="auto") as batch:
        batch.add_column(sa.Column("aiReply", sa.String(length=20000), nullable=True))
        batch.add_column(sa.Column("aiModel", sa.String(length=200), nullable=True))
        batch.alter_column(
            "aiCounterargument",
            existing_type=sa.String(length=20000),
            server_default="",
            existing_nullable=False,
        )
        batch.create_check_constraint(
            "ck_debate_sessions_aiReply_length", 'length("aiReply") <= 20000'
        )
        batch.create_check_constraint(
            "ck_debate_sessions_aiModel_length", 'length("aiModel") <= 200'
        )


def downgrade() -> None:
    with op.batch_alter_table("debate_sessions", recreate="auto") as batch:
        batch.drop_constraint("ck_debate_sessions_aiModel_length", type_="check")
        batch.drop_constraint("ck_debate_sessions_aiReply_length", type_="check")
        batch.alter_column(
            "aiCounterargument",
            existing_type=sa.String(length=20000),
            server_default=None,
            existing_nullable=False,
        )
        batch.drop_column("aiModel")
        batch.drop_column("aiReply")
