"""The words of a question or a fact that carry its meaning: lowercased, without the small words
every sentence has. Retrieval ranks by them, memory compares facts by them."""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)
# English function words (and a few of chat): they match everything, so they rank nothing.
_STOP = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves please tell explain give know want like get make let also much many really
    thing things something anything im ive dont"""
STOP_WORDS = frozenset(_STOP.split())


def words(text: str, limit: int = 32) -> list[str]:
    """The meaningful words of `text`, in order, each once, at most `limit`."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit():
            seen.setdefault(word, None)
            if len(seen) == limit:
                break
    return list(seen)


def digest(text: str) -> str:
    """The same for two texts with the same meaningful words in the same order."""
    return hashlib.sha256(" ".join(words(text, limit=400)).encode()).hexdigest()
