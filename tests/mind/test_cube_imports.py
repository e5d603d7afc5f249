"""`POST /api/v1/cube_times/import` and `whitecell import cstimer`: a csTimer export (a fixture
written by hand from the documented format, ../shared/reference/domain-rules.md §4) becomes the
caller's solves once however often it is sent, with no XP; a bad file stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.support import Api, ClientFactory, Person, api_with
from whitecell.cli.main import cli
from whitecell.gamification.worker import Engine

FIXTURE = Path(__file__).parent / "fixtures" / "cstimer_20231114_221320.txt"
GOOD = [[0, 1000], "R U", "", 1700000000]  # a well-formed solve before the bad one


async def _import(api: Api, who: Person, content: bytes | None = None) -> httpx.Response:
    data = FIXTURE.read_bytes() if content is None else content
    return await api.client.post(
        "/api/v1/cube_times/import",
        files={"file": (FIXTURE.name, data, "text/plain")},
        headers=who.headers,
    )


async def _solves(api: Api, who: Person, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(who, "cube_times", limit=100, order="date", **params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_a_cstimer_export_becomes_solves_once(api: Api) -> None:
    first = await _import(api, api.a)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["created"], answer["duplicates"], answer["solves"]) == (7, 0, 7)
    assert answer["skipped"] == {"sessions": 1, "solves": 1}  # the Square-1 session
    assert answer["xpEarned"] == 0 and "no XP" in answer["xp"]
    assert [
        (s["name"], s["cubeType"], s["sessionId"], s["created"]) for s in answer["sessions"]
    ] == [
        ("Main 3x3", "3x3", "cstimer-1", 5),
        ("2", "2x2", "cstimer-2", 2),
        ("Square-1", None, None, 0),
    ]
    again = (await _import(api, api.a)).json()
    assert (again["created"], again["duplicates"]) == (0, 7)
    assert len(await _solves(api, api.a)) == 7


async def test_penalties_times_and_timestamps_are_read_as_csTimer_writes_them(api: Api) -> None:
    await _import(api, api.a)
    three = await _solves(api, api.a, cubeType="3x3")
    assert [(s["time"], s["plusTwo"], s["dnf"]) for s in three] == [
        (12345, False, False),
        (12345, True, False),  # [2000, 12345]: +2, the raw time kept
        (15000, False, True),  # [-1, 15000]: DNF, the raw time kept
        (11000, False, False),  # multi-phase: the first value is the total
        (10500, False, False),
    ]
    assert three[0]["date"] == "2023-11-14T22:13:20.000Z"  # Unix seconds 1700000000
    assert {s["sessionId"] for s in three} == {"cstimer-1"}
    assert {s["importSource"] for s in three} == {"cstimer"}
    assert not any(s["scrambleVerified"] for s in three)
    assert three[0]["scramble"] == "R U R' U' F2 D L2 B2 U' R2"
    two = await _solves(api, api.a, cubeType="2x2")
    assert [(s["time"], s["plusTwo"]) for s in two] == [(3456, False), (4000, True)]


async def test_imported_solves_count_in_the_statistics(api: Api) -> None:
    await _import(api, api.a)
    stats = (await api.get(api.a, "cube_times/stats", cubeType="3x3")).json()
    assert (stats["solves"], stats["dnfs"]) == (5, 1)
    assert stats["best"]["single"] == 10500
    # 12.34, 14.34 (+2), DNF, 11.00, 10.50: the DNF and 10.50 dropped -> 37.68 / 3 = 12.56.
    assert stats["current"]["ao5"] == 12560
    assert stats["best"]["mo3"] == -1  # every mean of 3 holds the DNF
    assert stats["mean"] == 12050  # (12.34 + 14.34 + 11.00 + 10.50) / 4 = 12.045, half up
    session = await api.get(api.a, "cube_times/stats", cubeType="2x2", sessionId="cstimer-2")
    assert session.json()["best"]["single"] == 3450 and session.json()["current"]["single"] == 6000


async def test_imported_solves_earn_no_xp(make_client: ClientFactory) -> None:
    game = await api_with(make_client, gamification_enabled=False)
    await _import(game, game.a)
    await game.context.service(Engine).drain()
    logs = (await game.get(game.a, "xp_logs", limit=100)).json()["items"]
    assert logs == []


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"not json", "is not JSON"),
        (b'{"properties": {}}', 'no "session1"'),
        (json.dumps({"session1": [GOOD, [[5, 1000], "R", "", 1]]}).encode(), "session1[1]"),
        (json.dumps({"session1": [GOOD, [[0, 1000], 7, "", 1]]}).encode(), "session1[1]"),
        (json.dumps({"session1": [GOOD, [[0, 1000], "R", ""]]}).encode(), "session1[1]"),
        (json.dumps({"session1": "[broken"}).encode(), "session1"),
    ],
)
async def test_a_bad_file_is_refused_whole_naming_where(
    api: Api, content: bytes, where: str
) -> None:
    response = await _import(api, api.a, content)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "file" and where in problem["detail"]
    assert await _solves(api, api.a) == []


async def test_someone_else_s_import_is_not_mine(api: Api) -> None:
    await _import(api, api.a)
    assert await _solves(api, api.b) == []
    assert (await api.get(api.b, "cube_times/stats", cubeType="3x3")).json()["solves"] == 0
    mine = (await _import(api, api.b)).json()
    assert mine["created"] == 7  # the same file is new to another account


async def test_an_anonymous_import_is_refused(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/cube_times/import", files={"file": (FIXTURE.name, FIXTURE.read_bytes())}
    )
    assert response.status_code == 401


def test_the_cli_imports_a_cstimer_export(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WHITECELL_GAMIFICATION_ENABLED", "false")
    runner = CliRunner()
    made = runner.invoke(cli, ["users", "create-admin", "cuber@example.com"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(cli, ["import", "cstimer", str(FIXTURE), "--user", "cuber@example.com"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["created"], summary["duplicates"]) == (7, 0)
    again = runner.invoke(cli, ["import", "cstimer", str(FIXTURE), "--user", "cuber@example.com"])
    assert json.loads(again.output.strip().splitlines()[-1])["created"] == 0
