"""The JSON array a generator asked the model for, read from its answer wherever it stands
(alone, in a code fence, or after a line of prose): models do not always answer with JSON only."""

from __future__ import annotations

import json
import re
from typing import Any

_ARRAY = re.compile(r"\[.*\]", re.DOTALL)


def json_array(text: str) -> list[Any]:
    """The items of the outermost JSON array in `text`; empty when there is none that parses."""
    found = _ARRAY.search(text)
    try:
        items: Any = json.loads(found.group()) if found else []
    except json.JSONDecodeError:
        return []
    return items if isinstance(items, list) else []
