"""The local barcode cache: filled by `whitecell import openfoodfacts` from Open Food Facts v2
products (JSON lines or an array), read by any signed-in user, written by nobody through the API
(docs/fitness.md, "Nutrition")."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.support import Api
from whitecell.cli.main import cli
from whitecell.fitness.products import import_products

# Written from the v2 schema (product_nutrition.yaml, get_product_by_barcode_base.yaml), not from
# our own reader: a UPC-A code, a kJ-only product, strings where numbers belong.
PEANUT_BUTTER = {
    "code": "034000470693",
    "product_name": "Creamy peanut butter",
    "brands": "Reese's",
    "quantity": "510 g",
    "serving_size": "2 tbsp (32 g)",
    "serving_quantity": 32,
    "nutrition_data_per": "100g",
    "nutriscore_grade": "d",
    "nutriments": {
        "energy-kcal_100g": 594,
        "energy-kj_100g": 2485,
        "energy_100g": 2485,
        "proteins_100g": 21.9,
        "carbohydrates_100g": 21.9,
        "sugars_100g": 9.4,
        "fat_100g": 50,
        "saturated-fat_100g": 10,
        "fiber_100g": 6.2,
        "salt_100g": 1.1,
        "sodium_100g": 0.44,
    },
}
OLD_RECORD = {
    "code": "3017620422003",
    "product_name": "Nutella",
    "nutriments": {"energy_100g": "2252", "proteins_100g": "6.3", "fat_100g": "30,9"},
}
NO_CODE = {"product_name": "Loose apples"}


def jsonl(*items: dict[str, Any]) -> str:
    return "\n".join(json.dumps(i) for i in items) + "\n"


async def test_a_scanned_barcode_is_answered_from_the_cache_as_a_food(api: Api) -> None:
    counts = await import_products(
        api.context.store, io.StringIO(jsonl(PEANUT_BUTTER, OLD_RECORD, NO_CODE))
    )
    assert counts == {"read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "skipped": 1}
    found = await api.get(api.b, "meals/barcode/034000470693")
    assert found.status_code == 200
    product, food = found.json()["product"], found.json()["food"]
    assert (product["_id"], product["name"], product["energyKcal100g"]) == (
        "0034000470693",
        "Creamy peanut butter",
        594.0,
    )
    assert food == {
        "name": "Creamy peanut butter",
        "quantity": 32.0,
        "unit": "g",
        "barcode": "0034000470693",
        "calories": 190.08,
        "protein": 7.01,
        "carbs": 7.01,
        "fat": 16.0,
        "fiber": 1.98,
    }
    # The same product by its EAN-13 spelling, and a kJ-only product in kcal per 100 g.
    assert (await api.get(api.a, "meals/barcode/0034000470693")).status_code == 200
    nutella = (await api.get(api.a, "meals/barcode/3017620422003")).json()
    assert nutella["product"]["energyKcal100g"] == 538.24  # 2252 kJ / 4.184
    assert nutella["product"]["fat100g"] == 30.9
    assert nutella["food"]["quantity"] == 100.0 and nutella["food"]["fiber"] is None
    # Logging the food from the scan works as is (calories are there).
    body = {"mealType": "snack", "time": "16:00", "foods": [found.json()["food"]]}
    logged = await api.client.post("/api/v1/meals", json=body, headers=api.a.headers)
    assert logged.status_code == 201 and logged.json()["totalCalories"] == 190.08


async def test_an_unknown_or_malformed_barcode_is_a_problem(api: Api) -> None:
    unknown = await api.get(api.a, "meals/barcode/5000112637922")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    bad = await api.get(api.a, "meals/barcode/12ab")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "code"
    assert (await api.client.get("/api/v1/meals/barcode/5000112637922")).status_code == 401


async def test_importing_again_changes_nothing_and_a_changed_product_is_updated(api: Api) -> None:
    store = api.context.store
    text = json.dumps([PEANUT_BUTTER, OLD_RECORD], indent=1)
    await import_products(store, io.StringIO(text))
    async with store.read() as tx:
        before = await tx.scalar("SELECT max(seq) FROM change_log")
    again = await import_products(store, io.StringIO(text))
    assert again == {"read": 2, "inserted": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    async with store.read() as tx:
        assert await tx.scalar("SELECT max(seq) FROM change_log") == before
        assert await tx.scalar("SELECT count(*) FROM food_products") == 2
    renamed = {**OLD_RECORD, "product_name": "Nutella hazelnut spread"}
    assert (await import_products(store, io.StringIO(jsonl(renamed))))["updated"] == 1
    assert (await api.get(api.a, "meals/barcode/3017620422003")).json()["product"]["name"] == (
        "Nutella hazelnut spread"
    )


async def test_the_cache_is_read_by_anyone_signed_in_and_written_by_nobody(api: Api) -> None:
    await import_products(api.context.store, io.StringIO(jsonl(PEANUT_BUTTER)))
    for who in (api.a, api.b, api.admin):
        assert (await api.get(who, "food_products/0034000470693")).status_code == 200
    assert (await api.client.get("/api/v1/food_products/0034000470693")).status_code == 401
    for method, path in (
        ("POST", "/api/v1/food_products"),
        ("PATCH", "/api/v1/food_products/0034000470693"),
        ("DELETE", "/api/v1/food_products/0034000470693"),
    ):
        answer = await api.client.request(method, path, json={}, headers=api.admin.headers)
        assert answer.status_code in (403, 405), (method, answer.status_code)


def test_the_command_line_fills_the_cache_and_refuses_a_broken_file(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", api.context.settings.resolved_database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    dump = tmp_path / "products.jsonl"
    dump.write_text(jsonl(PEANUT_BUTTER, OLD_RECORD, NO_CODE), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "openfoodfacts", str(dump)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["inserted"] == 2
    again = runner.invoke(cli, ["import", "openfoodfacts", str(dump)])
    assert json.loads(again.stdout.strip().splitlines()[-1])["unchanged"] == 2
    broken = tmp_path / "broken.json"
    broken.write_text('[{"code": "1"}, {"code": ', encoding="utf-8")
    refused = runner.invoke(cli, ["import", "openfoodfacts", str(broken)])
    assert refused.exit_code != 0 and "not JSON at character" in refused.output
