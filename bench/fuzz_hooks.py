"""Schemathesis hooks for `make fuzz` (bench/fuzz.py loads this file through SCHEMATHESIS_HOOKS).

CPython before 3.11.9 and 3.12.1 could fail `ast.parse` run by two threads at once with
"SystemError: AST constructor recursion depth mismatch" (https://github.com/python/cpython/issues/106905).
Hypothesis parses lambdas' source to describe its strategies, and schemathesis's workers are
threads, so a fuzz run on such an interpreter could end with that error instead of a finding.
One lock around `ast.parse` keeps it to one thread at a time; a parse is rare, the cost is nil.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_parse = ast.parse
_one_at_a_time = threading.Lock()


def _locked_parse(*args: Any, **kwargs: Any) -> Any:
    with _one_at_a_time:
        return _parse(*args, **kwargs)


ast.parse = _locked_parse
