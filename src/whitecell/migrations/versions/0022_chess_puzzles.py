"""Chess puzzles played move by move (docs/mind.md, "Chess puzzles"): the puzzle catalogue, filled
here with the Lichess sample shipped in the package (CC0), attempts, each user's Glicko-2 puzzle
rating, and `chess_puzzles.ratingAfter` with an index to find a user's rows of one puzzle.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whitecell.mind.puzzles.catalogue import SAMPLE
from whitecell.mind.puzzles.lichess import Counts, read_puzzles

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 500


def upgrade() -> None:
    op.create_table(
        "chess_puzzle_catalogue",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("fen", sa.String(length=100), nullable=False),
        sa.Column("moves", sa.String(length=1000), nullable=False),
        sa.Column("rating", sa.BigInteger(), nullable=False),
        sa.Column("ratingDeviation", sa.BigInteger(), nullable=False),
        sa.Column("popularity", sa.BigInteger(), nullable=False),
        sa.Column("nbPlays", sa.BigInteger(), nullable=False),
        sa.Column("themes", JSON, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("gameUrl", sa.String(length=200), nullable=True),
        sa.Column("openingTags", JSON, server_default=sa.text("'[]'"), nullable=False),
        sa.CheckConstraint('"nbPlays" >= 0', name=op.f("ck_chess_puzzle_catalogue_nbPlays_range")),
        sa.CheckConstraint(
            '"popularity" BETWEEN -100 AND 100',
            name=op.f("ck_chess_puzzle_catalogue_popularity_range"),
        ),
        sa.CheckConstraint(
            '"rating" BETWEEN 0 AND 4000', name=op.f("ck_chess_puzzle_catalogue_rating_range")
        ),
        sa.CheckConstraint(
            '"ratingDeviation" BETWEEN 0 AND 1000',
            name=op.f("ck_chess_puzzle_catalogue_ratingDeviation_range"),
        ),
        sa.CheckConstraint(
            'length("fen") <= 100', name=op.f("ck_chess_puzzle_catalogue_fen_length")
        ),
        sa.CheckConstraint(
            'length("gameUrl") <= 200', name=op.f("ck_chess_puzzle_catalogue_gameUrl_length")
        ),
        sa.CheckConstraint(
            'length("moves") <= 1000', name=op.f("ck_chess_puzzle_catalogue_moves_length")
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_chess_puzzle_catalogue")),
    )
    op.create_index(
        "ix_chess_puzzle_catalogue_rating",
        "chess_puzzle_catalogue",
        ["rating", "_id"],
        unique=False,
    )
    op.create_table(
        "chess_puzzle_attempts",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("puzzleId", sa.String(length=16), nullable=False),
        sa.Column("fen", sa.String(length=100), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("played", JSON, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("status", sa.String(length=6), nullable=False),
        sa.Column("hintUsed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("difficulty", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.String(length=1000), nullable=True),
        sa.Column("startedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finishedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resultId", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            '"difficulty" BETWEEN 0 AND 4000',
            name=op.f("ck_chess_puzzle_attempts_difficulty_range"),
        ),
        sa.CheckConstraint(
            "\"side\" IN ('white', 'black')", name=op.f("ck_chess_puzzle_attempts_side_enum")
        ),
        sa.CheckConstraint(
            "\"status\" IN ('open', 'solved', 'failed')",
            name=op.f("ck_chess_puzzle_attempts_status_enum"),
        ),
        sa.CheckConstraint(
            'length("fen") <= 100', name=op.f("ck_chess_puzzle_attempts_fen_length")
        ),
        sa.CheckConstraint(
            'length("line") <= 1000', name=op.f("ck_chess_puzzle_attempts_line_length")
        ),
        sa.CheckConstraint(
            'length("puzzleId") <= 16', name=op.f("ck_chess_puzzle_attempts_puzzleId_length")
        ),
        sa.CheckConstraint(
            'length("resultId") <= 64', name=op.f("ck_chess_puzzle_attempts_resultId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_chess_puzzle_attempts_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_chess_puzzle_attempts")),
    )
    op.create_index(
        "ix_chess_puzzle_attempts_userId_startedAt",
        "chess_puzzle_attempts",
        ["userId", "startedAt", "_id"],
        unique=False,
    )
    op.create_table(
        "chess_puzzle_ratings",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.Float(), nullable=False),
        sa.Column("deviation", sa.Float(), nullable=False),
        sa.Column("volatility", sa.Float(), nullable=False),
        sa.Column("games", sa.BigInteger(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '"deviation" BETWEEN 0 AND 1000', name=op.f("ck_chess_puzzle_ratings_deviation_range")
        ),
        sa.CheckConstraint('"games" >= 0', name=op.f("ck_chess_puzzle_ratings_games_range")),
        sa.CheckConstraint(
            '"rating" BETWEEN 0 AND 4000', name=op.f("ck_chess_puzzle_ratings_rating_range")
        ),
        sa.CheckConstraint(
            '"volatility" BETWEEN 0 AND 10', name=op.f("ck_chess_puzzle_ratings_volatility_range")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_chess_puzzle_ratings_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_chess_puzzle_ratings")),
        sa.UniqueConstraint("userId", name="uq_chess_puzzle_ratings_userId"),
    )
    op.add_column("chess_puzzles", sa.Column("ratingAfter", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_chess_puzzles_userId_lichessPuzzleId",
        "chess_puzzles",
        ["userId", "lichessPuzzleId", "_id"],
        unique=False,
    )
    _load_sample()


def _load_sample() -> None:
    """The Lichess sample shipped in the package, so a new install has puzzles to play (the
    same reader as `whitecell import lichess-puzzles`, which finds them all unchanged)."""
    catalogue = sa.table(
        "chess_puzzle_catalogue",
        *(sa.column(n) for n in ("_id", "fen", "moves", "rating", "ratingDeviation")),
        *(sa.column(n) for n in ("popularity", "nbPlays", "gameUrl")),
        sa.column("themes", JSON),
        sa.column("openingTags", JSON),
    )
    batch: list[dict[str, object]] = []
    with SAMPLE.open(encoding="utf-8", newline="") as lines:
        for row in read_puzzles(lines, Counts()):
            batch.append(row)
            if len(batch) == BATCH:
                op.get_bind().execute(catalogue.insert(), batch)
                batch = []
    if batch:
        op.get_bind().execute(catalogue.insert(), batch)


def downgrade() -> None:
    op.drop_index("ix_chess_puzzles_userId_lichessPuzzleId", table_name="chess_puzzles")
    op.drop_column("chess_puzzles", "ratingAfter")
    op.drop_table("chess_puzzle_ratings")
    op.drop_index("ix_chess_puzzle_attempts_userId_startedAt", table_name="chess_puzzle_attempts")
    op.drop_table("chess_puzzle_attempts")
    op.drop_index("ix_chess_puzzle_catalogue_rating", table_name="chess_puzzle_catalogue")
    op.drop_table("chess_puzzle_catalogue")
