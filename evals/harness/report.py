"""Eval reports: JSON results, a markdown summary (report_md) and a self-contained HTML page
(report_html) that open with the run's figures and the change since the last run, and the
threshold gate."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.capabilities.registry import registry
from agent.resources import evals_dir
from evals.harness.digest import Digest, compare, digest
from evals.harness.report_html import html_report
from evals.harness.report_md import markdown
from evals.harness.summary import RunResults

THRESHOLDS = evals_dir() / "thresholds.yaml"


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_pass_rate: float = Field(default=1.0, ge=0, le=1)
    min_pass_k_rate: float = Field(default=1.0, ge=0, le=1)
    max_latency_p95_ms: float | None = None


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: Threshold = Field(default_factory=Threshold)
    capabilities: dict[str, Threshold] = Field(default_factory=dict)

    def for_capability(self, name: str) -> Threshold:
        """The file's entry for the capability, else the default with the latency budget the
        capability declares (its registry entry)."""
        if name in self.capabilities:
            return self.capabilities[name]
        spec = registry().get(name)
        if spec is None or self.default.max_latency_p95_ms is not None:
            return self.default
        return self.default.model_copy(update={"max_latency_p95_ms": spec.p95_budget_ms})


def load_thresholds(path: Path = THRESHOLDS) -> Thresholds:
    return Thresholds.model_validate(yaml.safe_load(path.read_text()) or {})


def gate(results: RunResults, thresholds: Thresholds, latency: bool = True) -> list[str]:
    """Every way the run falls short of the thresholds; empty means it may ship. Without
    `latency`, the capabilities' p95 budgets are not part of it (see LatencyGrader)."""
    problems = []
    for capability, s in results.summary.items():
        t = thresholds.for_capability(capability)
        if s.pass_rate < t.min_pass_rate:
            problems.append(f"{capability}: pass rate {s.pass_rate:.1%} < {t.min_pass_rate:.1%}")
        if s.pass_k_rate < t.min_pass_k_rate:
            problems.append(f"{capability}: pass^k {s.pass_k_rate:.1%} < {t.min_pass_k_rate:.1%}")
        budget = t.max_latency_p95_ms if latency else None
        if budget is not None and s.latency_p95_ms > budget:
            problems.append(
                f"{capability}: p95 latency {s.latency_p95_ms:.0f} ms > {budget:.0f} ms"
            )
    # A twin exists to make the case's checks mean something: a case whose every held check
    # also held on its twin passes whether or not the agent read the fact, so it may not ship.
    weak = [c.id for c in results.cases if c.cannot_fail]
    if weak:
        problems.append(f"checks that cannot fail (they hold on the twin too): {', '.join(weak)}")
    return problems


def diff(current: RunResults, previous: RunResults | None) -> dict[str, list[str]]:
    """The cases that flipped, appeared or went since the previous run."""
    return compare(current, previous).cases()


def write_reports(
    results: RunResults, out: Path, previous: RunResults | None, problems: list[str]
) -> Digest:
    """results.json (the run, the diff, the rate changes, the gate), summary.md and
    report.html; returns what they show."""
    out.mkdir(parents=True, exist_ok=True)
    shown = digest(results, previous, problems)
    payload = {
        **json.loads(results.model_dump_json()),
        "diff": shown.change.cases(),
        "deltas": [d.model_dump() for d in shown.change.deltas],
        "gate": problems,
    }
    (out / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(shown))
    (out / "report.html").write_text(html_report(shown, results))
    return shown


def load_results(path: Path) -> RunResults | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    for key in ("diff", "deltas", "gate"):
        data.pop(key, None)
    return RunResults.model_validate(data)
