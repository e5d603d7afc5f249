"""AI module: a few coach conversations (one per module, one pinned; their messages written as
the server stores them) and what the coach has learned about the student."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z
from whitecell.core.tables import REGISTRY
from whitecell.demo.writer import Timeline, Writer

# (topic, module, mode, pinned, days ago, context, [(role, text)])
CONVERSATIONS: tuple[
    tuple[str, str, str, bool, int, dict[str, Any], list[tuple[str, str]]], ...
] = (
    (
        "Chain rule: when do I need it?",
        "study",
        "normal",
        True,
        22,
        {"subject": "Mathematics", "note": "Derivatives: the chain rule"},
        [
            ("user", "How do I know when to use the chain rule instead of the product rule?"),
            (
                "assistant",
                "Look at how the pieces are combined. If one function sits *inside* another, "
                "like sin(3x) or (x^2 + 1)^5, use the chain rule. If two functions are "
                "*multiplied*, like x sin(x), use the product rule. Some need both: "
                "x sin(3x) is a product whose second factor needs the chain rule.",
            ),
            ("user", "So d/dx of x sin(3x) is sin(3x) + 3x cos(3x)?"),
            (
                "assistant",
                "Exactly: product rule gives 1 * sin(3x) + x * d/dx sin(3x), and the chain "
                "rule turns d/dx sin(3x) into 3cos(3x). Want three more to practise?",
            ),
        ],
    ),
    (
        "Bench press: repeat the week?",
        "fitness",
        "normal",
        False,
        10,
        {"exercise": "Bench Press"},
        [
            ("user", "I missed a session when I was sick. Repeat the week or carry on?"),
            (
                "assistant",
                "One missed session costs almost nothing: carry on with the next planned "
                "weight, and if the last set drops below 5 reps, repeat that weight next week. "
                "Your logged meals average a little under your 2,600 kcal target, which matters "
                "more than one skipped day on a lean bulk.",
            ),
            ("user", "OK. Should I raise the calorie target then?"),
            (
                "assistant",
                "Your weight is rising about 0.2 kg a week, which is on plan. Raise it to "
                "about 2,750 kcal only if the scale stalls for two weeks.",
            ),
        ],
    ),
    (
        "Which opening should I learn first?",
        "mind",
        "research",
        False,
        8,
        {"puzzleRating": 1450},
        [
            ("user", "I'm around 1450 in puzzles. Which opening should I learn as White?"),
            (
                "assistant",
                "At your level, pick one with clear plans rather than memorised lines. The "
                "Italian Game (1.e4 e5 2.Nf3 Nc6 3.Bc4) teaches quick development and central "
                "control, and its ideas appear in many of the tactics puzzles you solve.",
            ),
        ],
    ),
    (
        "Plan for next week",
        "general",
        "normal",
        False,
        1,
        {},
        [
            ("user", "Help me plan next week: midterm in under 3 weeks, gym 4x, one video."),
            (
                "assistant",
                "Here is a draft: two 50-minute calculus blocks on Monday, Tuesday and "
                "Thursday (past papers), flashcards every evening, gym on your usual push/pull/"
                "legs days plus the Saturday 5K, and film the check-in video on Wednesday "
                "afternoon when you have no lectures. Shall I add these as daily tasks?",
            ),
            ("user", "Yes, but keep Sunday evening free for the weekly review."),
        ],
    ),
)
MEMORY = (
    ("Preparing for the Calculus I midterm; wants 85%.", "goals", "manual", 1.0),
    (
        "Trains push/pull/legs on Mon/Wed/Fri and runs a 5K on Saturdays.",
        "activities",
        "auto_learned",
        0.9,
    ),
    ("Prefers short answers with one worked example.", "preferences", "manual", 1.0),
    (
        "Learns best with spaced repetition; reviews flashcards in the evening.",
        "learning",
        "auto_learned",
        0.8,
    ),
    ("Reads the Stoics every morning; likes Epictetus.", "preferences", "auto_learned", 0.7),
    ("Lean bulk towards 79 kg.", "goals", "manual", 1.0),
)


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    usage: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for topic, module, mode, pinned, days_ago, context, turns in CONVERSATIONS:
        start = t.at(t.story(days_ago), 21, rng.randrange(30))
        conversation = await w.create(
            "ai_conversations",
            {
                "topic": topic,
                "module": module,
                "mode": mode,
                "context": context,
                "isPinned": pinned,
            },
            at=start,
            updated=min(start + timedelta(minutes=2 * len(turns)), t.now),
        )
        # The turns as the coach would have stored them (ai/conversations.py), written by the
        # server: a client cannot write messages.
        for n, (role, content) in enumerate(turns, start=1):
            await w.insert_server_row(
                "ai_messages",
                {
                    "conversationId": conversation["_id"],
                    "seq": n,
                    "role": role,
                    "content": content,
                    "tokens": len(content.split()) * 4 // 3,
                    "sources": [],
                    "model": "demo" if role == "assistant" else None,
                },
                private={"timestamp": isoformat_z(min(start + timedelta(minutes=2 * n), t.now))},
            )
        await crud.amend_new_row(
            w.tx, REGISTRY["ai_conversations"], conversation["_id"], {"messageCount": len(turns)}
        )
        # The day's usage, as the quota counted those turns (docs/ai.md, "Quotas"): each question
        # went with the conversation so far.
        tokens = [len(content.split()) * 4 // 3 for _, content in turns]
        day = usage[start.astimezone(t.zone).date().isoformat()]
        day["requests"] += len(turns) // 2
        day["promptTokens"] += sum(sum(tokens[: n + 1]) for n in range(0, len(tokens), 2))
        day["completionTokens"] += sum(tokens[1::2])
    for day_name, used in sorted(usage.items()):
        await w.insert_server_row("ai_usage", {"day": day_name, **used})
    for n, (item, category, source, confidence) in enumerate(MEMORY):
        # Facts the coach learned are the server's to write (`source`, `confidence`).
        await w.insert_server_row(
            "ai_context_memory",
            {"contextItem": item, "category": category},
            private={
                "source": source,
                "confidence": confidence,
                "createdAt": isoformat_z(t.at(t.story(25 - 4 * n), 21, 30)),
            },
        )
