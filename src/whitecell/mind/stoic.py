"""The Stoic quote of the day, pure (docs/mind.md, "Stoic wisdom"): the themes a quote may carry,
the reflection prompts of each theme, and which quote a calendar day shows.

The day's quote cycles through the whole corpus before any quote comes back. Days are counted
from the day the first quote arrived (its `createdAt`, in UTC); cycle after cycle, each one as
long as the corpus it shows, in an order fixed by the cycle's number. A quote joins the corpus
at the next cycle that begins after the day it arrived, so quotes added later (a new release's,
an administrator's) never change a day that has begun, nor the cycle under way.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from whitecell.core.errors import ValidationFailed

# The themes of `stoic_quotes.theme` (written in lowercase; other values are refused).
THEMES = (
    "acceptance",
    "action",
    "adversity",
    "anger",
    "character",
    "community",
    "control",
    "death",
    "desire",
    "fear",
    "focus",
    "friendship",
    "habits",
    "integrity",
    "learning",
    "nature",
    "perception",
    "present moment",
    "purpose",
    "self-knowledge",
    "time",
    "virtue",
    "wealth",
)


def known_theme(field: str, theme: str) -> str:
    """`theme` in lowercase; a 422 naming `field` and the themes if it is not one of them."""
    lowered = " ".join(theme.split()).lower()
    if lowered not in THEMES:
        raise ValidationFailed.field(
            field, f"{theme!r} is not a theme; use one of: {', '.join(THEMES)}"
        )
    return lowered


# Three questions a theme asks of the reader's own day; the day's quote shows one of them.
PROMPTS: dict[str, tuple[str, str, str]] = {
    "acceptance": (
        "What is happening today that you would rather were otherwise, and what would change "
        "if you met it as it is?",
        "Name one thing you are fighting that is not yours to change.",
        "What could you welcome today instead of merely enduring it?",
    ),
    "action": (
        "What is the one thing you have been talking about doing that you could begin today?",
        "Which of today's tasks would a good person simply get on with?",
        "Where have you been planning when the moment called for doing?",
    ),
    "adversity": (
        "What difficulty in front of you could be turned into training?",
        "Recall a hardship that made you stronger. What did it teach you?",
        "If today's obstacle were an exercise set for you, what would it be exercising?",
    ),
    "anger": (
        "Who annoyed you recently, and what might they have believed that made them act so?",
        "What did your last flash of anger cost you, and what did it gain?",
        "How could you answer today's provocation as the person you want to be?",
    ),
    "character": (
        "Which of your habits would you be glad to see in someone you admire?",
        "Where did your actions and your principles part ways this week?",
        "Describe in three words the person you are becoming. Are they the right words?",
    ),
    "community": (
        "Whom could you help today without being asked?",
        "What do you owe the people around you, and how will you pay some of it today?",
        "Think of someone who irritates you: what do you share with them?",
    ),
    "control": (
        "List what troubles you today in two columns: in your power, not in your power.",
        "What are you trying to control that is not yours to control?",
        "What is fully up to you today, whatever happens around you?",
    ),
    "death": (
        "If today were your last, what would you stop postponing?",
        "What would you like to have done with the time you have been given?",
        "Which worry shrinks when you remember that life is short?",
    ),
    "desire": (
        "What do you want right now, and would having it truly make you better off?",
        "Which wish of yours comes from habit or from other people rather than from you?",
        "What could you enjoy today without needing more of it?",
    ),
    "fear": (
        "What are you afraid of today, and how much of it has actually happened?",
        "Picture the worst case plainly. Could you bear it?",
        "Which fear is making a decision for you that you should make yourself?",
    ),
    "focus": (
        "What deserves your full attention today, and what are you giving it to instead?",
        "Which distraction will you refuse for the next hour?",
        "What would you finish today if you did only one thing at a time?",
    ),
    "friendship": (
        "Which friend have you not thanked lately, and what would you thank them for?",
        "Are your friendships built on what you are, or on what you have?",
        "What kind of friend were you this week?",
    ),
    "habits": (
        "Which small habit, repeated daily, would change the most in a year?",
        "What did you strengthen today by doing it again?",
        "Which habit feeds the person you do not want to be?",
    ),
    "integrity": (
        "Where were your words and your deeds not the same this week?",
        "What would you do today if no one would ever know?",
        "Which promise to yourself will you keep today?",
    ),
    "learning": (
        "What did you learn recently that changed what you do, not only what you think?",
        "Who could teach you something today, if you let them?",
        "Which belief of yours would you gladly give up if you were shown it was wrong?",
    ),
    "nature": (
        "What in your life is changing, and what would it mean to go along with it?",
        "Where did you notice today that you are part of something larger?",
        "What would living simply, as nature asks, look like tomorrow?",
    ),
    "perception": (
        "What judgement are you adding to today's events that the events themselves do not "
        "contain?",
        "Describe something that upset you in plain words, without adjectives. Is it still as bad?",
        "Which story are you telling yourself about today that you could tell differently?",
    ),
    "present moment": (
        "What is asking for your attention right now, in this hour?",
        "Which worry about tomorrow can wait until tomorrow?",
        "What would you notice today if you stopped rehearsing the past?",
    ),
    "purpose": (
        "What are you aiming at, and did today move you toward it?",
        "Why did you get up this morning, really?",
        "If your day had one sentence as its goal, what would it be?",
    ),
    "self-knowledge": (
        "What did you do today that surprised you, and what does it say about you?",
        "Which fault of yours do you find easiest to forgive in yourself and hardest in others?",
        "Where do you look for approval that you could give yourself?",
    ),
    "time": (
        "Where did your time go today, and did you choose where it went?",
        "What are you putting off until some day that may not come?",
        "Which hour of today would you gladly live again?",
    ),
    "virtue": (
        "Which virtue did today ask of you: courage, justice, temperance or wisdom?",
        "What would a good person do in your place today?",
        "Where could you be a little braver, fairer or more patient tomorrow?",
    ),
    "wealth": (
        "What do you already have that you once wished for?",
        "What could you do without, and would you miss it?",
        "Does anything you own own you a little?",
    ),
}
# For a quote without a theme, or one written before the themes were listed.
GENERAL_PROMPTS = (
    "What does this saying ask of you today?",
    "Where in your life does this apply right now?",
    "Would you live differently tomorrow if you believed this?",
)


def reflection_prompt(theme: str | None, day_number: int) -> str:
    """One of the theme's prompts, the same all day, the next one the day after."""
    prompts = PROMPTS.get((theme or "").strip().lower(), GENERAL_PROMPTS)
    return prompts[day_number % len(prompts)]


