"""Migration 0023 on solves stored before it: each gets the `sortTime` that `order=time`
follows (a +2 counted, a DNF after every finished time), unverified, and it runs down again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url
from whitecell.mind.cubing.solves import DNF_SORT_TIME


def test_solves_stored_before_0023_get_their_sort_time(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0020")
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        'INSERT INTO users ("_id", email, name, username) '
                        "VALUES ('u', 'u@x.io', 'U', 'u')"
                    )
                )
                for key, time, plus_two, dnf in [
                    ("plain", 12_000, False, False),
                    ("penalty", 11_000, True, False),
                    ("dnf", 9_000, False, True),
                ]:
                    connection.execute(
                        text(
                            'INSERT INTO cube_times ("_id", "userId", "cubeType", time, scramble, '
                            "date, dnf, \"plusTwo\") VALUES (:key, 'u', '3x3', :time, 'R', "
                            "'2026-01-01 10:00:00.000000', :dnf, :plus_two)"
                        ),
                        {"key": key, "time": time, "dnf": dnf, "plus_two": plus_two},
                    )
            migrations.upgrade(url)
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        'SELECT "_id", "sortTime", "scrambleVerified" FROM cube_times '
                        'ORDER BY "sortTime"'
                    )
                ).all()
            migrations.downgrade(url, "0020")
        finally:
            engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("plain", 12_000, False),
        ("penalty", 13_000, False),
        ("dnf", DNF_SORT_TIME, False),
    ]
