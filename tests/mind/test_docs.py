"""docs/mind.md's lists are the code's: the Stoic themes with their prompts, and the languages a
code project may name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from whitecell.mind.catalog import languages_doc, themes_doc

PAGE = Path(__file__).resolve().parents[2] / "docs" / "mind.md"


@pytest.mark.parametrize(
    ("marker", "made"), [("stoic-themes", themes_doc), ("code-languages", languages_doc)]
)
def test_the_page_lists_what_the_code_holds(marker: str, made: object) -> None:
    found = re.search(
        rf"<!-- {marker}:begin[^>]*-->\n(.*?)\n<!-- {marker}:end -->", PAGE.read_text(), re.S
    )
    assert found is not None, f"docs/mind.md lacks its {marker} block"
    assert callable(made)
    assert found[1] == made(), (
        f"docs/mind.md is out of date: its {marker} block is {made.__name__}()"
    )
