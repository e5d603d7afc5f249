"""Reading a csTimer export into solve bodies, pure (../shared/reference/domain-rules.md §4;
docs/mind.md, "Cubing: csTimer import").

The file is one JSON object: `session1`, `session2`, ... each a list of solves (or that list
as a JSON string), and `properties`, whose `sessionData` (a JSON string, or an object) names
each session and its scramble type (`opt.scrType`; old files: `scr`; none: "333"). A solve is
`[[penalty, time_ms, ...phases], scramble, comment, timestamp, ...]`: penalty 0, 2000 (+2) or
-1 (DNF, the raw time kept), timestamp in Unix seconds at the start of the solve.

Sessions whose scramble type is none of our cube types are skipped and counted. Each solve's
`importKey` (its timestamp, raw time and scramble) makes importing the same file twice, or a
later export of the same sessions, add only what is new. The first malformed value stops the
reading with where it stands (`session3[12]`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from whitecell.core.clock import isoformat_z

# csTimer's scramble types (src/lang/en-us.js scrdata) that are our cube types.
CUBE_TYPES = {
    "333": "3x3",
    "222so": "2x2",
    "222o": "2x2",
    "444wca": "4x4",
    "444m": "4x4",
    "pyrso": "pyraminx",
    "pyro": "pyraminx",
    "pyrm": "pyraminx",
}
SESSION = re.compile(r"^session(\d{1,6})$")
DNF_PENALTY, PLUS_TWO = -1, 2000
MAX_TIME_MS = 24 * 3600 * 1000  # cube_times.time
MAX_SCRAMBLE = 500  # cube_times.scramble
LATEST = datetime(9999, 12, 31, tzinfo=UTC).timestamp()


class BadExport(Exception):
    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass
class Session:
    number: int
    name: str
    scramble_type: str
    cube_type: str | None  # None: not a type we keep (skipped)
    solves: list[dict[str, Any]] = field(default_factory=list)  # cube_times bodies

    @property
    def session_id(self) -> str:
        return f"cstimer-{self.number}"


@dataclass
class Export:
    sessions: list[Session]
    skipped: Counter[str] = field(default_factory=Counter)  # sessions and solves not kept


def _json(value: Any, where: str) -> Any:
    """A value csTimer may also have written as a JSON string."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise BadExport("holds a string that is not JSON", where) from None
    return value


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _solve(element: Any, session: Session, where: str) -> dict[str, Any]:
    if not isinstance(element, list) or len(element) < 4 or not isinstance(element[0], list):
        raise BadExport("is not a solve: [[penalty, time], scramble, comment, timestamp]", where)
    result, scramble, _comment, stamp = element[:4]
    penalty = _integer(result[0]) if result else None
    time = _integer(result[1]) if len(result) > 1 else None
    if penalty is None or not (penalty in (0, DNF_PENALTY) or penalty % PLUS_TWO == 0 < penalty):
        raise BadExport("has a penalty other than 0, +2 (2000) or DNF (-1)", where)
    # Penalties add up (A4e): two +2s (4000) are kept as the raw time plus 2 s, marked +2.
    extra = max(penalty - PLUS_TWO, 0)
    if time is None or not 0 <= time + extra <= MAX_TIME_MS:
        raise BadExport(f"has a time that is not 0 to {MAX_TIME_MS} ms", where)
    if not isinstance(scramble, str) or len(scramble) > MAX_SCRAMBLE or "\x00" in scramble:
        raise BadExport(f"has a scramble that is not text of at most {MAX_SCRAMBLE}", where)
    seconds = stamp if isinstance(stamp, int | float) and not isinstance(stamp, bool) else None
    if seconds is None or not 0 <= seconds <= LATEST:
        raise BadExport("has a timestamp that is not Unix seconds", where)
    key = hashlib.sha256(f"{int(seconds)}:{time}:{scramble}".encode()).hexdigest()
    return {
        "cubeType": session.cube_type,
        "time": time + extra,
        "plusTwo": penalty > 0,
        "dnf": penalty == DNF_PENALTY,
        "scramble": scramble.strip(),
        "date": isoformat_z(datetime.fromtimestamp(seconds, UTC)),
        "sessionId": session.session_id,
        "importKey": key,
    }


def _meta(properties: Any) -> dict[str, Any]:
    if not isinstance(properties, dict):
        return {}
    data = _json(properties.get("sessionData") or {}, "properties.sessionData")
    return data if isinstance(data, dict) else {}


def read_export(raw: bytes, *, max_solves: int) -> Export:
    """The sessions and solves of a csTimer export file's bytes; BadExport naming where the
    first malformed value stands, or when it holds more than `max_solves` solves."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadExport("is not JSON: a csTimer export is one JSON object") from None
    numbers = {
        int(match[1]): key
        for key in (data if isinstance(data, dict) else {})
        if (match := SESSION.match(key))
    }
    if not numbers:
        raise BadExport('is not a csTimer export: it has no "session1", "session2", ...')
    meta = _meta(data.get("properties"))
    export = Export([])
    total = 0
    for number in sorted(numbers):
        key = numbers[number]
        solves = _json(data[key], key)
        if not isinstance(solves, list):
            raise BadExport("is not a list of solves", key)
        found = meta.get(str(number))
        info: dict[str, Any] = found if isinstance(found, dict) else {}
        opt = info.get("opt")
        options: dict[str, Any] = opt if isinstance(opt, dict) else {}
        scramble_type = str(options.get("scrType") or info.get("scr") or "333")
        session = Session(
            number,
            str(info.get("name", number))[:200],
            scramble_type,
            CUBE_TYPES.get(scramble_type),
        )
        export.sessions.append(session)
        if session.cube_type is None:
            export.skipped["sessions"] += 1
            export.skipped["solves"] += len(solves)
            continue
        total += len(solves)
        if total > max_solves:
            raise BadExport(
                f"holds more than {max_solves} solves, the most one import reads "
                "(WHITECELL_CUBE_IMPORT_MAX_SOLVES); import it in parts"
            )
        session.solves = [
            _solve(element, session, f"{key}[{i}]") for i, element in enumerate(solves)
        ]
    return export
