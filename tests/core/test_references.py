"""References between rows: checked on write, released on delete, cascaded with the account."""

from __future__ import annotations

from tests.samples import client_tables, sample_body
from tests.support import Api
from whitecell.core.changes import ChangeEvent
from whitecell.core.tables import REGISTRY
from whitecell.users import service as users


async def test_deleting_a_note_leaves_no_dangling_reference(api: Api) -> None:
    note = await api.create(api.a, "notes", sample_body("notes", title="Source"))
    other = await api.create(api.a, "notes", sample_body("notes", title="Other"))
    linking = await api.create(
        api.a, "notes", sample_body("notes", linkedNotes=[note["_id"], other["_id"]])
    )
    card = await api.create(
        api.a, "flashcards", sample_body("flashcards", sourceNoteId=note["_id"])
    )
    # Each commit's events, as published: the XP engine commits in the background meanwhile.
    commits: list[list[ChangeEvent]] = []
    unsubscribe = api.context.store.subscribe(lambda events: commits.append(list(events)))
    try:
        response = await api.client.delete(f"/api/v1/notes/{note['_id']}", headers=api.a.headers)
    finally:
        unsubscribe()
    assert response.status_code == 204

    card_after = (await api.get(api.a, f"flashcards/{card['_id']}")).json()
    assert card_after["sourceNoteId"] is None
    assert card_after["updatedAt"] > card["updatedAt"]
    linking_after = (await api.get(api.a, f"notes/{linking['_id']}")).json()
    assert linking_after["linkedNotes"] == [other["_id"]]
    # Every row the delete touched is announced, so live views drop the reference too.
    seq = int(response.headers["X-Change-Seq"])
    [events] = [events for events in commits if events[-1].seq == seq]  # the delete's own
    touched = {(e.table, e.op, e.id) for e in events}
    assert touched == {
        ("notes", "delete", note["_id"]),
        ("flashcards", "update", card["_id"]),
        ("notes", "update", linking["_id"]),
    }


async def test_deleting_a_template_workout_unlinks_the_workouts_made_from_it(api: Api) -> None:
    template = await api.create(api.a, "workouts", sample_body("workouts", name="Push day"))
    done = await api.create(api.a, "workouts", sample_body("workouts", templateId=template["_id"]))
    await api.client.delete(f"/api/v1/workouts/{template['_id']}", headers=api.a.headers)
    assert (await api.get(api.a, f"workouts/{done['_id']}")).json()["templateId"] is None


async def test_references_are_checked_on_update_too(api: Api) -> None:
    note = await api.create(api.a, "notes", sample_body("notes"))
    bobs = await api.create(api.b, "notes", sample_body("notes"))
    response = await api.client.patch(
        f"/api/v1/notes/{note['_id']}",
        json={"linkedNotes": [bobs["_id"]]},
        headers=api.a.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "linkedNotes"
    # Bob's id is not echoed back as "exists": the message is the same as for a made-up id.
    made_up = await api.client.patch(
        f"/api/v1/notes/{note['_id']}", json={"linkedNotes": ["x" * 20]}, headers=api.a.headers
    )
    assert made_up.json()["detail"].replace("x" * 20, bobs["_id"]) == response.json()["detail"]


async def test_deleting_an_account_removes_its_rows_everywhere_and_only_its_rows(api: Api) -> None:
    tables = client_tables()
    for table in tables:
        for who in (api.a, api.b):
            await api.create(who, table.name, sample_body(table))
    flag = await api.create(
        api.admin,
        "feature_flags",
        sample_body("feature_flags", name="beta", targetUsers=[api.a.id, api.b.id]),
    )
    quote = await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes"))
    for who in (api.a, api.b):
        await api.client.put(f"/api/v1/stoic_quotes/{quote['_id']}/saved", headers=who.headers)
    await api.client.post("/api/v1/analytics", json={"event": "opened"}, headers=api.a.headers)

    async with api.context.store.write() as tx:
        await users.delete_user(tx, api.a.id, api.a.user["email"])

    async with api.context.store.read() as tx:
        for table in [*tables, REGISTRY["sessions"], REGISTRY["analytics"]]:
            mine = await tx.scalar(
                f'SELECT count(*) FROM "{table.name}" WHERE "userId" = :id', {"id": api.a.id}
            )
            theirs = await tx.scalar(
                f'SELECT count(*) FROM "{table.name}" WHERE "userId" = :id', {"id": api.b.id}
            )
            assert (table.name, mine) == (table.name, 0)
            if table.name != "analytics":
                assert (table.name, theirs) == (table.name, 1)
    flag_after = (await api.get(api.admin, f"feature_flags/{flag['_id']}")).json()
    assert flag_after["targetUsers"] == [api.b.id]
    saved = (await api.get(api.b, f"stoic_quotes/{quote['_id']}")).json()["savedBy"]
    assert saved == [api.b.id]
    async with api.context.store.read() as tx:
        raw = await tx.scalar(
            'SELECT "savedBy" FROM stoic_quotes WHERE "_id" = :id', {"id": quote["_id"]}
        )
    assert api.a.id not in str(raw)
