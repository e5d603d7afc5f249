"""The demo student's flashcards (most made from a note), quizzes and textbooks."""

from __future__ import annotations

from typing import Any, NamedTuple


class Card(NamedTuple):
    subject: str
    question: str
    answer: str
    difficulty: int
    note: str | None  # the title of the note it was made from


CARDS: tuple[Card, ...] = (
    Card(
        "Mathematics",
        "State the chain rule.",
        "d/dx f(g(x)) = f'(g(x)) * g'(x)",
        2,
        "Derivatives: the chain rule",
    ),
    Card("Mathematics", "d/dx sin(3x) = ?", "3cos(3x)", 1, "Derivatives: the chain rule"),
    Card("Mathematics", "d/dx (x^2 + 1)^5 = ?", "10x(x^2 + 1)^4", 2, "Derivatives: the chain rule"),
    Card("Mathematics", "d/dx e^(x^2) = ?", "2x e^(x^2)", 2, "Derivatives: the chain rule"),
    Card(
        "Mathematics", "lim x->0 of sin(x)/x = ?", "1 (squeeze theorem)", 2, "Limits and continuity"
    ),
    Card(
        "Mathematics",
        "The three conditions for f to be continuous at a?",
        "f(a) is defined; the limit as x->a exists; the two are equal.",
        3,
        "Limits and continuity",
    ),
    Card(
        "Mathematics",
        "Integrate 2x cos(x^2) dx.",
        "sin(x^2) + C (substitute u = x^2)",
        3,
        "Integration by substitution",
    ),
    Card("Computer Science", "Time complexity of binary search?", "O(log n)", 1, "Binary search"),
    Card(
        "Computer Science",
        "What must be true of the input to binary search?",
        "It must be sorted.",
        1,
        "Binary search",
    ),
    Card(
        "Computer Science",
        "Why write lo + (hi - lo) / 2 instead of (lo + hi) / 2?",
        "It cannot overflow a fixed-width integer.",
        3,
        "Binary search",
    ),
    Card(
        "Computer Science",
        "Worst case of quicksort, and when?",
        "O(n^2): when every pivot is the smallest or largest element (a first-element pivot "
        "on sorted input).",
        3,
        "Sorting algorithms compared",
    ),
    Card(
        "Computer Science",
        "Name a stable O(n log n) sort.",
        "Merge sort (or Timsort).",
        2,
        "Sorting algorithms compared",
    ),
    Card(
        "Computer Science",
        "Define f(n) = O(g(n)).",
        "There are c > 0 and n0 with f(n) <= c * g(n) for all n >= n0.",
        4,
        "Big-O notation",
    ),
    Card(
        "Computer Science",
        "Worst-case lower bound for comparison sorting?",
        "Omega(n log n) comparisons.",
        3,
        "Big-O notation",
    ),
    Card(
        "Biology",
        "Where does aerobic respiration happen?",
        "In the mitochondria.",
        1,
        "Cell structure: organelles",
    ),
    Card(
        "Biology",
        "What does the Golgi apparatus do?",
        "Modifies, sorts and packages proteins for secretion or delivery.",
        2,
        "Cell structure: organelles",
    ),
    Card(
        "Biology",
        "Which organelle lets a macrophage digest the bacteria it engulfs?",
        "The lysosome.",
        2,
        "Cell structure: organelles",
    ),
    Card(
        "Biology",
        "What does mitosis produce?",
        "Two genetically identical diploid cells.",
        1,
        "Mitosis vs meiosis",
    ),
    Card(
        "Biology",
        "What does meiosis produce?",
        "Four genetically different haploid cells.",
        2,
        "Mitosis vs meiosis",
    ),
    Card(
        "Biology",
        "When does crossing over happen?",
        "Prophase I of meiosis.",
        3,
        "Mitosis vs meiosis",
    ),
    Card(
        "Biology",
        "The phases of mitosis, in order?",
        "Prophase, metaphase, anaphase, telophase (PMAT).",
        2,
        "Mitosis vs meiosis",
    ),
    Card(
        "Philosophy",
        "Epictetus: what is in our power?",
        "Thought, impulse, will to get and will to avoid: everything which is our own doing.",
        2,
        "The dichotomy of control",
    ),
    Card("Philosophy", "Who wrote the Moral Letters to Lucilius?", "Seneca.", 1, None),
    Card(
        "Philosophy",
        '"The universe is transformation: life is opinion." Who?',
        "Marcus Aurelius, Meditations.",
        2,
        None,
    ),
    Card(
        "Study Skills",
        "SM-2: the first two review intervals?",
        "1 day, then 6 days.",
        2,
        "Spaced repetition: how I review",
    ),
)


def question(
    qid: str, kind: str, text: str, answer: str, options: list[str] | None = None
) -> dict[str, Any]:
    q: dict[str, Any] = {"id": qid, "type": kind, "text": text, "correctAnswer": answer}
    if options:
        q["options"] = options
    return q


CHAIN_RULE_QUESTIONS = [
    question("q1", "short_answer", "Differentiate sin(3x).", "3cos(3x)"),
    question(
        "q2",
        "multiple_choice",
        "d/dx (x^2 + 1)^5 = ?",
        "10x(x^2 + 1)^4",
        ["5(x^2 + 1)^4", "10x(x^2 + 1)^4", "10x(x^2 + 1)^5", "2x(x^2 + 1)^4"],
    ),
    question("q3", "short_answer", "Differentiate e^(x^2).", "2x e^(x^2)"),
    question(
        "q4",
        "multiple_choice",
        "Which rule do you need for x sin(x)?",
        "product rule",
        ["chain rule", "product rule", "quotient rule"],
    ),
]

