"""Creator module: a small study/fitness channel's board (ideas to published), its idea list and
its reusable templates. The board is built with the board's own moves (`creator/queries.py`), so
each item's status history, position and publishing XP come from the same code as a client's."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z
from whitecell.creator.queries import move_item, promote_idea
from whitecell.creator.rules import PIPELINE
from whitecell.creator.tables import CONTENT_ITEMS
from whitecell.demo.writer import Document, Timeline, Writer

# (title, description, platforms, status, category, days ago made, due in days, metrics)
ITEMS: tuple[tuple[str, str, list[str], str, str, int, int | None, dict[str, int] | None], ...] = (
    (
        "How I study with spaced repetition",
        "Screen recording of a real review session plus the SM-2 idea in two minutes.",
        ["youtube"],
        "publishing",
        "study",
        24,
        -12,
        {"views": 4210, "likes": 388, "comments": 57, "shares": 41},
    ),
    (
        "3 Stoic quotes for exam week",
        "Epictetus, Seneca, Marcus: one line each over library b-roll.",
        ["tiktok", "instagram"],
        "publishing",
        "stoicism",
        16,
        -5,
        {"views": 12900, "likes": 1540, "comments": 96, "shares": 310},
    ),
    (
        "Lean bulk: four-week check-in",
        "Weights, photos side by side, what I eat on a normal day.",
        ["instagram", "youtube"],
        "production",
        "fitness",
        9,
        3,
        None,
    ),
    (
        "Sub-25 on the 3x3: what actually helped",
        "Cross on the bottom, look-ahead drills, finger tricks for PLLs.",
        ["youtube", "tiktok"],
        "scripting",
        "cubing",
        6,
        10,
        None,
    ),
    (
        "Big-O in ten tweets",
        "Thread: from O(1) to O(n^2) with everyday examples.",
        ["twitter"],
        "ideation",
        "study",
        3,
        None,
        None,
    ),
    (
        "A day in the life: exam season",
        "Morning routine, library, gym, evening shutdown.",
        ["youtube", "instagram", "tiktok"],
        "ideation",
        "lifestyle",
        1,
        21,
        None,
    ),
)
IDEAS = (
    (
        "Chess puzzle of the week, explained in 60 s",
        "series",
        ["Use the Lichess daily", "Pause before the key move"],
        ["chess", "puzzles"],
        "high",
    ),
    (
        "Memory palace: learn the first 10 elements live",
        "tutorial",
        ["Walk through my childhood home", "Quiz the viewer at the end"],
        ["memory", "study"],
        "high",
    ),
    (
        "What Seneca would say about doomscrolling",
        "evergreen",
        ["Letter 1: on saving time", "Letter 2: everywhere means nowhere"],
        ["stoicism"],
        "medium",
    ),
    (
        "Trying the 'study with me' trend for a week",
        "trending",
        ["Film 4 sessions", "Compare focus ratings"],
        ["studywithme"],
        "medium",
    ),
    (
        "Collab with a nutrition student: cheap high-protein meals",
        "collab",
        ["Budget under 3 pounds a meal", "Macros on screen"],
        ["nutrition", "budget"],
        "medium",
    ),
    (
        "Why I quit caffeine after 2 pm",
        "personal",
        ["Sleep data before/after"],
        ["sleep", "habits"],
        "low",
    ),
)
TEMPLATES: tuple[tuple[str, str, list[str], str, list[str], str], ...] = (
    (
        "60-second explainer",
        "tutorial",
        ["Hook: the question in 3 s", "One diagram", "One example", "Call to action"],
        "Did you know {{fact}}? Here's why in one minute. {{explanation}}. Follow for part 2.",
        ["tiktok", "instagram"],
        "60s",
    ),
    (
        "Progress check-in video",
        "fitness",
        ["Numbers first", "Photos side by side", "What worked", "What I'm changing"],
        "Week {{week}} of my {{goal}}. Weight {{weight}}, lifts {{lifts}}. "
        "The big change: {{change}}.",
        ["youtube", "instagram"],
        "8-10 min",
    ),
    (
        "Quote carousel",
        "stoicism",
        ["Quote on slide 1", "Who and when", "How I use it", "Question for comments"],
        "{{quote}} ({{author}}). This week I used it when {{situation}}.",
        ["instagram"],
        "5 slides",
    ),
)


# Items made from a template (each one counts a use: `reusageCount`).
TEMPLATE_OF = {
    "3 Stoic quotes for exam week": "Quote carousel",
    "Lean bulk: four-week check-in": "Progress check-in video",
    "Big-O in ten tweets": "60-second explainer",
}
# The idea promoted to an item on the board, and when (days ago in the story).
PROMOTED = ("Chess puzzle of the week, explained in 60 s", 2)
# How a published item's metrics grew: shares of the final numbers, read after publishing.
GROWTH = (0.2, 0.55, 1.0)


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    """Templates, then the board: each item is created in `ideation` and moved along the pipeline
    with the board's own move (so its status history and publishing XP are real); published ones
    get their metrics in three readings. Then the ideas, one promoted to the board."""
    templates: dict[str, str] = {}
    for name, category, outline, script, platforms, length in TEMPLATES:
        template = await w.create(
            "content_templates",
            {
                "name": name,
                "category": category,
                "outline": outline,
                "scriptTemplate": script,
                "platforms": platforms,
                "length": length,
            },
        )
        templates[name] = template["_id"]
    for title, description, platforms, status, category, days_ago, due, metrics in ITEMS:
        made = t.at(t.story(days_ago), 15, rng.randrange(60))
        body: dict[str, Any] = {
            "title": title,
            "description": description,
            "platform": platforms,
            "category": category,
        }
        if title in TEMPLATE_OF:
            body["templateId"] = templates[TEMPLATE_OF[title]]
        if due is not None:
            body["dueDate"] = t.today + timedelta(days=due)
            if status == "publishing":
                body["scheduledDate"] = t.at(t.today + timedelta(days=due), 18)
        if metrics:
            slug = title.lower().replace(" ", "-")[:40]
            # example.com (RFC 2606): a demo must not point at someone's real channel.
            body["links"] = [f"https://example.com/{platforms[0]}/{slug}"]
        item = await _created(w, body, made)
        stages = PIPELINE[1 : PIPELINE.index(status) + 1]
        step = min(timedelta(days=2), (t.now - made) / (len(stages) + len(GROWTH) + 1))
        moment = made
        for stage in stages:
            moment += step
            item = await move_item(w.tx, w.caller, item["_id"], stage, 1_000, at=moment)
        if not metrics:
            continue
        for share in GROWTH:
            moment += step
            reading = {name: round(value * share) for name, value in metrics.items()}
            item = await w.update("content_items", item, {"metrics": reading})
            item = await _dated(w, item, "metricsHistory", moment)
            item = await w.backdate("content_items", item, {"updatedAt": moment})
    ideas: dict[str, str] = {}
    for n, (title, category, points, tags, potential) in enumerate(IDEAS):
        idea = await w.create(
            "content_ideas",
            {
                "title": title,
                "category": category,
                "brainstormPoints": points,
                "tags": tags,
                "potential": potential,
            },
            at=t.at(t.story(26 - 4 * n), 22, rng.randrange(60)),
        )
        ideas[title] = idea["_id"]
    title, days_ago = PROMOTED
    when = t.at(t.story(days_ago), 11)
    item = await promote_idea(w.tx, w.caller, ideas[title], ["youtube", "tiktok"], at=when)
    await w.backdate("content_items", item, {"createdAt": when, "updatedAt": when})
    await _dated(w, w.made["content_items"][item["_id"]], "statusHistory", when)
    # Moves renumber other items and promotion marks its idea: keep the rows as they are now.
    for table in ("content_items", "content_ideas"):
        rows = await crud.select_documents(w.tx, table, '"userId" = :me', {"me": w.caller.id})
        w.made[table] = {row["_id"]: row for row in rows}


async def _created(w: Writer, body: dict[str, Any], made: datetime) -> Document:
    """A new item, its creation (and the first entry of its history) dated `made`."""
    item = await w.create("content_items", body, at=made)
    return await _dated(w, item, "statusHistory", made)


async def _dated(w: Writer, item: Document, history: str, moment: datetime) -> Document:
    """The last entry of an item's history, written by the server just now, dated `moment`
    instead: the demo's past, as `Writer.backdate` does for the row's own stamps."""
    entries = [*item[history][:-1], {**item[history][-1], "at": isoformat_z(moment)}]
    stored = await crud.amend_new_row(w.tx, CONTENT_ITEMS, item["_id"], {history: entries})
    w.made["content_items"][item["_id"]] = stored
    return stored
