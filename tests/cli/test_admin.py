"""`whitecell admin`: each write changes what it says, is audited like the API's, and is refused
for anyone but an administrator."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from click.testing import Result
from sqlalchemy import Engine, text

from tests.cli.conftest import Run
from tests.helpers import bearer, sign_in
from tests.support import Mailbox

BOSS = "boss@example.com"
TARGET = "target@example.com"


@pytest.fixture
def people(run: Run, sync_engine: Engine) -> None:
    """An administrator (BOSS) and a plain user (TARGET)."""
    assert run("users", "create-admin", BOSS).exit_code == 0
    assert run("users", "create-admin", TARGET).exit_code == 0
    with sync_engine.begin() as connection:
        connection.execute(text("UPDATE users SET role = 'user' WHERE email = :e"), {"e": TARGET})


def _user(sync_engine: Engine, email: str) -> dict[str, Any]:
    with sync_engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM users WHERE email = :e"), {"e": email})
        return dict(row.mappings().one())


def _logs(sync_engine: Engine) -> list[dict[str, Any]]:
    with sync_engine.connect() as connection:
        rows = connection.execute(text('SELECT * FROM admin_logs ORDER BY "timestamp"'))
        logs = [dict(row) for row in rows.mappings()]
    for log in logs:
        if isinstance(log["changes"], str):  # SQLite keeps JSON as text
            log["changes"] = json.loads(log["changes"])
    return logs


@pytest.mark.usefixtures("people")
def test_role_and_subscription_change_and_are_audited_with_before_and_after(
    run: Run, sync_engine: Engine
) -> None:
    boss, target = _user(sync_engine, BOSS), _user(sync_engine, TARGET)
    result = run("admin", "role", TARGET, "creator", "--as", BOSS, "--reason", "writes courses")
    assert result.exit_code == 0 and f"{TARGET} is now creator" in result.output
    result = run("admin", "subscription", TARGET, "premium", "--until", "2027-01-31", "--as", BOSS)
    assert result.exit_code == 0
    assert "on premium until 2027-01-31T23:59:59.999Z" in result.output

    after = _user(sync_engine, TARGET)
    assert after["role"] == "creator" and after["subscription"] == "premium"
    assert str(after["subscriptionExpiry"])[:10] == "2027-01-31"
    role_log, plan_log = _logs(sync_engine)
    assert role_log["action"] == "users.update" and role_log["targetId"] == target["_id"]
    assert role_log["adminId"] == boss["_id"] and role_log["ipAddress"] == "cli"
    assert role_log["changes"] == {"before": {"role": "user"}, "after": {"role": "creator"}}
    assert role_log["reason"] == "writes courses"
    assert plan_log["changes"]["before"] == {"subscription": "free", "subscriptionExpiry": None}
    assert plan_log["changes"]["after"]["subscription"] == "premium"

    assert run("admin", "subscription", TARGET, "free", "--as", BOSS).exit_code == 0
    assert _user(sync_engine, TARGET)["subscriptionExpiry"] is None


async def test_a_ban_ends_the_sessions_and_unban_lets_the_user_back(
    run: Run, client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    async def cli(*args: str) -> Result:  # the CLI runs its own event loop: give it a thread
        return await asyncio.to_thread(run, *args)

    token = (await sign_in(client, mailbox, TARGET))["token"]
    assert (await cli("users", "create-admin", BOSS)).exit_code == 0
    result = await cli("admin", "ban", TARGET, "--reason", "spam", "--as", BOSS)
    assert result.exit_code == 0 and f"{TARGET} is banned" in result.output
    assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 401
    with sync_engine.connect() as connection:
        assert connection.execute(text('SELECT "isValid" FROM sessions')).scalar_one() in (0, False)

    assert (await cli("admin", "unban", TARGET, "--as", BOSS)).exit_code == 0
    assert (await sign_in(client, mailbox, TARGET))["user"]["isBanned"] is False
    ban_log, unban_log = _logs(sync_engine)
    assert ban_log["changes"] == {"before": {"isBanned": False}, "after": {"isBanned": True}}
    assert ban_log["reason"] == "spam"
    assert unban_log["changes"] == {"before": {"isBanned": True}, "after": {"isBanned": False}}


@pytest.mark.usefixtures("people")
def test_flag_is_created_then_updated_and_both_are_audited(run: Run, sync_engine: Engine) -> None:
    result = run("admin", "flag", "new-editor", "--on", "--rollout", "10", "--as", BOSS)
    assert result.exit_code == 0 and "flag new-editor: on, rollout 10%" in result.output
    result = run(
        "admin", "flag", "new-editor", "--off", "--role", "creator", "--user", TARGET, "--as", BOSS
    )
    assert result.exit_code == 0 and "off, rollout 10%" in result.output

    with sync_engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM feature_flags")).mappings().one()
    targets = row["targetUsers"]
    assert (json.loads(targets) if isinstance(targets, str) else targets) == [
        _user(sync_engine, TARGET)["_id"]
    ]
    assert row["isEnabled"] in (0, False) and row["rolloutPercentage"] == 10
    created, updated = _logs(sync_engine)
    assert created["action"] == "feature_flags.create" and created["targetType"] == "system"
    assert created["changes"]["after"]["rolloutPercentage"] == 10
    assert updated["action"] == "feature_flags.update"
    assert updated["changes"]["before"] == {"isEnabled": True, "targetRoles": [], "targetUsers": []}
    assert updated["changes"]["after"]["targetRoles"] == ["creator"]


@pytest.mark.usefixtures("people")
def test_log_prints_the_newest_entries_and_filters_by_target(run: Run) -> None:
    run("admin", "role", TARGET, "creator", "--as", BOSS)
    run("admin", "flag", "beta", "--on", "--as", BOSS)
    lines = [json.loads(line) for line in run("admin", "log").output.splitlines()]
    assert [line["action"] for line in lines] == ["feature_flags.create", "users.update"]
    assert lines[1]["adminEmail"] == BOSS
    only = run("admin", "log", "--target", TARGET, "--limit", "5").output.splitlines()
    assert [json.loads(line)["action"] for line in only] == ["users.update"]
    assert len(run("admin", "log", "--limit", "1").output.splitlines()) == 1


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    "command",
    [
        ("role", BOSS, "user"),
        ("subscription", BOSS, "premium"),
        ("ban", BOSS, "--reason", "coup"),
        ("unban", BOSS),
        ("flag", "beta", "--on"),
    ],
)
def test_a_non_admin_is_refused_and_nothing_is_written(
    run: Run, sync_engine: Engine, command: tuple[str, ...]
) -> None:
    result = run("admin", *command, "--as", TARGET)
    assert result.exit_code != 0
    assert "refused for non-admins" in result.output
    assert _logs(sync_engine) == []
    assert _user(sync_engine, BOSS)["role"] == "admin"
    with sync_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM feature_flags")).scalar_one() == 0


@pytest.mark.usefixtures("people")
def test_an_unknown_email_exits_non_zero_with_a_clear_message(
    run: Run, sync_engine: Engine
) -> None:
    result = run("admin", "role", "nobody@example.com", "admin", "--as", BOSS)
    assert result.exit_code == 1 and "no account for nobody@example.com" in result.output
    result = run("admin", "role", TARGET, "admin", "--as", "ghost@example.com")
    assert result.exit_code == 1 and "no account for ghost@example.com (--as)" in result.output
    result = run("admin", "flag", "beta", "--user", "nobody@example.com", "--as", BOSS)
    assert result.exit_code == 1 and "no account for nobody@example.com" in result.output
    assert run("admin", "log", "--target", "nobody@example.com").exit_code == 1
    assert _logs(sync_engine) == []
