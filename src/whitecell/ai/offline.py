"""The coach without a model (docs/ai.md, "Offline"): it says what it is, answers from the
user's own data (the passages retrieval found, quoted with links), and says plainly when it
cannot help. Deterministic: the same data and question give the same answer."""

from __future__ import annotations

from whitecell.ai.retrieval import Passage

MODEL = "offline"
INTRO = (
    "I'm White Cell's offline coach: no AI model is configured on this server, so I answer "
    "from your own notes, flashcards, textbooks and saved quotes."
)
NOTHING = (
    "I found nothing in them about this. Try other words, add a note on it, or ask the server's "
    "operator to connect a model (docs/ai.md) for answers beyond your own data."
)


def answer(sources: list[Passage]) -> str:
    """The offline reply: what was found, each quoted with its link, or that nothing was."""
    if not sources:
        return f"{INTRO}\n\n{NOTHING}"
    parts = [INTRO, "Here is what you have on it:"]
    for n, passage in enumerate(sources, start=1):
        where = f", page {passage.page}" if passage.page else ""
        quoted = "\n".join(f"> {line}" if line else ">" for line in passage.text.splitlines())
        parts.append(f"[{n}] [{passage.title}]({passage.url}){where}\n{quoted}")
    return "\n\n".join(parts)
