"""Cubing (docs/mind.md, "Cubing"): each solve's served scramble (`scrambleId`,
`scrambleVerified`), the order `order=time` follows (`sortTime`, filled here for the solves
already stored: a DNF after every finished time), csTimer imports (`importSource`, `importKey`,
one per user and key), an index of one user's solves by cube type and date; the served scrambles
(`cube_scrambles`) and the running statistics kept beside the solves (`cube_stats`, built again
from the solves when missing).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
CUBE_TYPES = "\"cubeType\" IN ('2x2', '3x3', '4x4', 'pyraminx')"
DNF_SORT_TIME = 1_000_000_000  # whitecell.mind.cubing.solves.DNF_SORT_TIME


def upgrade() -> None:
    with op.batch_alter_table("cube_times") as batch:
        batch.add_column(sa.Column("scrambleId", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column(
                "scrambleVerified", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )
        batch.add_column(sa.Column("sortTime", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("importSource", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("importKey", sa.String(length=64), nullable=True))
    op.execute(
        f'UPDATE cube_times SET "sortTime" = CASE WHEN dnf THEN {DNF_SORT_TIME} '
        'ELSE "time" + CASE WHEN "plusTwo" THEN 2000 ELSE 0 END END'
    )
    with op.batch_alter_table("cube_times") as batch:
        batch.alter_column("sortTime", existing_type=sa.BigInteger(), nullable=False)
        batch.create_check_constraint(op.f("ck_cube_times_sortTime_range"), '"sortTime" >= 0')
        batch.create_check_constraint(
            op.f("ck_cube_times_importSource_enum"), "\"importSource\" IN ('cstimer')"
        )
        batch.create_check_constraint(
            op.f("ck_cube_times_importKey_length"), 'length("importKey") <= 64'
        )
        batch.create_unique_constraint(
            op.f("uq_cube_times_userId_importKey"), ["userId", "importKey"]
        )
        batch.create_index("ix_cube_times_userId_sortTime", ["userId", "sortTime", "_id"])
        batch.create_index(
            "ix_cube_times_userId_cubeType_date", ["userId", "cubeType", "date", "_id"]
        )

    op.create_table(
        "cube_scrambles",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("cubeType", sa.String(length=8), nullable=False),
        sa.Column("scramble", sa.String(length=500), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("servedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("solveId", sa.String(length=64), nullable=True),
        sa.CheckConstraint(CUBE_TYPES, name=op.f("ck_cube_scrambles_cubeType_enum")),
        sa.CheckConstraint(
            'length("scramble") <= 500', name=op.f("ck_cube_scrambles_scramble_length")
        ),
        sa.CheckConstraint(
            "\"method\" IN ('random-state', 'random-moves')",
            name=op.f("ck_cube_scrambles_method_enum"),
        ),
        sa.CheckConstraint(
            'length("solveId") <= 64', name=op.f("ck_cube_scrambles_solveId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_cube_scrambles_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_cube_scrambles")),
    )
    op.create_index(
        "ix_cube_scrambles_userId_servedAt", "cube_scrambles", ["userId", "servedAt", "_id"]
    )
    op.create_index(
        "ix_cube_scrambles_userId_usedAt_servedAt",
        "cube_scrambles",
        ["userId", "usedAt", "servedAt", "_id"],
    )

    op.create_table(
        "cube_stats",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("cubeType", sa.String(length=8), nullable=False),
        sa.Column("sessionKey", sa.String(length=80), nullable=False),
        sa.Column("tally", JSON, nullable=False),
        sa.CheckConstraint(CUBE_TYPES, name=op.f("ck_cube_stats_cubeType_enum")),
        sa.CheckConstraint(
            'length("sessionKey") <= 80', name=op.f("ck_cube_stats_sessionKey_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_cube_stats_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_cube_stats")),
        sa.UniqueConstraint(
            "userId",
            "cubeType",
            "sessionKey",
            name=op.f("uq_cube_stats_userId_cubeType_sessionKey"),
        ),
    )


def downgrade() -> None:
    op.drop_table("cube_stats")
    op.drop_index("ix_cube_scrambles_userId_usedAt_servedAt", table_name="cube_scrambles")
    op.drop_index("ix_cube_scrambles_userId_servedAt", table_name="cube_scrambles")
    op.drop_table("cube_scrambles")
    with op.batch_alter_table("cube_times") as batch:
        batch.drop_index("ix_cube_times_userId_cubeType_date")
        batch.drop_index("ix_cube_times_userId_sortTime")
        batch.drop_constraint(op.f("uq_cube_times_userId_importKey"), type_="unique")
        batch.drop_constraint(op.f("ck_cube_times_importKey_length"), type_="check")
        batch.drop_constraint(op.f("ck_cube_times_importSource_enum"), type_="check")
        batch.drop_constraint(op.f("ck_cube_times_sortTime_range"), type_="check")
        batch.drop_column("importKey")
        batch.drop_column("importSource")
        batch.drop_column("sortTime")
        batch.drop_column("scrambleVerified")
        batch.drop_column("scrambleId")
