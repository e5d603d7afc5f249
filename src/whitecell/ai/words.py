"""The words of a fact that carry its meaning: lowercased, without the small words every sentence
has (study/questions.py's list, which retrieval uses for questions). Memory ranks and compares
facts by them."""

from __future__ import annotations

import hashlib
import re

from whitecell.study.questions import STOP_WORDS

_WORD = re.compile(r"\w+", re.UNICODE)


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
