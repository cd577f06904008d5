"""The run as markdown (summary.md) and as the few lines `coach eval` prints: the summary table
first, then the change since the last run, the failing cases with the output each grader
judged, the checks that cannot fail, and the slowest cases. Formatting only: every figure comes
from the digest."""

from __future__ import annotations

import re

from evals.harness.digest import Digest, FailingCase
from evals.harness.graders import Score
from evals.harness.summary import GroupSummary

COLUMNS = (
    "cases",
    "pass rate",
    "pass^k",
    "checks held",
    "twins",
    "twin pass",
    "cannot fail",
    "p50 ms",
    "p95 ms",
    "tokens",
)
NOTE = (
    "*checks held*: the share of individual expectation checks (a case's and its twin's) that "
    "hold, the points an expert rubric would give. *cannot fail*: cases with a twin on which "
    "every check that held on the case held too."
)
PRINTED_FAILURES = 20


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def points(delta: float | None) -> str:
    """A change of rate in percentage points."""
    return "—" if delta is None else f"{delta * 100:+.1f} pts"


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def flat(text: str) -> str:
    """Text on one line, for a list item."""
    return " ".join(text.split())


def code(text: str) -> str:
    """Inline code that holds any text, backticks included."""
    ticks = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(lines: list[str], indent: str = "") -> list[str]:
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", "\n".join(lines))), default=0) + 1)
    return [f"{indent}{fence}text", *(f"{indent}{line}" for line in lines), f"{indent}{fence}"]


def figures(s: GroupSummary) -> list[str]:
    """A group's figures, in COLUMNS order."""
    held = "—" if s.check_rate is None else f"{s.check_rate:.1%} ({s.checks_held}/{s.checks})"
    return [
        str(s.cases),
        pct(s.pass_rate),
        pct(s.pass_k_rate),
        held,
        str(s.twins) if s.twins else "—",
        pct(s.twin_pass_rate),
        str(len(s.cannot_fail)) if s.twins else "—",
        f"{s.latency_p50_ms:.1f}",
        f"{s.latency_p95_ms:.1f}",
        f"{s.tokens_mean:.0f}",
    ]