# (title, subject, difficulty, days ago, seconds spent, limit, AI-made, questions, my answers)
QUIZZES: tuple[tuple[str, str, str, int, int, int | None, bool, list[Any], list[str]], ...] = (
    (
        "Chain rule warm-up",
        "Mathematics",
        "medium",
        21,
        540,
        600,
        False,
        CHAIN_RULE_QUESTIONS,
        ["3cos(3x)", "5(x^2 + 1)^4", "2x e^(x^2)", "chain rule"],
    ),
    (
        "Algorithms: complexity",
        "Computer Science",
        "easy",
        16,
        300,
        None,
        False,
        [
            question(
                "q1",
                "multiple_choice",
                "Binary search on n sorted items takes...",
                "O(log n)",
                ["O(1)", "O(log n)", "O(n)", "O(n log n)"],
            ),
            question(
                "q2",
                "multiple_choice",
                "Which sort is stable?",
                "merge sort",
                ["quicksort", "heapsort", "merge sort"],
            ),
            question(
                "q3",
                "multiple_choice",
                "3n^2 + 10n + 7 is...",
                "O(n^2)",
                ["O(n)", "O(n^2)", "O(n^3)"],
            ),
            question(
                "q4",
                "short_answer",
                "Name the sorting algorithm behind Python's sorted().",
                "Timsort",
            ),
            question(
                "q5",
                "multiple_choice",
                "Worst case of quicksort?",
                "O(n^2)",
                ["O(n log n)", "O(n^2)", "O(2^n)"],
            ),
        ],
        ["O(log n)", "merge sort", "O(n^2)", "timsort", "O(n log n)"],
    ),
    (
        "Cell biology check",
        "Biology",
        "medium",
        10,
        720,
        900,
        False,
        [
            question(
                "q1",
                "multiple_choice",
                "Where is ATP made by aerobic respiration?",
                "mitochondria",
                ["nucleus", "mitochondria", "Golgi apparatus", "ribosomes"],
            ),
            question(
                "q2",
                "matching",
                "Match: mitochondrion, ribosome, lysosome -> ATP, proteins, digestion",
                "mitochondrion-ATP, ribosome-proteins, lysosome-digestion",
            ),
            question("q3", "short_answer", "How many cells does meiosis produce?", "4"),
            question(
                "q4", "short_answer", "In which phase does crossing over happen?", "prophase I"
            ),
        ],
        [
            "mitochondria",
            "mitochondrion-ATP, ribosome-proteins, lysosome-digestion",
            "4",
            "metaphase I",
        ],
    ),
    (
        "Stoics: who said it?",
        "Philosophy",
        "easy",
        6,
        180,
        None,
        True,
        [
            question(
                "q1",
                "multiple_choice",
                '"We suffer more often in imagination than in reality."',
                "Seneca",
                ["Seneca", "Epictetus", "Marcus Aurelius"],
            ),
            question(
                "q2",
                "multiple_choice",
                '"The universe is transformation: life is opinion."',
                "Marcus Aurelius",
                ["Seneca", "Epictetus", "Marcus Aurelius"],
            ),
            question(
                "q3",
                "multiple_choice",
                '"Difficulties are what show men\'s character."',
                "Epictetus",
                ["Seneca", "Epictetus", "Marcus Aurelius"],
            ),
        ],
        ["Seneca", "Marcus Aurelius", "Epictetus"],
    ),
    (
        "Chain rule warm-up",
        "Mathematics",
        "medium",
        3,
        390,
        600,
        False,
        CHAIN_RULE_QUESTIONS,
        ["3cos(3x)", "10x(x^2 + 1)^4", "2x e^(x^2)", "product rule"],
    ),
)

# (title, subject, author, pages, current page, course, bookmarks, annotations)
TEXTBOOKS: tuple[tuple[str, str, str, int, int, str | None, list[int], list[Any]], ...] = (
    (
        "Calculus",
        "Mathematics",
        "Gilbert Strang",
        615,
        142,
        "MATH 101: Calculus I",
        [64, 98, 131],
        [
            (64, "The derivative is the instantaneous rate of change.", "highlight", "#fde047"),
            (98, "Chain rule: do problems 2.5 #3, #7, #12 before Friday.", "note", None),
            (131, "Substitution = chain rule backwards.", "highlight", "#86efac"),
        ],
    ),
    (
        "Open Data Structures",
        "Computer Science",
        "Pat Morin",
        336,
        77,
        "CS 102: Data Structures",
        [12, 45],
        [(45, "Amortised cost of ArrayStack.add is O(1).", "highlight", "#fde047")],
    ),
    (
        "Meditations",
        "Philosophy",
        "Marcus Aurelius (tr. George Long)",
        204,
        118,
        None,
        [9, 57, 101],
        [
            (9, "Begin the morning by saying to thyself...", "highlight", "#c4b5fd"),
            (57, "Compare with Epictetus, Enchiridion 1.", "note", None),
        ],
    ),
)
