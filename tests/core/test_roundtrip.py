"""Property: every value the validator accepts reads back through the API as the API showed it when
it was created, on SQLite and PostgreSQL alike: timestamps (any offset, years 1-9999 in UTC) as
the same instant at millisecond precision and in time order, days, finite numbers, 64-bit integers
(in columns and inside JSON) and any text without NUL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.samples import sample_body
from tests.support import Api

INT64 = st.integers(-(2**63), 2**63 - 1)
# Finite and below 2^63 in magnitude: what number fields accept (core/types.py).
NUMBERS = st.floats(
    min_value=-(2.0**63),
    max_value=2.0**63,
    exclude_min=True,
    exclude_max=True,
    allow_nan=False,
    allow_infinity=False,
)
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)
# What request bodies trim from both ends of text: Unicode White_Space (pydantic-core trims with
# Rust's `str::trim`), which is Python's isspace() without the four separators \x1c-\x1f.
WHITE_SPACE = "".join(
    c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f"
)

FIRST = datetime(1, 1, 1)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999_999)
PRECISION = {"seconds": 1_000_000, "milliseconds": 1000, "microseconds": 1}
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def timestamps(draw: st.DrawFn) -> tuple[str, datetime]:
    """ISO 8601 text with some offset and precision, and the instant it names."""
    instant = draw(st.datetimes(min_value=FIRST, max_value=LAST)).replace(tzinfo=UTC)
    minutes = draw(st.integers(-(23 * 60 + 59), 23 * 60 + 59))
    spec = draw(st.sampled_from(sorted(PRECISION)))
    step = PRECISION[spec]
    instant = instant.replace(microsecond=instant.microsecond // step * step)
    try:
        local = instant.astimezone(timezone(timedelta(minutes=minutes)))
    except OverflowError:
        assume(False)  # the instant cannot be written at this offset: no text to send
        raise
    text = local.isoformat(timespec=spec)
    if minutes == 0 and draw(st.booleans()):
        text = text.replace("+00:00", "Z")
    return text, instant


def _instant(shown: str) -> datetime:
    return datetime.fromisoformat(shown)


def _to_millis(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


async def _read_back(api: Api, table: str, created: dict[str, Any], who: Any = None) -> None:
    fetched = await api.get(who or api.a, f"{table}/{created['_id']}")
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == created


@EXAMPLES
@given(
    moment=timestamps(),
    day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    title=TEXT,
    description=TEXT,
)
async def test_timestamps_days_and_text_read_back_as_sent(
    api: Api, moment: tuple[str, datetime], day: date, title: str, description: str
) -> None:
    sent, instant = moment
    body = sample_body(
        "content_items",
        scheduledDate=sent,
        dueDate=day.isoformat(),
        title=f"[{title}]",  # bracketed: required text must not trim to nothing
        description=description,
    )
    created = await api.create(api.a, "content_items", body)
    assert _instant(created["scheduledDate"]) == _to_millis(instant)
    assert created["scheduledDate"].endswith("Z") and len(created["scheduledDate"]) == 24
    assert created["dueDate"] == day.isoformat()
    assert created["title"] == f"[{title}]"
    assert created["description"] == description.strip(WHITE_SPACE)
    await _read_back(api, "content_items", created)


@EXAMPLES
@given(moments=st.lists(timestamps(), min_size=2, max_size=4))
async def test_timestamps_list_in_time_order(api: Api, moments: list[tuple[str, datetime]]) -> None:
    group = uuid4().hex
    for sent, _ in moments:
        await api.create(api.a, "cube_times", sample_body("cube_times", date=sent, sessionId=group))
    listed = await api.get(api.a, "cube_times", sessionId=group, order="date")
    shown = [_instant(item["date"]) for item in listed.json()["items"]]
    assert shown == sorted(_to_millis(instant) for _, instant in moments)


@EXAMPLES
@given(
    target=NUMBERS,
    current=NUMBERS,
    count=st.integers(0, 2**63 - 1),
    integer=INT64,
    number=NUMBERS,
    key=TEXT,
    text=TEXT,
)
async def test_numbers_integers_and_json_read_back_equal(
    api: Api,
    target: float,
    current: float,
    count: int,
    integer: int,
    number: float,
    key: str,
    text: str,
) -> None:
    goal = await api.create(
        api.a, "study_goals", sample_body("study_goals", targetValue=target, currentValue=current)
    )
    assert (goal["targetValue"], goal["currentValue"]) == (target, current)
    await _read_back(api, "study_goals", goal)
    session = await api.create(
        api.a, "study_sessions", sample_body("study_sessions", notesCreated=count)
    )
    assert session["notesCreated"] == count
    await _read_back(api, "study_sessions", session)
    metadata = {"integer": integer, "number": number, "text": {key: [text, {"nested": integer}]}}
    event = await api.create(api.a, "analytics", sample_body("analytics", metadata=metadata))
    # jsonb keeps a number as a decimal: 2.738095675519443e16 reads back as 27380956755194430,
    # the same JSON number (a client reads the same double), though Python sees an int.
    shown = dict(event["metadata"])
    assert float(shown.pop("number")) == metadata.pop("number")
    assert shown == metadata
    await _read_back(api, "analytics", event, api.admin)
