"""The lists of docs/mind.md that the code holds, written as its Markdown (a test keeps the page
equal to them): the Stoic themes with their reflection prompts, and the code languages."""

from __future__ import annotations

from whitecell.mind.languages import LANGUAGES
from whitecell.mind.stoic import GENERAL_PROMPTS, PROMPTS, THEMES


def themes_doc() -> str:
    """Each theme and its three prompts, then the prompts of a quote without a known theme."""
    lines = ["| theme | reflection prompts (one a day, in turn) |", "|---|---|"]
    for theme in THEMES:
        lines.append(f"| {theme} | {' / '.join(PROMPTS[theme])} |")
    lines.append(f"| (none, or another) | {' / '.join(GENERAL_PROMPTS)} |")
    return "\n".join(lines)


def languages_doc() -> str:
    """Each canonical language name and the other spellings it accepts."""
    lines = ["| language | also accepted |", "|---|---|"]
    for name, others in LANGUAGES.items():
        lines.append(f"| `{name}` | {', '.join(f'`{o}`' for o in others) or '—'} |")
    return "\n".join(lines)
