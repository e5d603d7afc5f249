"""The local barcode cache (`food_products`): filled by `whitecell import openfoodfacts FILE`,
read by `GET /api/v1/meals/barcode/{code}` (docs/fitness.md, "Nutrition"). A lookup reads this
table only: no request ever waits on Open Food Facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.store import Store
from whitecell.core.transactions import Tx
from whitecell.fitness.openfoodfacts import TextSource, product_row, read_products
from whitecell.fitness.tables import FOOD_PRODUCTS

BATCH = 500  # products written per transaction: a crash loses at most one batch's progress
# A cached product per 100 g -> the food fields of a meal.
PER_100G = {
    "calories": "energyKcal100g",
    "protein": "proteins100g",
    "carbs": "carbohydrates100g",
    "fat": "fat100g",
    "fiber": "fiber100g",
}


async def cached_product(tx: Tx, code: str) -> dict[str, Any] | None:
    """The cached product whose normalised barcode is `code`, or None."""
    rows = await crud.select_documents(tx, FOOD_PRODUCTS.name, '"_id" = :code', {"code": code})
    return rows[0] if rows else None


def product_food(product: dict[str, Any]) -> dict[str, Any]:
    """A meal food for one serving of the product (its `servingQuantity` in g, else 100 g),
    the nutriments scaled from per 100 g; a nutriment the product lacks stays null."""
    grams = product.get("servingQuantity") or 100.0
    food: dict[str, Any] = {
        "name": product.get("name") or product["_id"],
        "quantity": grams,
        "unit": "g",
        "barcode": product["_id"],
    }
    for field, column in PER_100G.items():
        value = product.get(column)
        food[field] = round(value * grams / 100, 2) if value is not None else None
    return food


def _changed(stored: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "_id" and stored.get(k) != v}


async def _write_batch(tx: Tx, rows: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Insert the new products, update those that changed: (inserted, updated)."""
    names = {f"c{i}": code for i, code in enumerate(rows)}
    marks = ", ".join(f":{name}" for name in names)
    existing = {
        p["_id"]: p
        for p in await crud.select_documents(tx, FOOD_PRODUCTS.name, f'"_id" IN ({marks})', names)
    }
    now = isoformat_z(utcnow())
    inserted = updated = 0
    for code, row in rows.items():
        stored = existing.get(code)
        if stored is None:
            await crud.insert_server_row(tx, FOOD_PRODUCTS, {**row, "importedAt": now})
            inserted += 1
        elif changes := _changed(stored, row):
            await crud.update_server_row(tx, FOOD_PRODUCTS, stored, {**changes, "importedAt": now})
            updated += 1
    return inserted, updated


async def import_products(
    store: Store, stream: TextSource, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Upsert every product of an Open Food Facts JSON lines file or JSON array into the cache,
    streaming, `BATCH` products a transaction (the last of a barcode read wins): `{read,
    inserted, updated, unchanged, skipped}`, skipped being items without a usable barcode.
    Importing the same file again changes nothing. `progress(n)` hears of each product read."""
    counts = dict.fromkeys(("read", "inserted", "updated", "unchanged", "skipped"), 0)

    async def flush(batch: dict[str, dict[str, Any]]) -> None:
        async with store.write() as tx:
            inserted, updated = await _write_batch(tx, batch)
        counts["inserted"] += inserted
        counts["updated"] += updated
        counts["unchanged"] += len(batch) - inserted - updated

    batch: dict[str, dict[str, Any]] = {}
    for item in _rows(read_products(stream), counts, progress):
        batch[item["_id"]] = item
        if len(batch) >= BATCH:
            await flush(batch)
            batch = {}
    if batch:
        await flush(batch)
    return counts


def _rows(
    items: Iterable[Any], counts: dict[str, int], progress: Callable[[int], None] | None
) -> Iterable[dict[str, Any]]:
    for item in items:
        counts["read"] += 1
        if progress is not None:
            progress(1)
        row = product_row(item)
        if row is None:
            counts["skipped"] += 1
        else:
            yield row
