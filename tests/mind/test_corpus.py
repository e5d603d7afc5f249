"""The shipped Stoic corpus (docs/mind.md, "Stoic wisdom"): 300+ short, cited quotes from the
three works, on every install after `db upgrade`; loading it again adds nothing and keeps
everyone's saves."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.samples import sample_body
from tests.support import Api, scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url
from whitecell.mind.corpus import CORPUS, load_corpus, shipped_quotes
from whitecell.mind.stoic import THEMES

ROOT = Path(__file__).resolve().parents[2]
SOURCE = re.compile(
    r"^(Meditations \d{1,2}\.\d{1,2}|Discourses [1-4]\.\d{1,2}|Enchiridion \d{1,2}"
    r"|Fragments \d{1,2}a?|Moral Letters \d{1,3}\.\d{1,2})$"
)
WORKS = {"Marcus Aurelius": "Meditations", "Epictetus": "Discourses", "Seneca": "Moral Letters"}
# A first word that leans on a sentence before it: no quote may open with one.
LEANING = {"and", "but", "for", "so", "therefore", "this", "these", "he", "they"}


def test_the_corpus_is_300_short_cited_quotes_from_the_three_works() -> None:
    quotes = shipped_quotes()
    assert len(quotes) >= 300
    assert len({q["key"] for q in quotes}) == len(quotes)
    assert len({q["quote"] for q in quotes}) == len(quotes)
    authors = Counter(q["author"] for q in quotes)
    assert set(authors) == set(WORKS) and min(authors.values()) >= 80
    for quote in quotes:
        assert re.fullmatch(r"[0-9a-f]{16}", quote["key"])
        assert SOURCE.match(quote["source"]), quote
        assert quote["theme"] in THEMES
        text_ = quote["quote"]
        assert 40 <= len(text_) <= 320 and text_[-1] in ".!?", quote
        assert len(re.findall(r"[.!?](?:\s|$)", text_)) <= 4, quote  # a few sentences at most
        assert text_.startswith('"') or text_.split()[0].lower() not in LEANING, quote
        assert not re.search(r"\b(as I (have )?said|above|the former|the latter)\b", text_)
    used = Counter(q["theme"] for q in quotes)
    assert len(used) == len(THEMES) and min(used.values()) >= 5
    sources = Counter(q["source"].rsplit(" ", 1)[0] for q in quotes)
    assert {"Meditations", "Discourses", "Enchiridion", "Moral Letters"} <= set(sources)


@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "data" / "stoic").is_dir(),
    reason="the translations (../shared/data/stoic) are not beside this checkout",
)
def test_the_script_cuts_the_same_corpus_from_the_translations(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("stoic_corpus", ROOT / "scripts/stoic_corpus.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up while it loads
    spec.loader.exec_module(script)
    script.build(tmp_path / "corpus.json")
    shipped = ROOT / "src" / "whitecell" / "mind" / CORPUS
    assert json.loads((tmp_path / "corpus.json").read_text()) == json.loads(shipped.read_text())


def _count(url: str, where: str = "TRUE") -> int:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(f"SELECT count(*) FROM stoic_quotes WHERE {where}")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_an_empty_database_has_the_corpus_after_db_upgrade_and_a_saved_quote_survives_a_downgrade(
    tmp_path: Path,
) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url)
        assert _count(url) == len(shipped_quotes()) >= 300
        assert _count(url, '"corpusKey" IS NULL') == 0
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        'INSERT INTO users ("_id", email, name, username) '
                        "VALUES ('u1', 'u@x.io', 'U', 'u')"
                    )
                )
                connection.execute(
                    text('UPDATE stoic_quotes SET "savedBy" = \'["u1"]\' WHERE "corpusKey" = :key'),
                    {"key": shipped_quotes()[0]["key"]},
                )
        finally:
            engine.dispose()
        migrations.downgrade(url, "0020")
        assert _count(url) == 1  # the saved quote stays, the others go
        migrations.upgrade(url)
        assert _count(url) == len(shipped_quotes())  # adopted again by its text, not doubled
        assert (
            _count(
                url,
                "\"savedBy\" <> '[]'"
                if url.startswith("sqlite")
                else 'jsonb_array_length("savedBy") = 1',
            )
            == 1
        )


async def _load(api: Api) -> int:
    async with api.context.store.write() as tx:
        return await load_corpus(tx)


async def _total(api: Api) -> int:
    listed = await api.get(api.a, "stoic_quotes", count="true", limit=1)
    total: int = listed.json()["total"]
    return total


async def test_loading_the_corpus_again_adds_nothing_and_keeps_saves(api: Api) -> None:
    await _load(api)
    assert await _total(api) == len(shipped_quotes())
    first = (await api.get(api.a, "stoic_quotes", limit=1)).json()["items"][0]
    saved = await api.client.put(
        f"/api/v1/stoic_quotes/{first['_id']}/saved", headers=api.a.headers
    )
    assert saved.status_code == 200
    assert await _load(api) == 0
    assert await _total(api) == len(shipped_quotes())
    again = (await api.get(api.a, f"stoic_quotes/{first['_id']}")).json()
    assert again["savedBy"] == [api.a.id] and again["corpusKey"] == first["corpusKey"]


async def test_a_quote_already_there_with_a_corpus_text_is_adopted_not_doubled(api: Api) -> None:
    async with api.context.store.write() as tx:
        await tx.execute("DELETE FROM stoic_quotes")
    shipped = shipped_quotes()[5]
    body = sample_body("stoic_quotes", quote=shipped["quote"], author=shipped["author"])
    mine = await api.create(api.admin, "stoic_quotes", body)
    assert mine["corpusKey"] is None
    await api.client.put(f"/api/v1/stoic_quotes/{mine['_id']}/saved", headers=api.b.headers)
    assert await _load(api) == len(shipped_quotes()) - 1
    adopted = (await api.get(api.b, f"stoic_quotes/{mine['_id']}")).json()
    assert adopted["corpusKey"] == shipped["key"] and adopted["savedBy"] == [api.b.id]
    assert await _total(api) == len(shipped_quotes())
