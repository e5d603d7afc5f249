"""Discipline module: the day's tasks (most done, some not, none on the sick day), two recurring
tasks whose coming instances the server makes, habit stacks, and an evening recovery check-in
whose streak the server computes (a relapse entered a day late)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from whitecell.demo.writer import Timeline, Writer
from whitecell.discipline.habits import mark_stack

# (title, category, priority, due "HH:MM" or None); every day, then by weekday (Monday = 0).
EVERY_DAY = (
    ("Morning reflection (10 min)", "mindset", 3, "07:30"),
    ("Review due flashcards", "study", 4, "20:00"),
    ("Read 20 pages of the Meditations", "reading", 2, None),
)
BY_WEEKDAY: dict[int, tuple[tuple[str, str, int, str | None], ...]] = {
    0: (
        ("Push day at the gym", "fitness", 4, "18:30"),
        ("Calculus lecture notes", "study", 3, None),
    ),
    1: (
        ("Calculus problem set 3", "study", 5, "17:00"),
        ("3x3 practice: 12 solves", "mind", 2, None),
    ),
    2: (
        ("Pull day at the gym", "fitness", 4, "18:30"),
        ("Film study-tips short", "creator", 3, "16:00"),
    ),
    3: (
        ("Algorithms lab write-up", "study", 5, "12:00"),
        ("Meal prep for three days", "health", 3, "19:00"),
    ),
    4: (
        ("Leg day at the gym", "fitness", 4, "18:30"),
        ("Biology reading: chapter 4", "study", 3, None),
    ),
    5: (("Parkrun 5K", "fitness", 4, "09:00"), ("Laundry and tidy room", "chores", 2, None)),
    6: (("Weekly review and plan", "planning", 5, "18:00"), ("Call grandma", "family", 3, "17:00")),
}
# Recurring tasks (task_recurrences): the server makes their instances for the coming week.
RECURRING: tuple[dict[str, object], ...] = (
    {
        "title": "Stretch for 10 minutes",
        "category": "health",
        "priority": 2,
        "dueTime": "07:15",
        "frequency": "weekdays",
    },
    {
        "title": "Water the plants",
        "category": "chores",
        "priority": 1,
        "frequency": "weekly",
        "weekdays": ["WE", "SA"],
    },
)
HABIT_STACKS = (
    (
        "Morning launch",
        "After I pour my first coffee",
        ["Read one Stoic quote", "Write the day's one most important task", "10 push-ups"],
        "easy",
    ),
    (
        "Study start",
        "When I sit down at my desk",
        ["Phone in the drawer", "Start a 25-minute Pomodoro", "Review due flashcards first"],
        "medium",
    ),
    (
        "Evening shutdown",
        "After dinner",
        ["Write three lines of journal", "Plan tomorrow's top three", "Screens off by 23:00"],
        "hard",
    ),
)
HABIT_HOURS = (7, 9, 22)  # the local hour each stack is done at, in HABIT_STACKS order
HABIT_MISSED = {"easy": 0.1, "medium": 0.2, "hard": 0.3}  # the share of days left undone
ONE_DAY = timedelta(days=1)
CHECK_IN_NOTES = (
    "Late night scrolling was the trigger. Phone charges in the kitchen from now on.",
    "Urge after the gym; went for a walk instead.",
    "Good day. Focus in the library was noticeably better.",
    "Stressful deadline. Talked to a friend, which helped.",
)


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    await _tasks(w, t, rng)
    await _habit_stacks(w, t)
    await _check_ins(w, t, rng)


async def _tasks(w: Writer, t: Timeline, rng: random.Random) -> None:
    for day in t.dates():
        for title, category, priority, due in EVERY_DAY + BY_WEEKDAY[day.weekday()]:
            hour, minute = (int(part) for part in (due or "21:00").split(":"))
            done = (
                not t.is_sick_day(day)
                and t.happened(day, hour, minute)
                and rng.random() < (0.9 if priority >= 4 else 0.75)
            )
            body: dict[str, object] = {
                "date": day,
                "title": title,
                "category": category,
                "completed": done,
                "priority": priority,
            }
            if due:
                body["dueTime"] = due
            finished = t.at(day, hour, minute) if done else None
            await w.create("daily_tasks", body, completed=finished)
    for rule in RECURRING:
        await w.create("task_recurrences", {**rule, "startDate": t.today})


async def _habit_stacks(w: Writer, t: Timeline) -> None:
    """Each stack ticked off day by day from the day after it was made, through the routes'
    own function (`mark_stack`): most days whole, some only partly, a few forgotten, and now
    and then a forgotten day filled in the next morning. Its streaks are the rule's, never set
    by hand."""
    for n, (name, anchor, habits, difficulty) in enumerate(HABIT_STACKS):
        made = t.story(27 - 5 * n)
        stack = await w.create(
            "habit_stacks",
            {"name": name, "anchorHabit": anchor, "habits": habits, "difficulty": difficulty},
            at=t.at(made, 8, 10),
        )
        rng = random.Random(f"habit_stacks:{name}")  # noqa: S311  (demo data, not secrets)
        hour = HABIT_HOURS[n]
        for day in (d for d in t.dates() if d > made and t.happened(d, hour)):
            roll = rng.random()
            if t.is_sick_day(day) or roll < HABIT_MISSED[difficulty]:
                continue
            chosen: list[int] | None = None  # the whole stack
            if roll < HABIT_MISSED[difficulty] + 0.1:
                chosen = sorted(rng.sample(range(len(habits)), len(habits) - 1))  # one left
            today = day
            if roll > 0.95 and t.happened(day + ONE_DAY, 8):
                today = day + ONE_DAY  # forgotten at night, back-filled the next morning
            stack = await mark_stack(w.tx, w.caller, stack["_id"], day, chosen, True, today)
        w.made["habit_stacks"][stack["_id"]] = stack


async def _check_ins(w: Writer, t: Timeline, rng: random.Random) -> None:
    """An evening check-in most days. The relapse is owned up to a day late: its check-in is
    entered after the next one, back-dated, and the server recomputes the later streak (no
    streak number is set here: docs/discipline.md)."""
    relapse = t.story(22)
    owed: dict[str, object] | None = None
    for day in t.dates():
        if day != relapse and (rng.random() < 0.1 or not t.happened(day, 21, 45)):
            continue  # a forgotten check-in
        calm = min(5, 2 + _days_since(relapse, day) // 6)
        body: dict[str, object] = {
            "date": day,
            "relapsed": day == relapse,
            "energyLevel": max(1, min(5, calm + rng.choice((-1, 0, 0, 1)))),
            "focusLevel": max(1, min(5, calm + rng.choice((-1, 0, 0, 1)))),
            "moodLevel": max(1, min(5, calm + rng.choice((-1, 0, 1)))),
            "confidenceLevel": max(1, min(5, calm + rng.choice((-1, 0, 0)))),
        }
        if day == relapse:
            body["notes"] = CHECK_IN_NOTES[0]
            owed = body
            continue
        if rng.random() < 0.15:
            body["notes"] = rng.choice(CHECK_IN_NOTES[1:])
        await w.create("pmo_tracker", body)
        if owed is not None:
            await w.create("pmo_tracker", owed)
            owed = None
    if owed is not None:
        await w.create("pmo_tracker", owed)


def _days_since(start: date, day: date) -> int:
    return max(0, (day - start).days)
