"""What differs between the two databases in the SQL we write and the values we bind: the
dialect, PostgreSQL's positional form of our `:name` statements, multi-row VALUES, and SQLite's
text timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

Params = dict[str, Any]
Row = tuple[Any, ...]

POSTGRES_MAX_PARAMETERS = 65_535  # in one statement (the protocol counts them in 16 bits)


class Dialect:
    """What differs between the two databases in the SQL we write."""

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_sqlite = name == "sqlite"


# `:name`, not a cast (`::text`) nor part of a word.
_NAMED_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=4096)  # statements are built from templates: a few hundred in all
def positional(text: str) -> tuple[bytes, tuple[str, ...]]:
    """PostgreSQL: our SQL's `:name` parameters as the server's own `$1, $2, ...` and the
    names in that order. psycopg sends such a statement as it is (a raw cursor); given
    `%(name)s` it parses the text again on every call for statements over 4 KB or 50
    parameters (a workout's inserts, the change log: 11% of a create on PostgreSQL)."""
    order: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f"${order.setdefault(match.group(1), len(order) + 1)}"

    return _NAMED_PARAMETER.sub(number, text).encode(), tuple(order)


@lru_cache(maxsize=256)
def values_statement(head: str, rows: int, width: int) -> bytes:
    """`head VALUES ($1, $2), ($3, $4)` for `rows` rows of `width` values."""
    lines = (
        "(" + ", ".join(f"${row * width + i + 1}" for i in range(width)) + ")"
        for row in range(rows)
    )
    return f"{head} VALUES {', '.join(lines)}".encode()


# SQLite has no timestamp type: an instant is naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', the
# format SQLAlchemy writes too. Fixed width with a zero-padded year, so text order is time order.
# (strftime("%Y") does not pad years before 1000 on Linux: never use it here.)


def sqlite_timestamp(moment: datetime) -> str:
    """An aware datetime as the SQLite text of a timestamp column."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def timestamp_from_sqlite(text: str) -> datetime:
    """The SQLite text of a timestamp column as an aware UTC datetime. Also reads rows written
    before the year was zero-padded ('999-06-01 ...'), so such a row can still be read and fixed."""
    year, _, rest = text.partition("-")
    if len(year) < 4:
        text = f"{year.zfill(4)}-{rest}"
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
