"""Flashcards drawn from a note's text by fixed rules (the same note always gives the same cards).

Rules, in this order, each line used once:
1. `Q: question` followed by `A: answer` (the answer may run over following lines until a blank).
2. `Term: definition` (also as a list item: `- Term: definition`): the term asks, the definition
   answers. Terms are short (at most 8 words) and a URL is never a term.
3. A Markdown heading followed by a paragraph: the heading asks, the paragraph's first sentence
   answers.
4. `**bold**` words in a sentence: a cloze deletion, the sentence with `[...]` in place of the bold
   words asks, the bold words answer.

Another generator can stand beside this one: `GENERATORS` maps a name to a function from the
note to `(question, answer)` pairs; `MODEL_GENERATORS` those that ask a model (the AI coach's
`ai`, registered by the ai package, which stands above study: docs/ai.md).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from whitecell.core.context import AppContext
from whitecell.core.permissions import Caller

QA_QUESTION = re.compile(r"^\s*(?:[-*+]\s+)?Q\s*[:.]\s*(?P<text>.+)$", re.IGNORECASE)
QA_ANSWER = re.compile(r"^\s*(?:[-*+]\s+)?A\s*[:.]\s*(?P<text>.+)$", re.IGNORECASE)
DEFINITION = re.compile(r"^\s*(?:[-*+]\s+)?(?P<term>[^:#>|`\[\]]{1,80}?)\s*:\s+(?P<text>\S.*)$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
BOLD = re.compile(r"\*\*(?P<text>[^*\n]+?)\*\*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MAX_TERM_WORDS = 8

Pair = tuple[str, str]


def _plain(text: str) -> str:
    """Inline Markdown a card does not need: emphasis marks, links, code ticks."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]", lambda m: m[2] or m[1], text)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def _first_sentence(paragraph: str) -> str:
    return SENTENCE_END.split(paragraph.strip(), maxsplit=1)[0]


def by_rules(content: str) -> list[Pair]:
    lines = content.splitlines()
    used: set[int] = set()
    pairs: list[Pair] = []

    for index, line in enumerate(lines):
        asked = QA_QUESTION.match(line)
        if not asked:
            continue
        answer_at = next((j for j in range(index + 1, len(lines)) if lines[j].strip()), None)
        answered = QA_ANSWER.match(lines[answer_at]) if answer_at is not None else None
        if answered is None or answer_at is None:
            continue
        text = [answered["text"]]
        end = answer_at + 1
        while end < len(lines) and lines[end].strip() and not QA_QUESTION.match(lines[end]):
            text.append(lines[end].strip())
            end += 1
        pairs.append((_plain(asked["text"]), _plain(" ".join(text))))
        used.update(range(index, end))

    for index, line in enumerate(lines):
        if index in used or HEADING.match(line):
            continue
        match = DEFINITION.match(line)
        if not match or "//" in match["text"][:3] or match["term"].lower().startswith("http"):
            continue
        term = _plain(match["term"])
        if term and len(term.split()) <= MAX_TERM_WORDS:
            pairs.append((term, _plain(match["text"])))
            used.add(index)

    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        if not heading:
            continue
        body: list[str] = []
        for following in lines[index + 1 :]:
            if HEADING.match(following) or (body and not following.strip()):
                break
            if following.strip():
                body.append(following.strip())
        paragraph_start = index + 1
        if body and not any(i in used for i in range(paragraph_start, paragraph_start + len(body))):
            first = _plain(_first_sentence(" ".join(body)))
            if first:
                pairs.append((_plain(heading["text"]), first))

    for index, line in enumerate(lines):
        if index in used or HEADING.match(line):
            continue
        for sentence in SENTENCE_END.split(line.strip()):
            bolds = [m["text"].strip() for m in BOLD.finditer(sentence)]
            if not bolds:
                continue
            cloze = _plain(BOLD.sub("[...]", sentence).lstrip("-*+ ").strip())
            pairs.append((cloze, ", ".join(bolds)))

    unique: dict[str, Pair] = {}
    for question, answer in pairs:
        if question and answer:
            unique.setdefault(question.casefold(), (question[:10_000], answer[:10_000]))
    return list(unique.values())


GENERATORS: dict[str, Callable[[str], list[Pair]]] = {"rules": by_rules}
# A generator that asks a model: the note's pairs, and the name of the generator that made them
# ("rules" when no model is configured and it fell back to the rules).
ModelGenerator = Callable[[AppContext, Caller, dict[str, Any]], Awaitable[tuple[list[Pair], str]]]
MODEL_GENERATORS: dict[str, ModelGenerator] = {}


def cards_from(note: dict[str, Any], generator: str = "rules") -> list[Pair]:
    return GENERATORS[generator](note["content"])
