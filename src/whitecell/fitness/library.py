"""A user's food library: every food they logged in a meal, once, with how often and the portion
they last logged (docs/fitness.md, "Nutrition"). Kept by the meals' compute and delete hooks in
the meal's own transaction, so reading it never goes through the meals themselves; offered
again by `GET /api/v1/meals/foods`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.tables import Table
from whitecell.core.transactions import Tx

# The food's fields a library entry remembers from the last time it was logged.
PORTION = ("name", "quantity", "unit", "calories", "protein", "carbs", "fat", "fiber", "barcode")


def food_key(name: str) -> str:
    """One library entry per food name, whatever its case and spacing."""
    return " ".join(name.split()).casefold()


def _count(foods: Iterable[Mapping[str, Any]]) -> Counter[str]:
    return Counter(food_key(f["name"]) for f in foods)


async def remember_foods(
    tx: Tx,
    library: Table,
    user_id: str,
    foods: list[dict[str, Any]],
    previous: list[dict[str, Any]] | None,
) -> None:
    """Count a meal's `foods` in the user's library (less the `previous` foods of a changed
    meal): each entry's count moves by the difference, its portion becomes the one just logged
    (the last food of that name in the meal), and an entry counted down to 0 goes."""
    delta = _count(foods)
    delta.subtract(_count(previous or []))
    latest = {food_key(f["name"]): f for f in foods}
    now = isoformat_z(utcnow())
    for key in sorted(set(delta) | set(latest)):  # a fixed order: concurrent meals lock alike
        step = delta[key]
        portion = {name: latest[key].get(name) for name in PORTION} if key in latest else {}
        if portion:
            portion["lastLoggedAt"] = now
        if step > 0:
            row = {"key": key, "timesLogged": step, **portion}
            stored = await crud.insert_server_row_once(
                tx, library, {"userId": user_id, **row}, unique=("userId", "key")
            )
            if stored is not None:
                continue
        if step or portion:
            await crud.update_server_rows(
                tx,
                library,
                '"userId" = :me AND "key" = :key',
                {"me": user_id, "key": key},
                portion,
                increments={"timesLogged": step} if step else None,
            )
    if any(step < 0 for step in delta.values()):
        await crud.delete_server_rows(
            tx, library, '"userId" = :me AND "timesLogged" <= 0', {"me": user_id}
        )


async def forget_foods(tx: Tx, library: Table, meal: dict[str, Any]) -> None:
    """A deleted meal's foods counted out of its owner's library."""
    await remember_foods(tx, library, meal["userId"], [], meal.get("foods") or [])
