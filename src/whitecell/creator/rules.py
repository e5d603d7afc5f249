"""Pure rules of the creator module (docs/creator.md): which platforms a row may name."""

from __future__ import annotations

from collections.abc import Iterable

from whitecell.core.errors import ValidationFailed

# The spec's platforms (content_items.platform, content_templates.platforms).
PLATFORMS = ("instagram", "youtube", "tiktok", "twitter")


def known_platforms(field: str, names: Iterable[str]) -> list[str]:
    """`names` in lowercase, each once, in the order given; a 422 naming `field` and the allowed
    values if one is not a platform of the spec (compared case-insensitively)."""
    chosen: list[str] = []
    for name in names:
        lowered = name.strip().lower()
        if lowered not in PLATFORMS:
            raise ValidationFailed.field(
                field, f"{name!r} is not a platform; use one of: {', '.join(PLATFORMS)}"
            )
        if lowered not in chosen:
            chosen.append(lowered)
    return chosen
