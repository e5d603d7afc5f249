"""Text for the dataset: a pseudo-English vocabulary with a Zipf distribution, sentences, notes.

Word frequencies follow Zipf's law like natural language, so a full-text search for a mid-frequency
word matches a few notes of each user and ranking has something to do. Everything derives from a
seed, so a dataset is the same on every build.
"""

from __future__ import annotations

import itertools
import random

_ONSETS = ("b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cl",
           "cr", "dr", "gr", "pl", "pr", "st", "tr", "ch", "sh", "th")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
_CODAS = ("", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck")

SUBJECTS = ("biology", "chemistry", "physics", "history", "mathematics", "literature",
            "economics", "philosophy", "geography", "music", "computer science",
            "psychology")  # fmt: skip


def _word(rng: random.Random) -> str:
    syllables = rng.choices((1, 2, 3, 4), weights=(3, 5, 3, 1))[0]
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    )


class Corpus:
    """A vocabulary ranked by frequency, and sentences drawn from it."""

    def __init__(self, seed: int = 7, vocabulary: int = 20_000, sentences: int = 8_000) -> None:
        rng = random.Random(seed)
        words: dict[str, None] = {}
        while len(words) < vocabulary:
            words[_word(rng)] = None
        self.words = list(words)
        weights = [1.0 / rank for rank in range(1, vocabulary + 1)]
        cumulative = list(itertools.accumulate(weights))
        self.sentences = []
        for _ in range(sentences):
            picked = rng.choices(self.words, cum_weights=cumulative, k=rng.randint(6, 22))
            self.sentences.append(" ".join(picked).capitalize() + ".")
        self._rng = rng

    def search_words(self, count: int = 200) -> list[str]:
        """Words of ranks 50-500: each is in 3-40% of the notes, so most searches rank a few."""
        band = self.words[50:500]
        return random.Random(11).sample(band, min(count, len(band)))

    def text(self, rng: random.Random, sentences: int) -> str:
        chosen = rng.choices(self.sentences, k=sentences)
        paragraphs = [" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5)]
        return "\n\n".join(paragraphs)

    def phrase(self, rng: random.Random, words: int) -> str:
        return " ".join(rng.choices(self.words[:5000], k=words)).capitalize()
