"""Which failures hold a change-log batch back for the next round, and which are the row's own
(set aside so that everyone else keeps being scored): core/consumers.py."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from whitecell.core import consumers


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: xp_logs"), True),  # migrations pending
        (sqlite3.OperationalError("no such column: xp"), False),  # the row's query
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.ProgramLimitExceeded("too many"), False),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
    ],
)
def test_only_the_database_s_own_trouble_holds_a_batch_back(
    error: BaseException, transient: bool
) -> None:
    """A timeout one row always runs into would otherwise stall the engine round after round."""
    assert consumers.is_transient(error) is transient