def _table(
    title: str, rows: list[tuple[str, GroupSummary]], total: GroupSummary | None
) -> list[str]:
    lines = [f"| {title} | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    lines += [f"| {cell(name)} | " + " | ".join(figures(s)) + " |" for name, s in rows]
    if total is not None:
        lines.append("| **overall** | " + " | ".join(f"**{f}**" for f in figures(total)) + " |")
    return lines


def _headline(d: Digest) -> str:
    gate = (
        "PASSED" if not d.problems else f"FAILED ({len(d.problems)} shortfalls, listed at the end)"
    )
    return (
        f"{d.cases} cases x {d.repeat} repeat(s) in {d.seconds} s; judge: {d.judge}. "
        f"Gate: **{gate}**."
    )


def _cannot_fail_line(d: Digest) -> str:
    if not d.overall.twins:
        return "**Checks that cannot fail:** no case in this run has a twin."
    if not d.cannot_fail:
        return "**Checks that cannot fail:** none; on every twin a check that held turned false."
    ids = ", ".join(code(c.id) for c in d.cannot_fail)
    return f"**Checks that cannot fail:** {len(d.cannot_fail)} case(s): {ids}."


def _change(d: Digest) -> list[str]:
    c = d.change
    if c.previous_run is None:
        return ["## Change since the last run", "", "No previous run to compare with."]
    lines = [f"## Change since the last run ({c.previous_run})", ""]
    for title, ids in (
        ("Newly failing", c.newly_failing),
        ("Newly passing", c.newly_passing),
        ("New cases", c.new_cases),
        ("Removed cases", c.removed_cases),
    ):
        lines.append(f"- **{title}:** " + (", ".join(code(i) for i in ids) if ids else "none"))
    lines += [
        "",
        "| capability | pass rate | change | pass^k | change | checks held | change |",
        "|---|---|---|---|---|---|---|",
    ]
    for x in c.deltas:
        name = "**overall**" if x.name == "overall" else cell(x.name)
        lines.append(
            f"| {name} | {pct(x.pass_rate)} | {points(x.pass_rate_delta)} | "
            f"{pct(x.pass_k_rate)} | {points(x.pass_k_delta)} | {pct(x.check_rate)} | "
            f"{points(x.check_rate_delta)} |"
        )
    return lines


def _scores(scores: list[Score]) -> list[str]:
    lines = []
    for s in scores:
        lines.append(f"- **{s.name}**: {flat(s.reason)}")
        if s.evidence:
            lines += fenced(s.evidence, indent="  ")
    return lines


def _failing_case(f: FailingCase) -> list[str]:
    where = [code(f.file)]
    if f.judgment:
        where.append(f"judgment: {f.judgment}")
    where.append(f"failed {f.failed} of {f.attempts} attempt(s)")
    lines = [f"### {code(f.id)} · {f.capability}", "", " · ".join(where), ""]
    lines += [f"> {flat(f.description)}", ""]
    if f.error:
        lines.append(f"- **crashed**: {flat(f.error)}")
    lines += _scores(f.scores)
    if f.twin is not None:
        lines.append(f"- **twin** ({flat(f.twin)}) failed its own expectations:")
        if f.twin_error:
            lines.append(f"  - **crashed**: {flat(f.twin_error)}")
        lines += ["  " + line for line in _scores(f.twin_scores)]
    return [*lines, ""]


def _cannot_fail(d: Digest) -> list[str]:
    lines = [f"## Checks that cannot fail ({len(d.cannot_fail)})", ""]
    if not d.cannot_fail:
        lines.append("None." if d.overall.twins else "No case in this run has a twin.")
    for c in d.cannot_fail:
        lines.append(f"- {code(c.id)} ({c.capability}); the twin: {flat(c.twin)}")
        lines.append("  - held on the twin too: " + "; ".join(code(h) for h in c.held))
    if d.partly_held:
        lines += ["", "### Checks that held on the twin in cases that can fail", ""]
        for p in d.partly_held:
            held = "; ".join(code(h) for h in p.held)
            lines.append(f"- {code(p.id)}: {len(p.held)} of {p.checks} held checks: {held}")
    return lines


def _slowest(d: Digest) -> list[str]:
    lines = [
        "## Slowest cases",
        "",
        "| case | capability | median ms | max ms | tokens |",
        "|---|---|---|---|---|",
    ]
    return lines + [
        f"| {code(s.id)} | {s.capability} | {s.latency_ms:.1f} | {s.latency_max_ms:.1f} | "
        f"{s.tokens} |"
        for s in d.slowest
    ]


def summary_lines(d: Digest) -> list[str]:
    """The opening of the report: the figures per capability, per judgment class, overall."""
    lines = ["## Summary", ""]
    lines += _table("capability", list(d.capabilities.items()), d.overall)
    if d.judgments:
        lines += ["", *_table("judgment class", list(d.judgments.items()), None)]
    return [*lines, "", NOTE, "", _cannot_fail_line(d)]


def markdown(d: Digest) -> str:
    lines = [f"# Eval run {d.run_id}", "", _headline(d), "", *summary_lines(d), ""]
    lines += [*_change(d), ""]
    lines += [f"## Failing cases ({len(d.failing)})", ""]
    for f in d.failing:
        lines += _failing_case(f)
    if not d.failing:
        lines += ["None.", ""]
    lines += [*_cannot_fail(d), "", *_slowest(d), ""]
    lines.append("Gate: " + d.verdict)
    return "\n".join(lines) + "\n"


def _row(name: str, s: GroupSummary) -> str:
    """A fixed-width row for the terminal; the checks held without their counts."""
    cells = figures(s)
    cells[3] = pct(s.check_rate)
    return f"{name[:22]:<22}" + "".join(
        f"{c:>{len(h) + 2}}" for c, h in zip(cells, COLUMNS, strict=True)
    )


def _reasons(f: FailingCase) -> str:
    why = [f.error] if f.error else [f"{s.name}: {s.reason}" for s in f.scores]
    if f.twin is not None:
        twin = f.twin_error or "; ".join(f"{s.name}: {s.reason}" for s in f.twin_scores)
        why.append(f"twin: {twin}")
    return flat("; ".join(why))


def console(d: Digest, report: str) -> list[str]:
    """What `coach eval` prints: the same opening summary, compact, then the failing cases
    one line each and the gate."""
    head = "".join(f"{h:>{len(h) + 2}}" for h in COLUMNS)
    lines = [
        f"Eval run {d.run_id}: {d.cases} cases x {d.repeat} in {d.seconds} s; judge: {d.judge}",
        f"{'capability':<22}{head}",
        *(_row(name, s) for name, s in d.capabilities.items()),
        _row("overall", d.overall),
    ]
    if d.judgments:
        lines.append(f"{'judgment class':<22}{head}")
        lines += [_row(name, s) for name, s in d.judgments.items()]
    if d.cannot_fail:
        ids = ", ".join(c.id for c in d.cannot_fail)
        lines.append(f"Checks that cannot fail ({len(d.cannot_fail)}): {ids}")
    c = d.change
    if c.previous_run is not None:
        moved = [f"{x.name} {points(x.pass_rate_delta)}" for x in c.deltas if x.pass_rate_delta]
        lines.append(
            f"Since {c.previous_run}: newly failing: {', '.join(c.newly_failing) or 'none'}; "
            f"newly passing: {', '.join(c.newly_passing) or 'none'}; "
            f"pass rate: {', '.join(moved) or 'unchanged'}"
        )
    if d.failing:
        lines.append(f"Failing cases ({len(d.failing)}):")
    lines += [f"- {f.id}: {_reasons(f)[:200]}" for f in d.failing[:PRINTED_FAILURES]]
    if len(d.failing) > PRINTED_FAILURES:
        lines.append(f"… and {len(d.failing) - PRINTED_FAILURES} more in {report}")
    return [*lines, "Gate: " + d.verdict]
