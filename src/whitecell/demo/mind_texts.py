"""What the demo student writes in the mind module: debates, memory palaces, code, strategies."""

from __future__ import annotations

from typing import Any

# (topic, days ago, my argument, the AI's counterargument, my rebuttal or None, quality 1-5)
DEBATES: tuple[tuple[str, int, str, str, str | None, int | None], ...] = (
    (
        "Should every university lecture be recorded and put online?",
        23,
        "Recordings make learning fairer. Students who work, commute or are ill do not fall "
        "behind, and everyone can replay the hard ten minutes instead of copying the slides in "
        "a panic. Lectures are already the least interactive part of a course, so little is lost.",
        "Recordings change behaviour: attendance drops, and with it the informal questions, "
        "study groups and accountability that predict who passes. Lecturers also self-censor "
        "when every aside is permanent, so the live lecture gets worse for those who do come.",
        "Then record, but release after a delay (say, a week before the exam) and keep "
        "seminars live and unrecorded. That keeps the fairness and most of the attendance.",
        4,
    ),
    (
        "Is free will compatible with determinism?",
        14,
        "Yes. Freedom is not the absence of causes but acting from my own reasons without "
        "coercion. A choice caused by my values is still mine; a random one would be less mine, "
        "not more. This is close to the Stoic view: assent to impressions is in our power even "
        "in a fated world.",
        "If every choice follows from prior states you did not choose, then 'your reasons' are "
        "just the last link in a chain that began before you were born. Calling that freedom "
        "redefines the word to save it; it cannot ground desert, praise or blame.",
        "Praise and blame still work as reasons that change future behaviour, which is what "
        "they are for. I accept that ultimate desert is lost; everyday responsibility is not.",
        5,
    ),
    (
        "Should social media be banned for under-16s?",
        4,
        "A ban is a blunt but enforceable default. Platforms are designed to maximise time "
        "spent, and teenagers are the users least able to resist. Parents alone cannot push "
        "back when every classmate is online.",
        "Bans push teens to worse, unmoderated corners, require age checks that collect ID from "
        "everyone, and cut off isolated young people from communities that help them. Design "
        "rules (no infinite feeds, no night notifications for minors) target the harm directly.",
        None,
        None,
    ),
)

# (name, description, [(location, description, items)])
PALACES: tuple[tuple[str, str, list[tuple[str, str, list[str]]]], ...] = (
    (
        "Childhood home: the first ten elements",
        "Two images per room, walking in from the front door.",
        [
            (
                "Front door",
                "Green door, brass knocker.",
                [
                    "Hydrogen (H): a fire hydrant jammed in the doorway",
                    "Helium (He): balloons tied to the knocker",
                ],
            ),
            (
                "Hallway mirror",
                "Tall mirror opposite the coat hooks.",
                [
                    "Lithium (Li): a giant phone battery leaning on the mirror",
                    "Beryllium (Be): a bear wearing an emerald necklace",
                ],
            ),
            (
                "Kitchen table",
                "Round wooden table, four chairs.",
                [
                    "Boron (B): a wild boar eating borax from a bowl",
                    "Carbon (C): a pile of charcoal with one diamond on top",
                ],
            ),
            (
                "Staircase",
                "Thirteen steps, creaky fourth step.",
                [
                    "Nitrogen (N): a knight frozen stiff in liquid nitrogen",
                    "Oxygen (O): an oxygen mask hanging on every step",
                ],
            ),
            (
                "My old bedroom",
                "Bunk bed under the window.",
                [
                    "Fluorine (F): toothpaste squeezed all over the pillow",
                    "Neon (Ne): a buzzing neon sign above the bed",
                ],
            ),
        ],
    ),
    (
        "Walk to campus: the four Stoic virtues",
        "For the philosophy essay: one virtue per stop, with its Greek name.",
        [
            (
                "Bus stop",
                "Glass shelter, timetable board.",
                ["Wisdom (sophia): an owl reading the timetable"],
            ),
            ("Bakery", "Queue out of the door at 8.", ["Courage (andreia): a lion serving bread"]),
            (
                "Canal bridge",
                "Narrow bridge, cyclists.",
                ["Justice (dikaiosyne): scales balanced on the railing"],
            ),
            (
                "Library steps",
                "Wide stone steps.",
                ["Temperance (sophrosyne): a single glass of water on each step"],
            ),
        ],
    ),
)

