"""Reports open with the summary, keep the sections in a reader's order, and escape the
untrusted text of cases and advice."""

from __future__ import annotations

import re
from pathlib import Path

from evals.harness.digest import digest
from evals.harness.graders import Attempt, Score, TwinReport
from evals.harness.report import write_reports
from evals.harness.report_md import markdown
from evals.harness.summary import CaseResult, RunResults, run_results

SCRIPT = "<script>alert('x')</script>"


def hostile_run() -> RunResults:
    """A run whose case text, advice lines and twin carry markup."""
    failing = Score(
        name="required",
        status="fail",
        score=0.0,
        reason=f"the advice never says /{SCRIPT}/",
        evidence=[f"text_include: /{SCRIPT}/", f"  L3: {SCRIPT} <img src=x onerror=alert(1)>"],
        checks=1,
    )
    twin = TwinReport(
        passed=False, description=SCRIPT, scores=[failing], checks=1, holds_on_twin=[SCRIPT]
    )
    case = CaseResult(
        id=f"evil-{SCRIPT}",
        capability="next_best_action",
        file=f"{SCRIPT}.yaml",
        description=f"Deal notes say {SCRIPT} and \"quoted\" 'text' & more",
        judgment="free_text",
        attempts=[Attempt(passed=False, latency_ms=5, tokens=9, scores=[failing], twin=twin)],
    )
    return run_results(
        run_id="r1", started="now", seconds=0.1, repeat=1, judge=SCRIPT, cases=[case]
    )


def test_the_html_escapes_case_text_and_advice(tmp_path: Path) -> None:
    write_reports(hostile_run(), tmp_path, None, [f"gate {SCRIPT}"])
    page = (tmp_path / "report.html").read_text()
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&quot;quoted&quot;" in page
    # self-contained: no tag loads anything
    assert not re.search(r"<[^>]*\s(src|href)=|https?://|@import|url\(", page)


def test_the_markdown_opens_with_the_summary_table() -> None:
    text = markdown(digest(hostile_run(), None, []))
    lines = text.splitlines()
    assert lines[0] == "# Eval run r1"
    headings = [x for x in lines if x.startswith("## ")]
    assert headings[0] == "## Summary"
    start = lines.index("## Summary")
    assert lines[start + 2].startswith(
        "| capability | cases | pass rate | pass^k | checks held | twins | twin pass | "
        "cannot fail | p50 ms | p95 ms | tokens |"
    )
    assert lines[start + 5].startswith("| **overall** | **1** | **0.0%** | **0.0%** |")
    assert any(x.startswith("| judgment class |") for x in lines[start : start + 12])
    order = ["## Summary", "## Change since", "## Failing cases", "## Checks that cannot"]
    at = [next(i for i, x in enumerate(lines) if x.startswith(h)) for h in order]
    assert at == sorted(at) and at[-1] < lines.index("## Slowest cases")
    assert f"  L3: {SCRIPT}" in text  # the lines judged, in a code block
