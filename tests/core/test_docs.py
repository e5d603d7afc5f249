"""The documentation's table of policies is the code's: regenerate it when a declaration changes."""

from __future__ import annotations

from pathlib import Path

import whitecell.models  # noqa: F401  (declares every table)
from whitecell.core.catalog import policy_table

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_api_docs_list_every_table_s_policy_as_declared() -> None:
    text = (DOCS / "api.md").read_text()
    assert policy_table() in text, (
        "docs/api.md is out of date: replace its generated table with the output of "
        "`python -c 'import whitecell.models; from whitecell.core.catalog import policy_table; "
        "print(policy_table())'`"
    )
