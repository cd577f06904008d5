"""Eval reports: JSON results, a markdown summary, a self-contained HTML page with a chart per
capability, the diff against a previous run, and the threshold gate."""

from __future__ import annotations

import html
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.capabilities.registry import registry
from evals.harness.summary import CapabilitySummary, RunResults

THRESHOLDS = Path(__file__).resolve().parent.parent / "thresholds.yaml"


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


def gate(results: RunResults, thresholds: Thresholds) -> list[str]:
    """Every way the run falls short of the thresholds; empty means it may ship."""
    problems = []
    for capability, s in results.summary.items():
        t = thresholds.for_capability(capability)
        if s.pass_rate < t.min_pass_rate:
            problems.append(f"{capability}: pass rate {s.pass_rate:.1%} < {t.min_pass_rate:.1%}")
        if s.pass_k_rate < t.min_pass_k_rate:
            problems.append(f"{capability}: pass^k {s.pass_k_rate:.1%} < {t.min_pass_k_rate:.1%}")
        if t.max_latency_p95_ms is not None and s.latency_p95_ms > t.max_latency_p95_ms:
            problems.append(
                f"{capability}: p95 latency {s.latency_p95_ms:.0f} ms > "
                f"{t.max_latency_p95_ms:.0f} ms"
            )
    return problems


def diff(current: RunResults, previous: RunResults | None) -> dict[str, list[str]]:
    if previous is None:
        return {"newly_passing": [], "newly_failing": [], "new_cases": [], "removed_cases": []}
    before = {c.id: c.pass_k for c in previous.cases}
    now = {c.id: c.pass_k for c in current.cases}
    return {
        "newly_passing": sorted(i for i in now if now[i] and before.get(i) is False),
        "newly_failing": sorted(i for i in now if not now[i] and before.get(i) is True),
        "new_cases": sorted(set(now) - set(before)),
        "removed_cases": sorted(set(before) - set(now)),
    }


def markdown(results: RunResults, changes: dict[str, list[str]], problems: list[str]) -> str:
    lines = [
        f"# Eval run {results.run_id}",
        "",
        f"{len(results.cases)} cases x {results.repeat} repeat(s) in {results.seconds} s; "
        f"judge: {results.judge}.",
        "",
        "| capability | cases | pass rate | pass^k | p50 ms | p95 ms | tokens |",
        "|---|---|---|---|---|---|---|",
    ]
    for cap, s in results.summary.items():
        lines.append(
            f"| {cap} | {s.cases} | {s.pass_rate:.1%} | {s.pass_k_rate:.1%} | "
            f"{s.latency_p50_ms:.1f} | {s.latency_p95_ms:.1f} | {s.tokens_mean:.0f} |"
        )
    for title, key in (("Newly failing", "newly_failing"), ("Newly passing", "newly_passing")):
        if changes[key]:
            lines += ["", f"**{title}:** " + ", ".join(changes[key])]
    failures = [(c, a) for c in results.cases for a in c.attempts if not a.passed]
    if failures:
        lines += ["", "## Failures", ""]
        for case, attempt in failures:
            why = attempt.error or "; ".join(
                f"{s.name}: {s.reason}" for s in attempt.scores if s.status == "fail"
            )
            lines.append(f"- `{case.id}` ({case.file}): {why}")
    lines += ["", "Gate: " + ("PASSED" if not problems else "FAILED: " + "; ".join(problems))]
    return "\n".join(lines) + "\n"


def _bars(title: str, values: list[tuple[str, float]], unit: str, scale: float) -> str:
    width, row = 360, 22
    svg = [
        f'<svg width="{width + 150}" height="{row * len(values) + 28}" role="img" '
        f'aria-label="{html.escape(title)}"><text x="0" y="14" class="t">'
        f"{html.escape(title)}</text>"
    ]
    for i, (label, value) in enumerate(values):
        y = 24 + i * row
        length = 0 if scale == 0 else max(1, int(width * min(value / scale, 1)))
        svg.append(
            f'<text x="0" y="{y + 13}">{html.escape(label)}</text>'
            f'<rect x="70" y="{y}" width="{length}" height="16" class="b"/>'
            f'<text x="{75 + length}" y="{y + 13}">{value:g}{unit}</text>'
        )
    return "".join(svg) + "</svg>"


def _charts(name: str, s: CapabilitySummary) -> str:
    top = max(s.latency_p95_ms, 1.0)
    return (
        f"<section><h2>{html.escape(name)}</h2><div class='charts'>"
        + _bars(
            "Pass rate",
            [("attempts", round(s.pass_rate * 100, 1)), ("pass^k", round(s.pass_k_rate * 100, 1))],
            "%",
            100,
        )
        + _bars("Latency", [("p50", s.latency_p50_ms), ("p95", s.latency_p95_ms)], " ms", top)
        + _bars("Tokens", [("mean", s.tokens_mean)], "", max(s.tokens_mean, 1.0))
        + "</div></section>"
    )


def html_report(results: RunResults, changes: dict[str, list[str]], problems: list[str]) -> str:
    rows = []
    for case in results.cases:
        for n, a in enumerate(case.attempts, start=1):
            graders = " ".join(
                f"<span class='{s.status}' title='{html.escape(s.reason)}'>{s.name}</span>"
                for s in a.scores
            )
            rows.append(
                f"<tr class='{'ok' if a.passed else 'bad'}'><td>{html.escape(case.id)}"
                f"</td><td>{n}</td><td>{'pass' if a.passed else 'FAIL'}</td>"
                f"<td>{a.latency_ms:.1f}</td><td>{a.tokens}</td><td>{graders}"
                f"{html.escape(a.error or '')}</td></tr>"
            )
    changed = "".join(
        f"<p><b>{k.replace('_', ' ')}:</b> {html.escape(', '.join(v))}</p>"
        for k, v in changes.items()
        if v
    )
    verdict = "PASSED" if not problems else "FAILED: " + "; ".join(problems)
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Eval run {results.run_id}</title><style>
body{{font:14px system-ui,sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}} .charts{{display:flex;
gap:2em;flex-wrap:wrap}} svg text{{font:12px sans-serif}} .t{{font-weight:bold}}
.b{{fill:#3b7dd8}} .pass{{color:#1a7f37}} .fail{{color:#c62828;font-weight:bold}}
.skip{{color:#999}} tr.bad{{background:#fdecea}}</style></head><body>
<h1>Eval run {results.run_id}</h1>
<p>{len(results.cases)} cases x {results.repeat} repeat(s) in {results.seconds} s; judge:
{html.escape(results.judge)}. Gate: <b>{html.escape(verdict)}</b></p>{changed}
{"".join(_charts(n, s) for n, s in results.summary.items())}
<h2>Attempts</h2><table><tr><th>case</th><th>#</th><th>result</th><th>ms</th><th>tokens</th>
<th>graders (hover for reasons)</th></tr>{"".join(rows)}</table></body></html>
"""


def write_reports(
    results: RunResults, out: Path, previous: RunResults | None, problems: list[str]
) -> dict[str, list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    changes = diff(results, previous)
    payload = {**json.loads(results.model_dump_json()), "diff": changes, "gate": problems}
    (out / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(results, changes, problems))
    (out / "report.html").write_text(html_report(results, changes, problems))
    return changes


def load_results(path: Path) -> RunResults | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    data.pop("diff", None)
    data.pop("gate", None)
    return RunResults.model_validate(data)
