"""A free-text question as search terms, and the part of a long text that answers it. Pure.

`question_words` keeps the words that carry meaning: lower-cased (NFKC, case-folded), a word's
apostrophe ending dropped ("cell's" is "cell"), English stop words and single letters left out,
each word once, at most `MAX_TERMS`. The databases stem what is left (Porter on SQLite's FTS5,
the `english` configuration on PostgreSQL), so "chloroplast" finds "chloroplasts" and "runs"
finds "running" (not "mitochondria" "mitochondrion": stemming knows English endings only).

`snippet` picks the window of a text where most of the words meet, cut at blanks.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 24
MAX_TERM_CHARS = 64
SNIPPET_CHARS = 300

# Letters and digits (no underscore: it is not a word character to either database's parser).
_TERM = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# English stop words (and a question's own: explain, describe, tell, please, mean).
_STOP_WORDS = """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each explain describe few for from further had hadn has hasn have haven
    having he her here hers herself him himself his how i if in into is isn it its itself just
    let me mean means meant more most mustn my myself no nor not now of off on once only or other
    ought our ours ourselves out over own please same shan she should shouldn so some such tell
    than that the their theirs them themselves then there these they this those through to too
    under until up very was wasn we were weren what when where which while who whom whose why
    will with won would wouldn you your yours yourself yourselves
    """
STOP_WORDS = frozenset(_STOP_WORDS.split())


def question_words(question: str) -> list[str]:
    """The words of `question` worth searching for, in their order, each once."""
    folded = unicodedata.normalize("NFKC", question).casefold()
    terms: list[str] = []
    for match in _TERM.finditer(folded):
        word = re.split(r"['\u2019]", match.group())[0][:MAX_TERM_CHARS]
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()) or word in terms:
            continue
        terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


def _prefix(word: str) -> str:
    """Enough of a word to find its other forms in plain text ("mitochond" in "mitochondrion")."""
    return word if len(word) <= 4 else word[: max(4, round(len(word) * 0.7))]


def snippet(text: str, words: list[str], width: int = SNIPPET_CHARS) -> str:
    """At most `width` characters of `text` (on one line) around the place where most of
    `words` appear together; its beginning when none does. "…" marks a cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    prefixes = sorted({_prefix(w) for w in words}, key=len, reverse=True)
    hits: list[tuple[int, str]] = []
    if prefixes:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, prefixes)) + ")", re.IGNORECASE)
        for n, found in enumerate(pattern.finditer(text)):
            if n == 500:
                break
            hits.append((found.start(), found.group().casefold()))
    start = 0
    if hits:
        reach = width * 3 // 4
        best = max(
            hits, key=lambda hit: len({w for at, w in hits if hit[0] <= at < hit[0] + reach})
        )
        start = max(0, best[0] - width // 4)
    end = min(len(text), start + width)
    if end - start < width:
        start = max(0, end - width)
    if start > 0:
        blank = text.find(" ", start, start + 40)
        start = blank + 1 if blank != -1 else start
    if end < len(text):
        blank = text.rfind(" ", end - 40, end)
        end = blank if blank != -1 else end
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")
