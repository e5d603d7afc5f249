"""The crash loop of `make crashloop` (bench/crashloop.py), short: a real `whitecell serve` on
SQLite killed with SIGKILL during concurrent writes, twice, loses no acknowledged write, keeps an
intact file and a gapless change log, and its engine catches up with nothing set aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.crashloop import run

pytestmark = pytest.mark.e2e


def test_kill_9_during_concurrent_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    figures, _ = run(2, writers=4, min_load=0.3, max_load=1.0, seed=10, data_dir=tmp_path / "data")
    assert figures.acknowledged > 0
    assert figures.lost == 0 and figures.unlogged == 0
    assert figures.integrity_ok == 3 and not figures.integrity_failures
    assert figures.log_gaps == 0 and figures.log_rewound == 0
    assert (figures.engine_behind, figures.dead_letters, figures.totals_wrong) == (0, 0, 0)
    assert figures.ok, figures.table()
