"""Revision 0018 fills each user's food library from the meals they logged before it, as the
meals' hooks would have kept it, and recomputes the stored goals' percentages from their grams
(docs/fitness.md, "Nutrition")."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql

from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url

USERS = sa.table(
    "users", *(sa.column(n) for n in ("_id", "email", "name", "username")),
    sa.column("createdAt", sa.DateTime(timezone=True)),
)  # fmt: skip
MEALS = sa.table(
    "meals",
    *(sa.column(n) for n in ("_id", "userId", "mealType", "time", "totalCalories")),
    *(sa.column(n) for n in ("totalProtein", "totalCarbs", "totalFat")),
    sa.column("date", sa.Date),
    sa.column("foods", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def food(name: str, quantity: float, kcal: float) -> dict[str, object]:
    return {"name": name, "quantity": quantity, "unit": "g", "calories": kcal, "protein": 1.0,
            "carbs": 2.0, "fat": 3.0}  # fmt: skip


def test_the_library_is_filled_from_the_meals_already_logged(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0015")
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as connection:
                for user in ("u1", "u2"):
                    connection.execute(
                        USERS.insert(),
                        {"_id": user, "email": f"{user}@x.io", "name": user, "username": user,
                         "createdAt": datetime(2026, 1, 1, tzinfo=UTC)},
                    )  # fmt: skip
                meals = [
                    ("m1", "u1", date(2026, 1, 2), [food("Oats", 80, 300), food("Milk", 200, 120)]),
                    ("m2", "u1", date(2026, 1, 5), [food("oats ", 60, 225)]),
                    ("m3", "u2", date(2026, 1, 3), [food("Oats", 40, 150)]),
                ]
                connection.execute(
                    sa.text(
                        'INSERT INTO nutrition_goals ("_id", "userId", "date", "dailyCalories", '
                        '"proteinGrams", "carbsGrams", "fatsGrams", "proteinPercentage", '
                        "\"carbsPercentage\", \"fatsPercentage\") VALUES ('g', 'u1', "
                        "'2026-01-01', 1000, 150, 300, 80, 60, 100, 72)"
                    )
                )
                for meal_id, user, day, foods in meals:
                    connection.execute(
                        MEALS.insert(),
                        {"_id": meal_id, "userId": user, "date": day, "mealType": "breakfast",
                         "time": "08:00", "foods": foods, "totalCalories": 1, "totalProtein": 1,
                         "totalCarbs": 1, "totalFat": 1},
                    )  # fmt: skip
            migrations.upgrade(url, "0018")
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text(
                        'SELECT "userId", key, name, quantity, "timesLogged" FROM food_library '
                        'ORDER BY "userId", key'
                    )
                ).all()
                goal = connection.execute(
                    sa.text(
                        'SELECT "proteinPercentage", "carbsPercentage", "fatsPercentage", '
                        "warnings FROM nutrition_goals"
                    )
                ).one()
            migrations.downgrade(url, "0015")
        finally:
            engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("u1", "milk", "Milk", 200.0, 1),
        ("u1", "oats", "oats ", 60.0, 2),
        ("u2", "oats", "Oats", 40.0, 1),
    ]
    assert tuple(goal)[:3] == (23.8, 47.6, 28.6)  # the 60/100/72 % no more
    warnings = json.loads(goal[3]) if isinstance(goal[3], str) else goal[3]
    assert [w["field"] for w in warnings] == ["dailyCalories"]
