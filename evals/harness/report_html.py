"""The run as one self-contained HTML page (no scripts, fonts or images from anywhere), in the
markdown's order: summary, change since the last run, failing cases with the output each
grader judged, checks that cannot fail, slowest cases, then every attempt.

Case files and the agent's advice are untrusted text: everything that reaches the page goes
through `esc`, attribute values included."""

from __future__ import annotations

import html

from evals.harness.digest import Digest, FailingCase
from evals.harness.graders import Score
from evals.harness.report_md import COLUMNS, NOTE, figures, pct, points
from evals.harness.summary import GroupSummary, RunResults

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0} td,th{border-bottom:1px solid #e3e3e3;
padding:4px 8px;text-align:right;white-space:nowrap} th:first-child,td:first-child{text-align:left}
tr.total td{font-weight:bold;border-top:2px solid #bbb} .track{display:inline-block;width:50px;
height:8px;background:#e8eef8;margin-right:6px} .fill{display:block;height:8px;background:#3b7dd8}
.gate{padding:2px 8px;border-radius:4px}
.ok{background:#e6f4ea;color:#1a7f37} .bad{background:#fdecea;color:#c62828}
.up{color:#1a7f37} .down{color:#c62828} .note{color:#555;font-size:13px}
.case{border-left:4px solid #c62828;padding:.2em 1em;margin:1em 0;background:#fcfcfc}
.case h3{margin:.3em 0} .meta{color:#666;font-size:13px} code{background:#f3f3f3;padding:0 3px}
pre{background:#f6f8fa;padding:6px 10px;overflow-x:auto;font-size:12px;margin:.3em 0}
.pass{color:#1a7f37} .fail{color:#c62828;font-weight:bold} .skip{color:#999}
tr.failed{background:#fdecea} details{margin:1em 0}
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    width = round(min(max(value, 0.0), 1.0) * 100)
    return (
        f"<span class='track'><span class='fill' style='width:{width}%'></span></span>{pct(value)}"
    )


def _cells(s: GroupSummary) -> str:
    """The markdown's figures, the rates drawn as bars too."""
    cells = [esc(x) for x in figures(s)]
    for i, value in ((1, s.pass_rate), (2, s.pass_k_rate), (5, s.twin_pass_rate)):
        cells[i] = _rate(value)
    if s.check_rate is not None:
        cells[3] = f"{_rate(s.check_rate)} <small>{s.checks_held}/{s.checks}</small>"
    return "".join(f"<td>{c}</td>" for c in cells)


def _table(title: str, rows: dict[str, GroupSummary], total: GroupSummary | None) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in (title, *COLUMNS))
    body = "".join(f"<tr><td>{esc(n)}</td>{_cells(s)}</tr>" for n, s in rows.items())
    if total is not None:
        body += f"<tr class='total'><td>overall</td>{_cells(total)}</tr>"
    return f"<table><tr>{head}</tr>{body}</table>"


def _codes(ids: list[str]) -> str:
    return ", ".join(f"<code>{esc(i)}</code>" for i in ids) or "none"


def _summary(d: Digest) -> str:
    parts = ["<h2>Summary</h2>", _table("capability", d.capabilities, d.overall)]
    if d.judgments:
        parts.append(_table("judgment class", d.judgments, None))
    parts.append(f"<p class='note'>{esc(NOTE.replace('*', ''))}</p>")
    if not d.overall.twins:
        line = "no case in this run has a twin."
    elif not d.cannot_fail:
        line = "none; on every twin a check that held turned false."
    else:
        line = f"{len(d.cannot_fail)} case(s): {_codes([c.id for c in d.cannot_fail])}."
    parts.append(f"<p><b>Checks that cannot fail:</b> {line}</p>")
    return "".join(parts)


def _signed(delta: float | None) -> str:
    kind = "" if not delta else ("up" if delta > 0 else "down")
    return f"<td class='{kind}'>{esc(points(delta))}</td>"


def _change(d: Digest) -> str:
    c = d.change
    if c.previous_run is None:
        return "<h2>Change since the last run</h2><p>No previous run to compare with.</p>"
    lists = "".join(
        f"<li><b>{esc(title)}:</b> {_codes(ids)}</li>"
        for title, ids in (
            ("Newly failing", c.newly_failing),
            ("Newly passing", c.newly_passing),
            ("New cases", c.new_cases),
            ("Removed cases", c.removed_cases),
        )
    )
    rows = "".join(
        f"<tr class='{'total' if x.name == 'overall' else ''}'><td>{esc(x.name)}</td>"
        f"<td>{esc(pct(x.pass_rate))}</td>{_signed(x.pass_rate_delta)}"
        f"<td>{esc(pct(x.pass_k_rate))}</td>{_signed(x.pass_k_delta)}"
        f"<td>{esc(pct(x.check_rate))}</td>{_signed(x.check_rate_delta)}</tr>"
        for x in c.deltas
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("capability", "pass rate", "change", "pass^k", "change", "checks held", "change")
    )
    return (
        f"<h2>Change since the last run ({esc(c.previous_run)})</h2><ul>{lists}</ul>"
        f"<table><tr>{head}</tr>{rows}</table>"
    )


def _scores(scores: list[Score]) -> str:
    items = []
    for s in scores:
        evidence = f"<pre>{esc(chr(10).join(s.evidence))}</pre>" if s.evidence else ""
        items.append(f"<li><b>{esc(s.name)}</b>: {esc(s.reason)}{evidence}</li>")
    return "".join(items)


def _failing_case(f: FailingCase) -> str:
    meta = [f"<code>{esc(f.file)}</code>"]
    if f.judgment:
        meta.append(f"judgment: {esc(f.judgment)}")
    meta.append(f"failed {f.failed} of {f.attempts} attempt(s)")
    items = f"<li><b>crashed</b>: {esc(f.error)}</li>" if f.error else ""
    items += _scores(f.scores)
    if f.twin is not None:
        crash = f"<li><b>crashed</b>: {esc(f.twin_error)}</li>" if f.twin_error else ""
        items += (
            f"<li><b>twin</b> ({esc(f.twin)}) failed its own expectations:"
            f"<ul>{crash}{_scores(f.twin_scores)}</ul></li>"
        )
    return (
        f"<section class='case'><h3><code>{esc(f.id)}</code> · {esc(f.capability)}</h3>"
        f"<p class='meta'>{' · '.join(meta)}</p><p>{esc(f.description)}</p>"
        f"<ul>{items}</ul></section>"
    )


def _cannot_fail(d: Digest) -> str:
    parts = [f"<h2>Checks that cannot fail ({len(d.cannot_fail)})</h2>"]
    if not d.cannot_fail:
        parts.append("<p>None.</p>" if d.overall.twins else "<p>No case has a twin.</p>")
    items = "".join(
        f"<li><code>{esc(c.id)}</code> ({esc(c.capability)}); the twin: {esc(c.twin)}"
        f"<br>held on the twin too: {_codes(c.held)}</li>"
        for c in d.cannot_fail
    )
    parts.append(f"<ul>{items}</ul>" if items else "")
    if d.partly_held:
        partly = "".join(
            f"<li><code>{esc(p.id)}</code>: {len(p.held)} of {p.checks} held checks: "
            f"{_codes(p.held)}</li>"
            for p in d.partly_held
        )
        parts.append(
            f"<h3>Checks that held on the twin in cases that can fail</h3><ul>{partly}</ul>"
        )
    return "".join(parts)


def _slowest(d: Digest) -> str:
    rows = "".join(
        f"<tr><td><code>{esc(s.id)}</code></td><td>{esc(s.capability)}</td>"
        f"<td>{s.latency_ms:.1f}</td><td>{s.latency_max_ms:.1f}</td><td>{s.tokens}</td></tr>"
        for s in d.slowest
    )
    return (
        "<h2>Slowest cases</h2><table><tr><th>case</th><th>capability</th><th>median ms</th>"
        f"<th>max ms</th><th>tokens</th></tr>{rows}</table>"
    )


def _attempts(results: RunResults) -> str:
    rows = []
    for case in results.cases:
        for n, a in enumerate(case.attempts, start=1):
            graders = " ".join(
                f"<span class='{esc(s.status)}' title='{esc(s.reason)}'>{esc(s.name)}</span>"
                for s in a.scores
            )
            twin = "" if a.twin is None else ("twin ok" if a.twin.passed else "twin FAIL")
            rows.append(
                f"<tr class='{'' if a.passed else 'failed'}'><td>{esc(case.id)}</td>"
                f"<td>{n}</td><td>{'pass' if a.passed else 'FAIL'}</td>"
                f"<td>{a.latency_ms:.1f}</td><td>{a.tokens}</td><td>{esc(twin)}</td>"
                f"<td style='text-align:left'>{graders} {esc(a.error or '')}</td></tr>"
            )
    return (
        f"<details><summary>Every attempt ({len(rows)})</summary><table><tr><th>case</th>"
        "<th>#</th><th>result</th><th>ms</th><th>tokens</th><th>twin</th>"
        f"<th>graders (hover for reasons)</th></tr>{''.join(rows)}</table></details>"
    )


def html_report(d: Digest, results: RunResults) -> str:
    gate = "ok" if not d.problems else "bad"
    verdict = (
        "PASSED" if not d.problems else f"FAILED ({len(d.problems)} shortfalls, listed at the end)"
    )
    problems = "".join(f"<li>{esc(p)}</li>" for p in d.problems)
    failing = "".join(_failing_case(f) for f in d.failing) or "<p>None.</p>"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Eval run {esc(d.run_id)}</title><style>{STYLE}</style></head><body>
<h1>Eval run {esc(d.run_id)}</h1>
<p>{d.cases} cases x {d.repeat} repeat(s) in {esc(d.seconds)} s; judge: {esc(d.judge)}.
Gate: <span class="gate {gate}">{verdict}</span></p>
{_summary(d)}
{_change(d)}
<h2>Failing cases ({len(d.failing)})</h2>{failing}
{_cannot_fail(d)}
{_slowest(d)}
{_attempts(results)}
<h2>Gate</h2><p>{esc(d.verdict if not d.problems else "FAILED")}</p><ul>{problems}</ul>
</body></html>
"""
