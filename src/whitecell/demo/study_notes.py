"""The demo student's notes: Markdown (with `$...$` maths, tables and code) that name each other
as `[[Title]]`; the study builder turns those names into `linkedNotes` ids, as a notes app would.
"""

from __future__ import annotations

from typing import NamedTuple


class Note(NamedTuple):
    title: str
    subject: str
    tags: tuple[str, ...]
    color: str | None
    pinned: bool
    days_ago: int  # when it was first written
    content: str


NOTES: tuple[Note, ...] = (
    Note(
        "Limits and continuity",
        "Mathematics",
        ("calculus", "definitions"),
        "#3b82f6",
        False,
        26,
        r"""# Limits and continuity

A **limit** describes what $f(x)$ approaches as $x$ approaches $a$, whether or not $f(a)$ exists.

$$\lim_{x \to a} f(x) = L$$

means: for every $\varepsilon > 0$ there is a $\delta > 0$ such that $0 < |x - a| < \delta$
implies $|f(x) - L| < \varepsilon$.

## Continuity

$f$ is continuous at $a$ when three things hold:

1. $f(a)$ is defined;
2. $\lim_{x \to a} f(x)$ exists;
3. the two are equal.

## Worked example

$\lim_{x \to 0} \frac{\sin x}{x} = 1$, by the squeeze theorem with
$\cos x \le \frac{\sin x}{x} \le 1$ near 0.

> The derivative is itself a limit: see [[Derivatives: the chain rule]].

- [x] Problem set 2, questions 1-3
- [ ] Problem set 2, questions 4-7
""",
    ),
    Note(
        "Derivatives: the chain rule",
        "Mathematics",
        ("calculus", "derivatives", "exam"),
        "#3b82f6",
        True,
        24,
        r"""# Derivatives: the chain rule

If $y = f(g(x))$ then

$$\frac{dy}{dx} = f'(g(x)) \cdot g'(x)$$

"Derivative of the outside, evaluated at the inside, times the derivative of the inside."

## Examples

| function | derivative |
|---|---|
| $\sin(3x)$ | $3\cos(3x)$ |
| $(x^2 + 1)^5$ | $10x(x^2 + 1)^4$ |
| $e^{x^2}$ | $2x e^{x^2}$ |

## Common mistakes

- Forgetting the inner derivative (writing $\cos(3x)$ in the first row).
- Using it on a product: $x \sin x$ needs the *product* rule.

Built on [[Limits and continuity]]; read it backwards and you get
[[Integration by substitution]].
""",
    ),
    Note(
        "Integration by substitution",
        "Mathematics",
        ("calculus", "integrals"),
        "#3b82f6",
        False,
        17,
        r"""# Integration by substitution

The chain rule read backwards ([[Derivatives: the chain rule]]):

$$\int f(g(x))\,g'(x)\,dx = \int f(u)\,du, \qquad u = g(x)$$

## Recipe

1. Pick $u$ = the "inside" function whose derivative also appears.
2. Write $du = g'(x)\,dx$.
3. Integrate in $u$, then substitute back.

**Example.** $\int 2x\cos(x^2)\,dx$: let $u = x^2$, $du = 2x\,dx$; the integral is
$\sin(x^2) + C$.

For a definite integral change the limits too: $x = 0 \to u = 0$, $x = 2 \to u = 4$.
""",
    ),
    Note(
        "Big-O notation",
        "Computer Science",
        ("algorithms", "complexity"),
        "#10b981",
        False,
        25,
        r"""# Big-O notation

$f(n) = O(g(n))$ if there are constants $c > 0$ and $n_0$ with $f(n) \le c \cdot g(n)$ for all
$n \ge n_0$: an *upper bound* on growth that ignores constant factors.

| class | example |
|---|---|
| $O(1)$ | array index, hash-table lookup (average) |
| $O(\log n)$ | [[Binary search]] |
| $O(n)$ | one pass over a list |
| $O(n \log n)$ | merge sort, heapsort: see [[Sorting algorithms compared]] |
| $O(n^2)$ | insertion sort on reversed input |

Big-Theta is a tight bound (above and below); Big-Omega a lower bound.

**Rule of thumb:** drop constants and lower-order terms: $3n^2 + 10n + 7 = O(n^2)$.
""",
    ),
    Note(
        "Binary search",
        "Computer Science",
        ("algorithms", "python"),
        "#10b981",
        False,
        22,
        r"""# Binary search

Finds a value in a **sorted** array by halving the range at each step: $O(\log n)$ comparisons
([[Big-O notation]]).

```python
def binary_search(items: list[int], target: int) -> int:
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
```

Pitfalls:

- Off-by-one errors: decide whether `hi` is inclusive and stick to it.
- With fixed-width integers `(lo + hi) / 2` can overflow; write `lo + (hi - lo) / 2`.
- Python already has it: `bisect.bisect_left`.
""",
    ),
    Note(
        "Sorting algorithms compared",
        "Computer Science",
        ("algorithms", "sorting", "exam"),
        "#10b981",
        False,
        15,
        r"""# Sorting algorithms compared

| algorithm | best | average | worst | stable | extra memory |
|---|---|---|---|---|---|
| insertion sort | $O(n)$ | $O(n^2)$ | $O(n^2)$ | yes | $O(1)$ |
| merge sort | $O(n \log n)$ | $O(n \log n)$ | $O(n \log n)$ | yes | $O(n)$ |
| quicksort | $O(n \log n)$ | $O(n \log n)$ | $O(n^2)$ | no | $O(\log n)$ |
| heapsort | $O(n \log n)$ | $O(n \log n)$ | $O(n \log n)$ | no | $O(1)$ |

- Python's `sorted` is a merge sort that exploits runs already in the data (Timsort): stable,
  and $O(n)$ on sorted input.
- No comparison sort beats $\Omega(n \log n)$ comparisons in the worst case.

Related: [[Big-O notation]], [[Binary search]] (which needs sorted input).
""",
    ),
    Note(
        "Cell structure: organelles",
        "Biology",
        ("cells", "exam"),
        "#f59e0b",
        False,
        27,
        r"""# Cell structure: organelles

| organelle | job |
|---|---|
| nucleus | holds the DNA; transcription happens here |
| ribosome | builds proteins (free, or on the rough ER) |
| rough ER | folds and modifies proteins for export |
| smooth ER | makes lipids, detoxifies |
| Golgi apparatus | sorts, packages and ships proteins |
| mitochondrion | aerobic respiration, makes ATP |
| lysosome | digests worn-out parts and invaders |
| chloroplast | photosynthesis (plants and algae only) |

**White blood cells** (leukocytes) are full of lysosomes: neutrophils and macrophages engulf
bacteria (phagocytosis) and digest them.

Next: how cells divide, [[Mitosis vs meiosis]].
""",
    ),
    Note(
        "Mitosis vs meiosis",
        "Biology",
        ("cells", "genetics"),
        "#f59e0b",
        False,
        20,
        r"""# Mitosis vs meiosis

| | mitosis | meiosis |
|---|---|---|
| purpose | growth, repair | gametes |
| divisions | 1 | 2 |
| daughter cells | 2, diploid (2n) | 4, haploid (n) |
| genetically | identical to the parent | all different |
| crossing over | no | yes, in prophase I |

Phases of mitosis: **PMAT**, prophase, metaphase, anaphase, telophase (then cytokinesis).

*Why two divisions?* The first halves the chromosome number; the second separates the sister
chromatids.

See also [[Cell structure: organelles]].
""",
    ),
    Note(
        "The dichotomy of control",
        "Philosophy",
        ("stoicism", "epictetus"),
        "#8b5cf6",
        False,
        19,
        r"""# The dichotomy of control

Epictetus opens the *Enchiridion* with it:

> Of all existing things some are in our power, and others are not in our power.

**In my power:** judgements, intentions, effort, how I respond.
**Not in my power:** my body (in the end), other people's opinions, results, the weather.

## How I use it

- Before an exam I write two lists. Revision hours go in the first; the grade goes in the second.
- When training stalls I look at the first list only: sleep, food, the program.

Practised every day in my [[Morning reflection routine]].
""",
    ),
    Note(
        "Morning reflection routine",
        "Philosophy",
        ("stoicism", "routine"),
        "#8b5cf6",
        True,
        12,
        r"""# Morning reflection routine

Ten minutes, before the phone.

1. Read one quote (this week: *Meditations*, Book 2: "Begin the morning by saying to thyself,
   I shall meet with the busy-body, the ungrateful...").
2. Write the day's **one** most important task.
3. Imagine one thing that may go wrong today, and how I will meet it.
4. Evening: three lines. What went well, what didn't, what I will change.

Why: Seneca, Letter 1: *"While we are postponing, life speeds by."*

Linked: [[The dichotomy of control]], [[Spaced repetition: how I review]].
""",
    ),
    Note(
        "Spaced repetition: how I review",
        "Study Skills",
        ("learning", "flashcards"),
        None,
        False,
        9,
        r"""# Spaced repetition: how I review

Each card comes back just before I would forget it. After a review I grade my recall from 0 to
5; good answers push the next review further out (1 day, 6 days, then times the ease factor:
that is SM-2).

## My rules

- Make cards from a note the same day (from [[Mitosis vs meiosis]] and [[Big-O notation]],
  for instance).
- One fact per card, no lists on the back.
- Twenty minutes a day beats three hours on Sunday.
- A card that fails three times gets rewritten: the card is the problem.
""",
    ),
)
