"""A code project's language is one of a known list, in any case and under its usual other
names, stored as the canonical name; anything else is a 422 naming `language` (docs/mind.md,
"Code project languages")."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.samples import sample_body
from tests.support import Api
from whitecell.core.errors import ValidationFailed
from whitecell.mind.languages import LANGUAGES, canonical_language, lookup_key


def test_every_spelling_names_one_language() -> None:
    spellings = Counter(
        lookup_key(s) for name, others in LANGUAGES.items() for s in (name, *others)
    )
    assert [s for s, n in spellings.items() if n > 1] == []
    assert all(name == name.lower() for name in LANGUAGES)
    assert {"javascript", "python", "ruby"} <= set(LANGUAGES)  # the spec's examples


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Python", "python"),
        (" PYTHON3 ", "python"),
        ("JavaScript", "javascript"),
        ("Node.js", "javascript"),
        ("C++", "cpp"),
        ("c#", "csharp"),
        ("Objective C", "objective-c"),
        ("golang", "go"),
        ("Type_Script", "typescript"),
    ],
)
def test_a_language_is_found_in_any_case_and_spelling(sent: str, stored: str) -> None:
    assert canonical_language("language", sent) == stored


async def test_a_project_stores_the_canonical_name_and_refuses_an_unknown_language(
    api: Api,
) -> None:
    made = await api.create(api.a, "code_projects", sample_body("code_projects", language="Rust"))
    assert made["language"] == "rust"
    refused = await api.client.post(
        "/api/v1/code_projects",
        json=sample_body("code_projects", language="Klingon++"),
        headers=api.a.headers,
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["errors"][0]["field"] == "language" and "Klingon++" in problem["detail"]
    path = f"/api/v1/code_projects/{made['_id']}"
    moved = await api.client.patch(path, json={"language": "TS"}, headers=api.a.headers)
    assert moved.status_code == 200 and moved.json()["language"] == "typescript"
    bad = await api.client.patch(path, json={"language": "", "title": "x"}, headers=api.a.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "language"
    kept = (await api.get(api.a, f"code_projects/{made['_id']}")).json()
    assert (kept["language"], kept["title"]) == ("typescript", made["title"])
    found = (await api.get(api.a, "code_projects", language="typescript")).json()["items"]
    assert [p["_id"] for p in found] == [made["_id"]]


def test_the_message_names_the_field_and_the_known_languages() -> None:
    with pytest.raises(ValidationFailed) as refused:
        canonical_language("language", "cobra")
    assert refused.value.errors[0].field == "language"
    assert "python" in refused.value.detail and "'cobra'" in refused.value.detail
