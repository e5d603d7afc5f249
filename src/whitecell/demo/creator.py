"""Creator module: a small study/fitness channel's board (ideas to published), its idea list and
its reusable templates."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from whitecell.demo.writer import Timeline, Writer

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


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    for title, description, platforms, status, category, days_ago, due, metrics in ITEMS:
        made = t.at(t.story(days_ago), 15, rng.randrange(60))
        body: dict[str, Any] = {
            "title": title,
            "description": description,
            "platform": platforms,
            "status": status,
            "category": category,
        }
        if due is not None:
            body["dueDate"] = t.today + timedelta(days=due)
            if status == "publishing":
                body["scheduledDate"] = t.at(t.today + timedelta(days=due), 18)
        if metrics:
            body["metrics"] = metrics
            slug = title.lower().replace(" ", "-")[:40]
            # example.com (RFC 2606): a demo must not point at someone's real channel.
            body["links"] = [f"https://example.com/{platforms[0]}/{slug}"]
        await w.create("content_items", body, at=made, updated=min(made + timedelta(days=2), t.now))
    for n, (title, category, points, tags, potential) in enumerate(IDEAS):
        await w.create(
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
    for name, category, outline, script, platforms, length in TEMPLATES:
        await w.create(
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
