"""What the demo athlete follows: the push/pull/legs program, the foods and menus of three meals a
day with snacks, and the goals set on the first day (`demo/fitness.py` turns them into rows)."""

from __future__ import annotations

from typing import NamedTuple


class Lift(NamedTuple):
    name: str
    sets: int
    reps: int
    start_kg: float | None  # None: bodyweight
    step_kg: float  # added each week
    rpe: float


PROGRAM: dict[int, tuple[str, str, tuple[Lift, ...]]] = {  # weekday -> (name, type, lifts)
    0: (
        "Push day",
        "strength",
        (
            Lift("Bench Press", 4, 6, 70.0, 2.5, 8),
            Lift("Overhead Press", 3, 8, 40.0, 1.25, 8),
            Lift("Incline Dumbbell Press", 3, 10, 24.0, 0.0, 7.5),
            Lift("Triceps Pushdown", 3, 12, 25.0, 0.0, 7),
        ),
    ),
    2: (
        "Pull day",
        "strength",
        (
            Lift("Deadlift", 3, 5, 127.5, 5.0, 8.5),
            Lift("Pull-up", 4, 8, None, 0.0, 8),
            Lift("Barbell Row", 4, 8, 60.0, 2.5, 7.5),
            Lift("Dumbbell Curl", 3, 12, 12.0, 0.0, 7),
        ),
    ),
    4: (
        "Leg day",
        "strength",
        (
            Lift("Back Squat", 4, 6, 90.0, 2.5, 8),
            Lift("Romanian Deadlift", 3, 10, 80.0, 2.5, 7.5),
            Lift("Walking Lunge", 3, 12, 16.0, 0.0, 7),
            Lift("Standing Calf Raise", 4, 15, 60.0, 0.0, 7),
        ),
    ),
}
# When sessions start (local time): weekday evenings, the weekend mornings.
SESSION_START = {0: (18, 30), 2: (18, 30), 4: (18, 30), 5: (9, 30), 6: (10, 30)}


class Food(NamedTuple):
    name: str
    quantity: float
    unit: str
    calories: float
    protein: float
    carbs: float
    fat: float
    fiber: float | None = None


# Typical label values for the portion given (UK supermarket products and USDA entries).
F = {
    "oats": Food("Porridge oats", 100, "g", 379, 13.2, 67.7, 6.5, 10.0),
    "milk": Food("Semi-skimmed milk", 300, "ml", 150, 10.8, 14.4, 5.4),
    "orange_juice": Food("Orange juice", 250, "ml", 112, 1.7, 26.0, 0.5, 0.5),
    "banana": Food("Banana", 1, "medium", 105, 1.3, 27.0, 0.4, 3.1),
    "yogurt": Food("Greek yogurt 0%", 170, "g", 97, 17.3, 6.1, 0.7),
    "blueberries": Food("Blueberries", 100, "g", 57, 0.7, 14.5, 0.3, 2.4),
    "eggs": Food("Eggs, scrambled", 2, "large", 182, 12.2, 2.0, 13.4),
    "toast": Food("Wholemeal toast", 2, "slices", 170, 8.0, 29.0, 2.0, 5.0),
    "chicken": Food("Chicken breast, grilled", 180, "g", 297, 55.8, 0.0, 6.5),
    "rice": Food("Basmati rice, cooked", 300, "g", 390, 8.1, 84.0, 0.9, 1.2),
    "broccoli": Food("Broccoli, steamed", 100, "g", 35, 2.4, 4.4, 0.4, 3.3),
    "olive_oil": Food("Olive oil", 1, "tbsp", 119, 0.0, 0.0, 13.5),
    "salmon": Food("Salmon fillet, baked", 130, "g", 270, 26.0, 0.0, 18.0),
    "sweet_potato": Food("Sweet potato, baked", 200, "g", 180, 4.0, 41.4, 0.3, 6.6),
    "salad": Food("Mixed leaf salad", 80, "g", 16, 1.1, 2.4, 0.2, 1.4),
    "spaghetti": Food("Spaghetti, cooked", 300, "g", 474, 17.4, 92.7, 2.7, 5.4),
    "parmesan": Food("Parmesan, grated", 10, "g", 39, 3.6, 0.0, 2.9),
    "bolognese": Food("Beef bolognese sauce", 200, "g", 280, 22.0, 10.0, 17.0, 2.0),
    "soup": Food("Lentil soup", 400, "g", 220, 12.0, 34.0, 2.8, 6.0),
    "sandwich": Food("Tuna sweetcorn sandwich", 1, "pack", 384, 24.6, 40.2, 12.4, 4.1),
    "apple": Food("Apple", 1, "medium", 95, 0.5, 25.0, 0.3, 4.4),
    "crisps": Food("Ready salted crisps", 25, "g", 132, 1.6, 13.0, 8.2, 1.1),
    "whey": Food("Whey protein shake (water)", 30, "g", 120, 24.0, 3.0, 1.5),
    "almonds": Food("Almonds", 30, "g", 174, 6.3, 6.5, 15.0, 3.7),
    "peanut_butter": Food("Peanut butter", 2, "tbsp", 190, 8.0, 6.3, 16.0, 2.0),
    "burrito_bowl": Food("Chicken burrito bowl", 1, "bowl", 720, 42.0, 80.0, 24.0, 14.0),
    "chocolate": Food("Dark chocolate 70%", 20, "g", 120, 1.6, 9.1, 8.6, 2.2),
}
MENUS: dict[str, tuple[tuple[str, ...], ...]] = {
    "breakfast": (
        ("oats", "milk", "banana"),
        ("eggs", "toast", "orange_juice"),
        ("yogurt", "blueberries", "oats"),
    ),
    "lunch": (
        ("chicken", "rice", "broccoli", "olive_oil"),
        ("sandwich", "apple", "crisps"),
        ("soup", "toast", "yogurt"),
    ),
    "dinner": (
        ("salmon", "sweet_potato", "salad", "olive_oil"),
        ("spaghetti", "bolognese", "parmesan"),
        ("chicken", "rice", "broccoli", "olive_oil"),
        ("burrito_bowl",),
    ),
    "snack": (
        ("whey", "milk", "banana"),
        ("almonds", "apple"),
        ("yogurt", "blueberries"),
        ("toast", "peanut_butter"),
        ("chocolate",),
    ),
}
# (meal type, usual local time): two snacks, the evening one often skipped.
MEAL_TIMES = (
    ("breakfast", 7, 45),
    ("lunch", 12, 50),
    ("snack", 16, 15),
    ("dinner", 19, 10),
    ("snack", 21, 30),
)


# (goal type, name, target, unit, the measure it follows, lower is better, deadline in days)
FITNESS_GOALS = (
    ("strength", "Bench press 100 kg", 100.0, "kg", "Bench Press", False, 120),
    ("endurance", "5 km under 25 minutes", 25.0, "min", "5 km run", True, 60),
    ("weight", "Lean bulk to 79 kg", 79.0, "kg", "bodyweight", False, 45),
    ("strength", "Deadlift 140 kg", 140.0, "kg", "Deadlift", False, 14),
)
