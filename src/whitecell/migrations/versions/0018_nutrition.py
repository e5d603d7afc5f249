"""The daily nutrition ledger: `food_library` (each user's foods logged before, kept by the
meals' hooks, and filled here from the meals already logged), `food_products` (the shared Open Food Facts barcode cache) and the nutrition
goals' `warnings` (docs/fitness.md, "Nutrition").

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:05:35
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whitecell.core.ids import new_id
from whitecell.fitness.nutrition import goal_checks

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "food_products",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("brands", sa.String(length=500), nullable=True),
        sa.Column("quantity", sa.String(length=200), nullable=True),
        sa.Column("servingSize", sa.String(length=200), nullable=True),
        sa.Column("servingQuantity", sa.Float(), nullable=True),
        sa.Column("nutritionDataPer", sa.String(length=20), nullable=True),
        sa.Column("nutriscoreGrade", sa.String(length=10), nullable=True),
        sa.Column("energyKcal100g", sa.Float(), nullable=True),
        sa.Column("proteins100g", sa.Float(), nullable=True),
        sa.Column("carbohydrates100g", sa.Float(), nullable=True),
        sa.Column("sugars100g", sa.Float(), nullable=True),
        sa.Column("fat100g", sa.Float(), nullable=True),
        sa.Column("saturatedFat100g", sa.Float(), nullable=True),
        sa.Column("fiber100g", sa.Float(), nullable=True),
        sa.Column("salt100g", sa.Float(), nullable=True),
        sa.Column("sodium100g", sa.Float(), nullable=True),
        sa.Column("alcohol100g", sa.Float(), nullable=True),
        sa.Column("importedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '"alcohol100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_alcohol100g_range")
        ),
        sa.CheckConstraint(
            '"carbohydrates100g" BETWEEN 0 AND 10000',
            name=op.f("ck_food_products_carbohydrates100g_range"),
        ),
        sa.CheckConstraint(
            '"energyKcal100g" BETWEEN 0 AND 100000',
            name=op.f("ck_food_products_energyKcal100g_range"),
        ),
        sa.CheckConstraint(
            '"fat100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_fat100g_range")
        ),
        sa.CheckConstraint(
            '"fiber100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_fiber100g_range")
        ),
        sa.CheckConstraint(
            '"proteins100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_proteins100g_range")
        ),
        sa.CheckConstraint(
            '"salt100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_salt100g_range")
        ),
        sa.CheckConstraint(
            '"saturatedFat100g" BETWEEN 0 AND 10000',
            name=op.f("ck_food_products_saturatedFat100g_range"),
        ),
        sa.CheckConstraint(
            '"servingQuantity" BETWEEN 0 AND 100000',
            name=op.f("ck_food_products_servingQuantity_range"),
        ),
        sa.CheckConstraint(
            '"sodium100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_sodium100g_range")
        ),
        sa.CheckConstraint(
            '"sugars100g" BETWEEN 0 AND 10000', name=op.f("ck_food_products_sugars100g_range")
        ),
        sa.CheckConstraint('length("brands") <= 500', name=op.f("ck_food_products_brands_length")),
        sa.CheckConstraint('length("name") <= 500', name=op.f("ck_food_products_name_length")),
        sa.CheckConstraint(
            'length("nutriscoreGrade") <= 10', name=op.f("ck_food_products_nutriscoreGrade_length")
        ),
        sa.CheckConstraint(
            'length("nutritionDataPer") <= 20',
            name=op.f("ck_food_products_nutritionDataPer_length"),
        ),
        sa.CheckConstraint(
            'length("quantity") <= 200', name=op.f("ck_food_products_quantity_length")
        ),
        sa.CheckConstraint(
            'length("servingSize") <= 200', name=op.f("ck_food_products_servingSize_length")
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_food_products")),
    )
    op.create_table(
        "food_library",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("calories", sa.Float(), nullable=False),
        sa.Column("protein", sa.Float(), nullable=False),
        sa.Column("carbs", sa.Float(), nullable=False),
        sa.Column("fat", sa.Float(), nullable=False),
        sa.Column("fiber", sa.Float(), nullable=True),
        sa.Column("barcode", sa.String(length=32), nullable=True),
        sa.Column("timesLogged", sa.BigInteger(), nullable=False),
        sa.Column("lastLoggedAt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('"calories" >= 0', name=op.f("ck_food_library_calories_range")),
        sa.CheckConstraint('"carbs" >= 0', name=op.f("ck_food_library_carbs_range")),
        sa.CheckConstraint('"fat" >= 0', name=op.f("ck_food_library_fat_range")),
        sa.CheckConstraint('"fiber" >= 0', name=op.f("ck_food_library_fiber_range")),
        sa.CheckConstraint('"protein" >= 0', name=op.f("ck_food_library_protein_range")),
        sa.CheckConstraint('"quantity" >= 0', name=op.f("ck_food_library_quantity_range")),
        sa.CheckConstraint('length("barcode") <= 32', name=op.f("ck_food_library_barcode_length")),
        sa.CheckConstraint('length("key") <= 300', name=op.f("ck_food_library_key_length")),
        sa.CheckConstraint('length("name") <= 300', name=op.f("ck_food_library_name_length")),
        sa.CheckConstraint('length("unit") <= 32', name=op.f("ck_food_library_unit_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_food_library_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_food_library")),
        sa.UniqueConstraint("userId", "key", name="uq_food_library_userId_key"),
    )
    op.create_index(
        "ix_food_library_userId_lastLoggedAt",
        "food_library",
        ["userId", "lastLoggedAt", "_id"],
        unique=False,
    )
    op.create_index(
        "ix_food_library_userId_timesLogged",
        "food_library",
        ["userId", "timesLogged", "_id"],
        unique=False,
    )

    with op.batch_alter_table("nutrition_goals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "warnings",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default=sa.text("'[]'"),
                nullable=False,
            )
        )

    _fill_food_library()
    _check_nutrition_goals()


# The library as the meals' hooks keep it (fitness/library.py), for the meals logged before it:
# one entry per food name (case and spacing aside), counted, with the portion of its latest meal.
PORTION = ("name", "quantity", "unit", "calories", "protein", "carbs", "fat", "fiber", "barcode")
BATCH = 1000


def _fill_food_library() -> None:
    meals = sa.table(
        "meals",
        sa.column("_id", sa.String),
        sa.column("userId", sa.String),
        sa.column("date", sa.Date),
        sa.column("foods", sa.JSON),
    )
    library = sa.table(
        "food_library",
        *(sa.column(name) for name in ("_id", "userId", "key", "timesLogged", *PORTION)),
        sa.column("lastLoggedAt", sa.DateTime(timezone=True)),
    )
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    query = sa.select(meals.c.userId, meals.c.date, meals.c.foods).order_by(
        meals.c.date, meals.c._id
    )
    for user, day, foods in op.get_bind().execute(query):
        for food in foods or []:
            key = " ".join(str(food.get("name") or "").split()).casefold()
            if not key or food.get("calories") is None:
                continue
            entry = entries.setdefault((user, key), {"_id": new_id(), "timesLogged": 0})
            entry.update({name: food.get(name) for name in PORTION})
            entry.update(userId=user, key=key, timesLogged=entry["timesLogged"] + 1)
            entry["lastLoggedAt"] = datetime.combine(day, time(), UTC)
    rows = list(entries.values())
    for start in range(0, len(rows), BATCH):
        op.get_bind().execute(library.insert(), rows[start : start + BATCH])


def _check_nutrition_goals() -> None:
    """The stored goals' percentages as shares of their grams' energy (they were shares of
    `dailyCalories`, capped at 100), and their warnings."""
    goals = sa.table(
        "nutrition_goals",
        *(sa.column(n) for n in ("_id", "dailyCalories", "proteinGrams", "carbsGrams")),
        *(sa.column(n) for n in ("fatsGrams", "proteinPercentage", "carbsPercentage")),
        sa.column("fatsPercentage"),
        sa.column("warnings", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    )
    bind = op.get_bind()
    query = sa.select(
        goals.c._id,
        goals.c.dailyCalories,
        goals.c.proteinGrams,
        goals.c.carbsGrams,
        goals.c.fatsGrams,
    )
    for row in bind.execute(query).mappings().all():
        checked = goal_checks(dict(row))
        bind.execute(goals.update().where(goals.c._id == row["_id"]).values(**checked))


def downgrade() -> None:
    with op.batch_alter_table("nutrition_goals") as batch:
        batch.drop_column("warnings")
    op.drop_index("ix_food_library_userId_timesLogged", table_name="food_library")
    op.drop_index("ix_food_library_userId_lastLoggedAt", table_name="food_library")
    op.drop_table("food_library")
    op.drop_table("food_products")
