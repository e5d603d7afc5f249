"""Whatever a client puts in a list's query string, parsing it and binding it for either database
ends in a list query or a 400 naming a parameter, never another exception (a 500)."""

from __future__ import annotations

import base64

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import whitecell.models  # noqa: F401  (every table declared)
from whitecell.core.dialect import Dialect
from whitecell.core.documents import Codec
from whitecell.core.errors import BadRequest
from whitecell.core.listing import OPERATORS, ListQuery, Sql, parse_list_query
from whitecell.core.tables import REGISTRY, Table

TABLES = sorted(REGISTRY.values(), key=lambda table: table.name)

# Text that reaches the edges: digits of every script, signs, separators, NUL, timestamps with
# offsets near the ends of the calendar, huge numbers.
EDGES = st.sampled_from(
    [
        "٣",
        "³",
        "+3",
        "1_000",
        " 3",
        "9" * 30,
        "-" + "9" * 30,
        str(2**63),
        "1e400",
        "nan",
        "a\x00b",
        "0001-01-01T00:30:00+01:00",
        "9999-12-31T23:30:00-01:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
        "2026-02-30",
        "20261120",
        "true",
        "",
        ",",
    ]
)
VALUES = st.one_of(EDGES, st.text(max_size=30))
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)  # what orjson can write
    | st.floats(allow_nan=False, allow_infinity=False)
    | VALUES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=6,
)


@st.composite
def queries(draw: st.DrawFn) -> tuple[Table, list[tuple[str, str]]]:
    table = draw(st.sampled_from(TABLES))
    names = sorted(table.filterable)
    params: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(names))
        op = draw(st.sampled_from(["", *OPERATORS]))
        key = f"{name}[{op}]" if op else name
        params.append((key, draw(VALUES)))
    if draw(st.booleans()):
        order = draw(st.sampled_from(sorted(table.sortable)))
        params.append(("order", draw(st.sampled_from([order, "-" + order]))))
    if draw(st.booleans()):
        params.append(("limit", draw(VALUES)))
    if draw(st.booleans()):
        position = draw(JSON)
        cursor = base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")
        params.append(("cursor", draw(st.sampled_from([cursor, cursor[:-1], "%" + cursor]))))
    return table, params


def _bind_everything(table: Table, query: ListQuery) -> None:
    for dialect in ("sqlite", "postgresql"):
        codec = Codec(table, Dialect(dialect))
        Sql(codec).filters(query.filters)
        if isinstance(query.cursor, tuple):
            codec.bind(query.order, query.cursor[0])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_any_query_string_is_a_list_query_or_a_400(
    query: tuple[Table, list[tuple[str, str]]],
) -> None:
    table, params = query
    try:
        parsed = parse_list_query(table, params)
    except BadRequest as exc:
        assert exc.errors and exc.errors[0].field
        return
    _bind_everything(table, parsed)


def test_a_cursor_the_server_wrote_is_accepted() -> None:
    notes = REGISTRY["notes"]
    position = ["2026-11-20T10:00:00.000Z", "01m8x9n7eww7sjvnmm6sgwnacj", True]
    cursor = base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")
    parsed = parse_list_query(notes, [("order", "-createdAt"), ("cursor", cursor)])
    assert parsed.cursor == tuple(position)
