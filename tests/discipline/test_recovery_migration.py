"""Revision 0013: duplicate check-ins of a day merged (the latest kept), streaks recomputed, one
check-in per user and day from then on; and back down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url

INSERT = text(
    'INSERT INTO pmo_tracker ("_id", "userId", "date", relapsed, "energyLevel", notes, '
    '"currentStreak", "longestStreak") VALUES (:id, :user, :day, :relapsed, :energy, :notes, 0, 0)'
)


def test_duplicates_are_merged_and_streaks_recomputed(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0011")
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as connection:
                for user in ("u", "v"):
                    connection.execute(
                        text(
                            'INSERT INTO users ("_id", email, name, username, "createdAt") '
                            "VALUES (:u, :email, 'U', :u, '2026-01-01 00:00:00')"
                        ),
                        {"u": user, "email": f"{user}@x.io"},
                    )
                for doc_id, user, day, relapsed, energy, notes in [
                    ("01a", "u", "2026-11-01", False, 3, None),
                    ("01b", "u", "2026-11-02", True, 2, "slipped"),  # the relapse is kept
                    ("01c", "u", "2026-11-02", False, None, None),  # the latest: kept
                    ("01d", "u", "2026-11-03", False, 4, None),
                    ("01e", "v", "2026-11-02", False, None, None),  # another user's day
                ]:
                    connection.execute(
                        INSERT,
                        {
                            "id": doc_id,
                            "user": user,
                            "day": day,
                            "relapsed": relapsed,
                            "energy": energy,
                            "notes": notes,
                        },
                    )
                connection.execute(
                    text(
                        'INSERT INTO xp_logs ("_id", "userId", action, "xpAmount", module, '
                        "\"sourceId\", date) VALUES (:id, 'u', :action, 10, 'discipline', "
                        "'01a', '2026-11-01 21:00:00')"
                    ),
                    [{"id": "x1", "action": "daily_check_in"}, {"id": "x2", "action": "other"}],
                )
            migrations.upgrade(url, "0013")
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        'SELECT "_id", relapsed, "energyLevel", notes, "currentStreak", '
                        '"longestStreak" FROM pmo_tracker ORDER BY "_id"'
                    )
                ).all()
            with engine.connect() as connection:
                paid = connection.execute(text('SELECT "_id" FROM xp_logs')).scalars().all()
            assert paid == ["x2"]  # the check-in's XP is gone, nothing else
            assert [(r[0], bool(r[1]), *r[2:]) for r in rows] == [
                ("01a", False, 3, None, 1, 1),
                ("01c", True, 2, "slipped", 0, 1),
                ("01d", False, 4, None, 1, 1),
                ("01e", False, None, None, 1, 1),
            ]
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(
                    INSERT,
                    {
                        "id": "01f",
                        "user": "u",
                        "day": "2026-11-03",
                        "relapsed": False,
                        "energy": None,
                        "notes": None,
                    },
                )
            migrations.downgrade(url, "0011")
            with engine.begin() as connection:  # a second check-in for a day is possible again
                connection.execute(
                    INSERT,
                    {
                        "id": "01f",
                        "user": "u",
                        "day": "2026-11-03",
                        "relapsed": False,
                        "energy": None,
                        "notes": None,
                    },
                )
        finally:
            engine.dispose()
