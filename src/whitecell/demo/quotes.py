"""Stoic sayings for the shared `stoic_quotes` corpus, cut from public-domain translations.

Each text is verbatim from the translation named in `source` (only the typography is normalised:
straight apostrophes, sentence-case where the edition prints a chapter's first word in capitals).
The citations are the editions' own: Marcus Aurelius, *Meditations*, tr. George Long (1862);
Epictetus, *Discourses* and *Enchiridion*, tr. P. E. Matheson (1916); Seneca, *Moral Letters to
Lucilius*, tr. Richard M. Gummere (1917-1925).
"""

from __future__ import annotations

from typing import NamedTuple


class Quote(NamedTuple):
    quote: str
    author: str
    source: str
    theme: str


_LONG = "Meditations, tr. George Long"
_MATHESON = "tr. P. E. Matheson"
_GUMMERE = "Moral Letters to Lucilius, tr. Richard M. Gummere"

QUOTES: tuple[Quote, ...] = (
    Quote(
        "Begin the morning by saying to thyself, I shall meet with the busy-body, the ungrateful, "
        "arrogant, deceitful, envious, unsocial.",
        "Marcus Aurelius",
        f"{_LONG}, Book 2, Section 1",
        "adversity",
    ),
    Quote(
        "The universe is transformation: life is opinion.",
        "Marcus Aurelius",
        f"{_LONG}, Book 4, Section 4",
        "perception",
    ),
    Quote(
        'Take away thy opinion, and then there is taken away the complaint, "I have been harmed." '
        'Take away the complaint, "I have been harmed," and the harm is taken away.',
        "Marcus Aurelius",
        f"{_LONG}, Book 4, Section 8",
        "perception",
    ),
    Quote(
        "Such as are thy habitual thoughts, such also will be the character of thy mind; for the "
        "soul is dyed by the thoughts.",
        "Marcus Aurelius",
        f"{_LONG}, Book 5, Section 17",
        "habits",
    ),
    Quote(
        "The best way of avenging thyself is not to become like the wrong doer.",
        "Marcus Aurelius",
        f"{_LONG}, Book 6, Section 6",
        "virtue",
    ),
    Quote(
        "Look within. Within is the fountain of good, and it will ever bubble up, if thou wilt "
        "ever dig.",
        "Marcus Aurelius",
        f"{_LONG}, Book 7, Section 59",
        "self-knowledge",
    ),
    Quote(
        "Wipe out the imagination. Stop the pulling of the strings. Confine thyself to the "
        "present.",
        "Marcus Aurelius",
        f"{_LONG}, Book 7, Section 28",
        "present moment",
    ),
    Quote(
        "Men exist for the sake of one another. Teach them then or bear with them.",
        "Marcus Aurelius",
        f"{_LONG}, Book 8, Section 62",
        "community",
    ),
    Quote(
        "No longer talk at all about the kind of man that a good man ought to be, but be such.",
        "Marcus Aurelius",
        f"{_LONG}, Book 10, Section 18",
        "action",
    ),
    Quote(
        "If it is not right, do not do it: if it is not true, do not say it.",
        "Marcus Aurelius",
        f"{_LONG}, Book 12, Section 19",
        "integrity",
    ),
    Quote(
        "Of all existing things some are in our power, and others are not in our power. In our "
        "power are thought, impulse, will to get and will to avoid, and, in a word, everything "
        "which is our own doing.",
        "Epictetus",
        f"Enchiridion, Section 1, {_MATHESON}",
        "control",
    ),
    Quote(
        "What disturbs men's minds is not events but their judgements on events: For instance, "
        "death is nothing dreadful, or else Socrates would have thought it so.",
        "Epictetus",
        f"Enchiridion, Section 5, {_MATHESON}",
        "perception",
    ),
    Quote(
        "Ask not that events should happen as you will, but let your will be that events should "
        "happen as they do, and you shall have peace.",
        "Epictetus",
        f"Enchiridion, Section 8, {_MATHESON}",
        "acceptance",
    ),
    Quote(
        "Difficulties are what show men's character. Therefore when a difficult crisis meets you, "
        "remember that you are as the raw youth with whom God the trainer is wrestling.",
        "Epictetus",
        f"Discourses, Book I, Chapter XXIV, {_MATHESON}",
        "adversity",
    ),
    Quote(
        "Every habit and every faculty is confirmed and strengthened by the corresponding acts, "
        "the faculty of walking by walking, that of running by running. If you wish to have a "
        "faculty for reading, read; if for writing, write.",
        "Epictetus",
        f"Discourses, Book II, Chapter XVIII, {_MATHESON}",
        "habits",
    ),
    Quote(
        "Hold every hour in your grasp. Lay hold of to-day's task, and you will not need to "
        "depend so much upon to-morrow's. While we are postponing, life speeds by.",
        "Seneca",
        f"{_GUMMERE}, Letter 1 (On Saving Time)",
        "time",
    ),
    Quote(
        "You must linger among a limited number of master-thinkers, and digest their works, if "
        "you would derive ideas which shall win firm hold in your mind. Everywhere means nowhere.",
        "Seneca",
        f"{_GUMMERE}, Letter 2 (On Discursiveness in Reading)",
        "focus",
    ),
    Quote(
        "It is not the man who has too little, but the man who craves more, that is poor.",
        "Seneca",
        f"{_GUMMERE}, Letter 2 (On Discursiveness in Reading)",
        "wealth",
    ),
    Quote(
        "Associate with those who will make a better man of you. Welcome those whom you yourself "
        "can improve. The process is mutual; for men learn while they teach.",
        "Seneca",
        f"{_GUMMERE}, Letter 7 (On Crowds)",
        "learning",
    ),
    Quote(
        "There are more things, Lucilius, likely to frighten us than there are to crush us; we "
        "suffer more often in imagination than in reality.",
        "Seneca",
        f"{_GUMMERE}, Letter 13 (On Groundless Fears)",
        "fear",
    ),
    Quote(
        "You need a change of soul rather than a change of climate.",
        "Seneca",
        f"{_GUMMERE}, Letter 28 (On Travel as a Cure for Discontent)",
        "character",
    ),
    Quote(
        "Our plans miscarry because they have no aim. When a man does not know what harbour he is "
        "making for, no wind is the right wind.",
        "Seneca",
        f"{_GUMMERE}, Letter 71 (On the Supreme Good)",
        "purpose",
    ),
)
