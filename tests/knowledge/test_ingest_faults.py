"""`kb ingest` killed with SIGKILL at random points never leaves a corrupt index: the index
still answers after each kill, and the next ingest finishes (evals/bench_faults_ingest.py runs
the long version)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from evals.bench_faults_ingest import kill_runs


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_ingest_killed_at_random_points_leaves_a_working_index(
    small_kb: Path, tmp_path: Path
) -> None:
    report = kill_runs(small_kb, tmp_path / "index", runs=2, rng=random.Random(17))
    assert report.runs == 2
    assert report.corrupt == 0, report.problems