AO5 = '''"""Average of 5, WCA Regulations 9f8 and 9f9: drop the best and the worst."""

from decimal import ROUND_HALF_UP, Decimal

DNF = None  # a solve that did not finish


def effective(ms: int | None, plus_two: bool = False) -> float:
    """A solve's time for ranking: a DNF is worse than any time."""
    if ms is None:
        return float("inf")
    return float(ms + (2000 if plus_two else 0))


def average_of_5(solves: list[float]) -> float | None:
    """None (DNF) with two or more DNFs; else the mean of the middle three, to 10 ms."""
    if len(solves) != 5:
        raise ValueError("an average of 5 needs exactly 5 solves")
    middle = sorted(solves)[1:-1]
    if float("inf") in middle:
        return None
    mean = Decimal(sum(middle)) / 3
    return float((mean / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10)


if __name__ == "__main__":
    times = [effective(ms) for ms in (10000, 12000, 11000, DNF, 9000)]
    print(average_of_5(times))  # 11000.0
'''

BINARY_SEARCH = '''"""Binary search three ways, to compare them in the notes."""

from bisect import bisect_left


def iterative(items: list[int], target: int) -> int:
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = lo + (hi - lo) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def recursive(items: list[int], target: int, lo: int = 0, hi: int | None = None) -> int:
    hi = len(items) - 1 if hi is None else hi
    if lo > hi:
        return -1
    mid = lo + (hi - lo) // 2
    if items[mid] == target:
        return mid
    if items[mid] < target:
        return recursive(items, target, mid + 1, hi)
    return recursive(items, target, lo, mid - 1)


def with_bisect(items: list[int], target: int) -> int:
    i = bisect_left(items, target)
    return i if i < len(items) and items[i] == target else -1


if __name__ == "__main__":
    data = [2, 3, 5, 7, 11, 13, 17, 19]
    for find in (iterative, recursive, with_bisect):
        assert find(data, 13) == 5 and find(data, 4) == -1
    print("all three agree")
'''

POMODORO = r"""// Pomodoro timer: 25 minutes of focus, 5 of rest, a long break every 4 rounds.
const WORK = 25, SHORT = 5, LONG = 15;

function schedule(rounds) {
  const plan = [];
  for (let i = 1; i <= rounds; i++) {
    plan.push({ kind: "work", minutes: WORK });
    plan.push({ kind: "break", minutes: i % 4 === 0 ? LONG : SHORT });
  }
  return plan;
}

function countdown(minutes, label) {
  return new Promise((resolve) => {
    let left = minutes * 60;
    const timer = setInterval(() => {
      left -= 1;
      const mm = String(Math.floor(left / 60)).padStart(2, "0");
      const ss = String(left % 60).padStart(2, "0");
      process.stdout.write(`\r${label} ${mm}:${ss} `);
      if (left <= 0) {
        clearInterval(timer);
        process.stdout.write("\u0007\n");
        resolve();
      }
    }, 1000);
  });
}

(async () => {
  for (const step of schedule(Number(process.argv[2] || 4))) {
    await countdown(step.minutes, step.kind === "work" ? "Focus" : "Rest ");
  }
})();
"""

# (title, description, language, tags, public, days ago, code)
CODE: tuple[tuple[str, str, str, list[str], bool, int, str], ...] = (
    (
        "Ao5 calculator",
        "WCA average of 5 with DNF handling, to check my cube_times stats.",
        "python",
        ["cubing", "wca"],
        True,
        18,
        AO5,
    ),
    (
        "Binary search, three ways",
        "Iterative, recursive and bisect, for the algorithms module.",
        "python",
        ["algorithms", "study"],
        False,
        22,
        BINARY_SEARCH,
    ),
    (
        "Pomodoro timer",
        "Tiny Node script I run in a terminal tab while studying.",
        "javascript",
        ["productivity", "node"],
        False,
        9,
        POMODORO,
    ),
)

# (title, description, category, rating, [(page, text, kind)])
STRATEGIES: tuple[tuple[str, str, str, int | None, list[tuple[int, str, str]]], ...] = (
    (
        "The Lucena position",
        "Rook and pawn against rook: 'building a bridge' to shelter the king from checks.",
        "chess",
        5,
        [
            (1, "Bring the rook to the fourth rank first, then walk the king out.", "note"),
            (2, "The defending king is cut off by a file: that is why it wins.", "highlight"),
        ],
    ),
    (
        "Sun Tzu, The Art of War (tr. Lionel Giles)",
        "Public-domain translation, read for the strategy reading group.",
        "military",
        4,
        [(1, "All warfare is based on deception.", "highlight")],
    ),
    (
        "Prisoner's dilemma and tit for tat",
        "Axelrod's tournaments: nice, retaliating, forgiving and clear strategies do best.",
        "game_theory",
        5,
        [(3, "Tit for tat never beats its opponent in a single match, yet wins overall.", "note")],
    ),
    (
        "The Eisenhower matrix",
        "Urgent vs important: how I sort the week's tasks on Sunday evening.",
        "business",
        None,
        [],
    ),
)


def palace_locations(locations: list[tuple[str, str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {"id": f"loc{n}", "name": name, "description": description, "items": items}
        for n, (name, description, items) in enumerate(locations, start=1)
    ]