@dataclass(frozen=True)
class DailyPick:
    quote_id: str
    cycle: int  # which pass through the corpus (negative before its first day)
    day: int  # the day within the cycle, from 1
    length: int  # the cycle's length: the corpus it shows


def _order(members: list[str], cycle: int) -> list[str]:
    """The cycle's order of `members`: fixed by the cycle's number, different from one cycle
    to the next (SHA-256, the same on every Python and platform)."""

    def rank(quote_id: str) -> bytes:
        return hashlib.sha256(f"{cycle}:{quote_id}".encode()).digest()

    return sorted(members, key=rank)


def daily_pick(day_number: int, quotes: list[tuple[int, str]]) -> DailyPick | None:
    """The quote of the day `day_number` (a date's ordinal) among `quotes`, each `(the ordinal
    of the UTC day it arrived, its id)`; None for an empty corpus."""
    if not quotes:
        return None
    quotes = sorted(quotes)
    arrivals = [arrived for arrived, _ in quotes]
    ids = [quote_id for _, quote_id in quotes]
    epoch = arrivals[0]
    members = previous = ids[: bisect_right(arrivals, epoch)]  # the first day's corpus
    if day_number < epoch:  # before the first quote arrived: the first corpus, counted back
        cycle = (day_number - epoch) // len(members)
        start = epoch + cycle * len(members)
    else:
        cycle, start = 0, epoch
        while day_number >= start + len(members):
            start += len(members)
            cycle += 1
            previous, members = members, ids[: bisect_left(arrivals, start)]
            if len(previous) == len(members) == len(ids):  # the corpus grows no more: jump
                skipped = (day_number - start) // len(members)
                start += skipped * len(members)
                cycle += skipped
    order = _order(members, cycle)
    if len(order) > 1 and order[0] == _order(previous, cycle - 1)[-1]:
        # Never the same quote two days running where one cycle ends and the next begins.
        order[0], order[1] = order[1], order[0]
    position = day_number - start
    return DailyPick(order[position], cycle, position + 1, len(order))
