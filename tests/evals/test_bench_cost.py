"""The cost benchmark's process part runs end to end on a small sample: one command, one run,
this checkout against itself as the base (the full runs are `python -m evals.bench_cost`)."""

from __future__ import annotations

import argparse
import json

import pytest

from evals import bench_cost_process


def test_start_part_reports_medians_and_ratios(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_cost_process, "START_COMMANDS", {"help": ["--help"]})
    args = argparse.Namespace(runs=1, base=bench_cost_process.ROOT, turns=0)
    seen = bench_cost_process.start(args)
    assert set(seen["help"]) == {"new", "base", "ratio"}
    new = seen["help"]["new"]
    assert new["wall_s"] > 0 and new["cpu_s"] > 0 and new["peak_mb"] > 10
    assert new["wall_s"] < 30  # --help answered (a hang or a crash would raise or time out)


def test_new_calls_are_new_and_timed() -> None:
    """The warm part's "new call" figure debriefs another call each run (its first line
    differs), so nothing kept from an earlier debrief of the same call is measured."""
    from agent.settings import CoachContext
    from evals import bench_cost_warm_child as child

    one, two = (child._long_call_request(40, take) for take in (1, 2))
    assert one.transcript != two.transcript
    assert len(json.loads(str(one.transcript))) == 40
    seen = child._fresh_calls(40, 1, CoachContext(outbox=None, memory=None))
    assert seen["utterances"] == 40 and seen["cpu_median_ms"] > 0


def test_warm_part_times_each_request_and_reports_full_collections_apart() -> None:
    """One capability's window: a time, the collector's time and a full-collection flag per
    request; pooled, the p50 without full collections leaves out exactly the flagged ones."""
    import gc

    from evals import bench_cost_warm, bench_cost_warm_child

    watched = bench_cost_warm_child._Collections()
    gc.callbacks.append(watched)
    try:
        gc.collect(1)
        assert not watched.full and watched.counts[1] == 1
        gc.collect()
        assert watched.full and watched.counts[2] == 1 and watched.ms > 0
    finally:
        gc.callbacks.remove(watched)
    seen = bench_cost_warm_child.measure("next_best_action", 3)
    assert len(seen["cpu_ms"]) == len(seen["gc_ms"]) == len(seen["full_gc"]) == 3
    assert "recommend_next_action" in seen["nodes_cpu_ms"]
    seen["cpu_ms"], seen["full_gc"] = [1.0, 2.0, 100.0], [False, False, True]
    pooled = bench_cost_warm._pooled([seen])
    assert pooled["cpu_median_ms"] == 2.0 and pooled["cpu_median_without_full_gc_ms"] == 1.5
    assert pooled["gc"]["requests_with_a_full_collection"] == 1


def test_two_windows_take_turns_and_each_times_every_request() -> None:
    """The warm part's windows (one process per tree) answer block by block: each gives one
    time per request asked for, and its node times at the end."""
    from evals import bench_cost_warm

    here = bench_cost_process.ROOT
    first, second = bench_cost_warm._taking_turns([here, here], "next_best_action", 7)
    for seen in (first, second):
        assert len(seen["cpu_ms"]) == len(seen["full_gc"]) == 7
        assert all(v > 0 for v in seen["cpu_ms"])
        assert "recommend_next_action" in seen["nodes_cpu_ms"]
