"""The offline debate opponent (docs/ai.md, "Debate"): without a model, it argues the other side
with the strongest opposing points it finds in the user's own notes, books and cards and in the
Stoic corpus, and says it is offline. Deterministic: the same rows give the same answer."""

from __future__ import annotations

import re

from whitecell.ai.retrieval import Passage

MODEL = "offline"
POINTS = 3
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Words that turn a sentence against something: where the opposing points are.
_CONTRAST = re.compile(
    r"\b(however|but|although|though|yet|not|never|cannot|can't|instead|rather|unless|risk|"
    r"cost|fails?|wrong|mistake|limits?|on the other hand|critics?)\b",
    re.IGNORECASE,
)
INTRO = (
    "Offline opponent (no AI model is configured on this server): the strongest points against "
    "your position that I found in your notes and in the Stoics."
)


_WORD = re.compile(r"\w+")


def _holds(tokens: set[str], word: str) -> bool:
    """Whether a text of these words holds `word`, or for a long one a longer form of it
    ("fight" in "fighting"; "ever" is not in "every")."""
    return word in tokens or (len(word) >= 5 and any(t.startswith(word) for t in tokens))


def _sentences(passage: Passage) -> list[str]:
    text = " ".join(passage.text.replace("> ", " ").split())
    return [s.strip() for s in _SENTENCE.split(text) if 20 <= len(s.strip()) <= 400]


def strongest_points(
    passages: list[Passage], topic: list[str], asked: list[str]
) -> list[tuple[str, Passage]]:
    """The sentences that oppose most, one a source, best first. A source must speak to the
    debate (a word of its `topic`, or two of the other `asked` words), and so must the sentence
    (one word of either); then each turn against something ("however", "not", "cost", ...)
    counts two, each topic word three, each other word of the debate one."""
    scored: list[tuple[int, int, str, Passage]] = []
    for order, passage in enumerate(passages):
        whole = set(_WORD.findall(f"{passage.title} {passage.theme} {passage.text}".casefold()))
        related = [word for word in asked if word not in topic]
        if not any(_holds(whole, w) for w in topic) and sum(_holds(whole, w) for w in related) < 2:
            continue
        best: tuple[int, str] | None = None
        for sentence in _sentences(passage):
            tokens = set(_WORD.findall(sentence.casefold())) | {passage.theme.casefold()}
            on_topic = sum(_holds(tokens, word) for word in topic)
            shared = on_topic + sum(_holds(tokens, word) for word in related)
            if not shared:
                continue  # a turn against something else is no point against this
            score = 2 * len(_CONTRAST.findall(sentence)) + 2 * on_topic + shared
            if best is None or score > best[0]:
                best = (score, sentence)
        if best is not None and best[0] > 0:
            scored.append((best[0], -order, best[1], passage))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [(sentence, passage) for _, _, sentence, passage in scored[:POINTS]]


def counter(topic: str, argument: str, points: list[tuple[str, Passage]]) -> str:
    if not points:
        return (
            f"{INTRO}\n\nI found nothing in your notes or the Stoic texts that speaks to "
            f"\u201c{topic}\u201d. Take the other side yourself: what would someone who disagrees "
            "say first, and what would it cost you to concede it?"
        )
    lines = [INTRO, ""]
    for n, (sentence, passage) in enumerate(points, start=1):
        lines.append(f"{n}. \u201c{sentence}\u201d ([{passage.title}]({passage.url}))")
    claim = argument if len(argument) <= 160 else argument[:157].rsplit(" ", 1)[0] + "\u2026"
    lines += ["", f"Your argument, \u201c{claim}\u201d, has to answer these. Which would you "
              "concede, and why?"]  # fmt: skip
    return "\n".join(lines)


def reply(points: list[tuple[str, Passage]]) -> str:
    """The answer to a rebuttal: the points still standing are the ones it did not name."""
    if not points:
        return f"{INTRO}\n\nYour rebuttal stands: I have nothing more from your notes against it."
    sentence, passage = points[0]
    return (
        f"{INTRO}\n\nGranted where your rebuttal answers me. This point still stands: "
        f"\u201c{sentence}\u201d ([{passage.title}]({passage.url})). How does your position "
        "hold up against it?"
    )
