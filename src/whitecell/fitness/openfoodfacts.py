"""Open Food Facts product objects (API v2, flat `nutriments`) read as rows of the barcode cache,
streaming from JSON lines or one JSON array, and barcode normalisation
(../shared/reference/domain-rules.md §8.4; docs/fitness.md, "Nutrition"). No I/O but the
stream it is handed; never a network call."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, Protocol

KJ_PER_KCAL = 4.184
MAX_BARCODE_DIGITS = 14  # GTIN-14, the longest barcode on a retail product
# Per-100 g nutriments kept -> the cache's column.
NUTRIMENTS = {
    "proteins_100g": "proteins100g",
    "carbohydrates_100g": "carbohydrates100g",
    "sugars_100g": "sugars100g",
    "fat_100g": "fat100g",
    "saturated-fat_100g": "saturatedFat100g",
    "fiber_100g": "fiber100g",
    "salt_100g": "salt100g",
    "sodium_100g": "sodium100g",
    "alcohol_100g": "alcohol100g",
}
MAX_GRAMS = 10_000  # per 100 g a value past this is a typo in the source, dropped
MAX_KCAL = 100_000
TEXT_FIELDS = {  # product field -> (cache column, most characters kept)
    "product_name": ("name", 500),
    "brands": ("brands", 500),
    "quantity": ("quantity", 200),
    "serving_size": ("servingSize", 200),
    "nutrition_data_per": ("nutritionDataPer", 20),
    "nutriscore_grade": ("nutriscoreGrade", 10),
}
READ_CHUNK = 1 << 20  # characters read from the file at a time
MAX_VALUE_CHARS = 64 << 20  # one product object, even pretty-printed, is far smaller


def normalise_barcode(code: str) -> str | None:
    """The cache key of a barcode: digits only, leading zeros stripped, then 1-7 digits padded to
    8 (EAN-8) and 9-12 to 13 (EAN-13/UPC-A): `034000470693` -> `0034000470693`. None when it is
    not a barcode (no digits, other characters, too long)."""
    code = code.strip()
    if not code.isdigit() or not code.isascii():
        return None
    digits = code.lstrip("0")
    if not digits or len(digits) > MAX_BARCODE_DIGITS:
        return None
    if len(digits) <= 7:
        return digits.zfill(8)
    if len(digits) <= 12:
        return digits.zfill(13)
    return digits


def _number(value: Any, limit: float) -> float | None:
    """A nutriment as a number: strings coerced ("12,5" too), anything else or out of range
    (negative, not finite, past `limit`) dropped."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return round(float(value), 4) if 0 <= value <= limit else None


def _text(value: Any, limit: int) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.replace("\x00", "").split())[:limit]
    return text or None


def product_row(item: Any) -> dict[str, Any] | None:
    """A product object (or an API answer `{"code", "product": {...}}`) as a cache row keyed by
    its normalised barcode (`_id`); None when it has no usable barcode."""
    if not isinstance(item, dict):
        return None
    inner = item.get("product")
    product: dict[str, Any] = inner if isinstance(inner, dict) else item
    code = product.get("code", item.get("code"))
    key = normalise_barcode(str(code)) if isinstance(code, str | int) else None
    if key is None:
        return None
    row: dict[str, Any] = {"_id": key}
    for field, (column, limit) in TEXT_FIELDS.items():
        row[column] = _text(product.get(field), limit)
    row["servingQuantity"] = _number(product.get("serving_quantity"), 100_000)
    nutriments = product.get("nutriments")
    nutriments = nutriments if isinstance(nutriments, dict) else {}
    kcal = _number(nutriments.get("energy-kcal_100g"), MAX_KCAL)
    if kcal is None:
        kj = _number(nutriments.get("energy_100g"), MAX_KCAL * KJ_PER_KCAL)
        kcal = round(kj / KJ_PER_KCAL, 2) if kj is not None else None
    row["energyKcal100g"] = kcal
    for key_100g, column in NUTRIMENTS.items():
        row[column] = _number(nutriments.get(key_100g), MAX_GRAMS)
    return row


class TextSource(Protocol):
    """Where products are read from: an open text file, or anything that reads like one."""

    def read(self, size: int = -1, /) -> str: ...


class ProductFileError(ValueError):
    """The file is not JSON lines nor a JSON array of objects, at a character offset."""


def read_products(stream: TextSource) -> Iterator[Any]:
    """Each JSON value of `stream`, one at a time: JSON lines, or the items of one top-level JSON
    array (both: values separated by whitespace or commas), without reading the file whole."""
    decoder = json.JSONDecoder()
    buffer, pos, base = "", 0, 0  # `base`: the file offset of buffer[0]
    eof, opened, started = False, False, False

    def more() -> bool:
        nonlocal buffer, pos, base, eof
        if eof:
            return False
        if len(buffer) - pos > MAX_VALUE_CHARS:
            raise ProductFileError(f"a value at character {base + pos} is too long or not JSON")
        chunk = stream.read(READ_CHUNK)
        eof = not chunk
        base, buffer, pos = base + pos, buffer[pos:] + chunk, 0
        return not eof

    while True:
        pos = _skip_separators(buffer, pos)
        if pos == len(buffer):
            if more():
                continue
            if opened:
                raise ProductFileError("the file ends before the array's closing ]")
            return
        head = buffer[pos]
        if head == "[" and not opened and not started:
            opened, started, pos = True, True, pos + 1
            continue
        if head == "]" and opened:
            rest = buffer[pos + 1 :].strip() or stream.read(READ_CHUNK).strip()
            if rest:
                raise ProductFileError(f"text after the closing ] at character {base + pos + 1}")
            return
        try:
            value, end = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as error:
            at = base + error.pos
            if more():  # perhaps only cut short by the chunk: read on
                continue
            raise ProductFileError(f"not JSON at character {at}: {error.msg}") from None
        if end == len(buffer) and not isinstance(value, dict | list) and more():
            continue  # a number or word may go on in the next chunk
        started = True
        yield value
        pos = end


_SEPARATORS = re.compile(r"[\s,]*")


def _skip_separators(buffer: str, pos: int) -> int:
    """Past the whitespace and commas from `pos` (the pattern matches even nothing)."""
    match = _SEPARATORS.match(buffer, pos)
    return match.end() if match else pos
