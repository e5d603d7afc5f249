"""The XP engine knows no module's table by name: what a table earns, and the streaks and fields
it feeds, are rows of the rule table (gamification/rules.py), so a new module adds rows there and
no branch to the engine."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import whitecell.gamification
import whitecell.models  # every table registered
from whitecell.core.tables import REGISTRY
from whitecell.gamification.rules import RULES

ENGINE = ("engine.py", "batch.py", "scoring.py", "streak_keeping.py", "totals.py")
OWN_TABLES = {"xp_logs", "streaks", "badges"}  # the engine's own, named through their constants
FLOORS_BELOW = ("whitecell.core", "whitecell.users", "whitecell.gamification")


def _source(name: str) -> ast.Module:
    folder = Path(whitecell.gamification.__file__).parent
    return ast.parse((folder / name).read_text(encoding="utf-8"))


def _texts(tree: ast.Module) -> list[str]:
    """Every string written in the code, docstrings and comments aside."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


@pytest.mark.parametrize("name", ENGINE)
def test_the_engine_names_no_module_table(name: str) -> None:
    tree = _source(name)
    texts = "\n".join(_texts(tree))
    named = {
        table
        for table in set(REGISTRY) - OWN_TABLES
        if re.search(rf"(?<![\w.]){re.escape(table)}(?![\w])", texts)
    }
    assert not named, f"{name} names {sorted(named)}: declare it on a rule in rules.py"
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("whitecell")
    }
    assert all(module.startswith(FLOORS_BELOW) for module in imported), imported


def test_a_rule_s_declarations_name_columns_of_its_own_table() -> None:
    for rule in RULES:
        columns = REGISTRY[rule.table].columns
        if rule.streak is not None:
            assert {rule.streak.day, rule.streak.done} <= set(columns), rule.action
        if rule.window is not None:
            window = {rule.window.start, rule.window.end, rule.window.total}
            assert window <= set(columns), rule.action
