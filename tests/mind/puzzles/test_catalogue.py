"""The puzzle catalogue: loaded with the shipped sample by `db upgrade`, filled by `whitecell
import lichess-puzzles` (idempotent, bad ids counted, the .zst download read as it is), read by
anyone signed in without the solutions, and the next puzzle served near one's rating."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from tests.mind.puzzles.positions import HEADER, MADE, TWO_MATES, csv_text
from tests.support import Api, ClientFactory, api_with, scratch_database
from whitecell.cli.main import cli
from whitecell.core import migrations
from whitecell.core.db import sync_url
from whitecell.core.store import Store
from whitecell.mind.puzzles.catalogue import SAMPLE, import_puzzles

FEN = TWO_MATES[1]
# The same position under other ids, ratings and themes, for the next-puzzle choice.
THEMED = "\n".join(
    [
        HEADER,
        f"near1,{FEN},c7c6 a1a8,1480,80,90,10,mate backRankMate,,",
        f"near2,{FEN},c7c6 a1a8,1530,80,90,10,mate,,",
        f"far01,{FEN},c7c6 a1a8,2400,80,90,10,mate fork,,",
        f"low01,{FEN},c7c6 a1a8,800,80,90,10,mate,,",
    ]
)


@pytest.fixture
async def chess(make_client: ClientFactory) -> Api:
    api = await api_with(make_client, gamification_enabled=False)
    await import_puzzles(api.context.store, io.StringIO(THEMED))
    return api


async def test_a_fresh_install_has_the_shipped_sample_in_its_catalogue(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url)
        engine = create_engine(sync_url(url))
        try:
            with engine.connect() as connection:
                count, low, high = connection.execute(
                    text("SELECT count(*), min(rating), max(rating) FROM chess_puzzle_catalogue")
                ).one()
                first = connection.execute(
                    text("SELECT fen, moves FROM chess_puzzle_catalogue WHERE \"_id\" = '000rZ'")
                ).one()
        finally:
            engine.dispose()
        migrations.downgrade(url, "0020")
        migrations.upgrade(url)
    assert (count, low, high) == (1192, 399, 2752)  # the 7 rows with mangled ids refused
    assert tuple(first) == (
        "2kr1b1r/p1p2pp1/2pqb3/7p/3N2n1/2NPB3/PPP2PPP/R2Q1RK1 w - - 2 13",
        "d4e6 d6h2",
    )


async def _log_and_size(store: Store) -> tuple[int, int]:
    """The change log's last seq and the catalogue's size."""
    async with store.read() as tx:
        seq = await tx.scalar("SELECT max(seq) FROM change_log")
        size = await tx.scalar("SELECT count(*) FROM chess_puzzle_catalogue")
    return int(seq or 0), int(size or 0)


async def test_importing_again_changes_nothing_and_a_changed_puzzle_is_updated(
    chess: Api,
) -> None:
    store = chess.context.store
    first = await import_puzzles(store, io.StringIO(csv_text(*MADE)))
    assert (first["read"], first["inserted"], first["unchanged"]) == (4, 4, 0)
    before = await _log_and_size(store)
    again = await import_puzzles(store, io.StringIO(csv_text(*MADE)))
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert await _log_and_size(store) == before  # no event, no row
    rerated = csv_text((*TWO_MATES[:3], 1250))
    assert (await import_puzzles(store, io.StringIO(rerated)))["updated"] == 1
    shown = await chess.get(chess.a, "chess_puzzle_catalogue/tmate")
    assert shown.json()["rating"] == 1250


def test_the_command_imports_a_csv_or_the_zst_download_and_counts_bad_ids(
    chess: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", chess.context.settings.resolved_database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    content = csv_text(*MADE, ("6E+087", FEN, "c7c6 a1a8", 900), ("12ab", FEN, "c7c6 a1a8", 900))
    plain = tmp_path / "lichess_db_puzzle.csv"
    plain.write_text(content, encoding="utf-8")
    packed = tmp_path / "lichess_db_puzzle.csv.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress(content.encode()))
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "lichess-puzzles", str(packed)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("read", "inserted", "badIds", "invalid")} == {
        "read": 6,
        "inserted": 4,
        "badIds": 2,
        "invalid": 0,
    }
    assert summary["refused"][0] == "line 6: '6E+087' not 5 letters or digits"
    again = runner.invoke(cli, ["import", "lichess-puzzles", str(plain)])
    assert json.loads(again.stdout.strip().splitlines()[-1])["unchanged"] == 4
    broken = tmp_path / "notes.csv"
    broken.write_text("title,body\nhello,world\n", encoding="utf-8")
    refused = runner.invoke(cli, ["import", "lichess-puzzles", str(broken)])
    assert refused.exit_code != 0 and "not a Lichess puzzle CSV" in refused.output


def test_the_shipped_sample_is_package_data_with_its_licence() -> None:
    assert SAMPLE.is_file() and SAMPLE.stat().st_size > 200_000
    note = SAMPLE.with_suffix(".md").read_text(encoding="utf-8")
    assert "CC0" in note and "database.lichess.org" in note
    pyproject = (Path(__file__).resolve().parents[3] / "pyproject.toml").read_text()
    assert '"mind/data/*"' in pyproject


async def test_the_catalogue_is_read_by_anyone_signed_in_without_its_solutions(
    chess: Api,
) -> None:
    for who in (chess.a, chess.b, chess.admin):
        shown = await chess.get(who, "chess_puzzle_catalogue/near1")
        assert shown.status_code == 200
        assert shown.json()["themes"] == ["mate", "backRankMate"] and "moves" not in shown.json()
    assert (await chess.client.get("/api/v1/chess_puzzle_catalogue/near1")).status_code == 401
    forks = await chess.get(chess.a, "chess_puzzle_catalogue", themes="fork")
    assert [p["_id"] for p in forks.json()["items"]] == ["far01"]
    for method, path in (
        ("POST", "/api/v1/chess_puzzle_catalogue"),
        ("PATCH", "/api/v1/chess_puzzle_catalogue/near1"),
        ("DELETE", "/api/v1/chess_puzzle_catalogue/near1"),
    ):
        answer = await chess.client.request(method, path, json={}, headers=chess.admin.headers)
        assert answer.status_code == 405, (method, answer.status_code)


async def test_the_next_puzzle_is_near_my_rating_and_not_one_i_solved(chess: Api) -> None:
    seen = set()
    for _ in range(20):
        found = await chess.get(chess.a, "chess_puzzles/next")
        assert found.status_code == 200 and "moves" not in found.json()
        seen.add(found.json()["_id"])
    assert seen <= {"near1", "near2"}  # within 100 of an unrated 1500
    opened = await chess.client.post(
        "/api/v1/chess_puzzles/attempts", json={"puzzleId": "near1"}, headers=chess.a.headers
    )
    solved = await chess.client.post(
        f"/api/v1/chess_puzzles/attempts/{opened.json()['_id']}/moves",
        json={"move": "b1b8"},
        headers=chess.a.headers,
    )
    assert solved.json()["solved"]
    themed = await chess.get(chess.a, "chess_puzzles/next", theme="backRankMate")
    assert themed.status_code == 404 and themed.json()["code"] == "not_found"
    assert (await chess.get(chess.b, "chess_puzzles/next", theme="backRankMate")).status_code == 200


async def test_the_next_puzzle_takes_a_rating_and_a_theme_and_reaches_further_if_needed(
    chess: Api,
) -> None:
    low = await chess.get(chess.a, "chess_puzzles/next", rating=700)
    assert low.json()["_id"] == "low01"
    fork = await chess.get(chess.a, "chess_puzzles/next", theme="fork")
    assert fork.json()["_id"] == "far01"  # 900 points away: the only fork there is
    for params, field in (({"rating": 5000}, "rating"), ({"theme": "a b"}, "theme")):
        bad = await chess.get(chess.a, "chess_puzzles/next", **params)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == field
