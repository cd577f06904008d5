"""The brief view: eight lines at most from any report, the sections behind it by number or
name, and the same view on the command line (`--brief`)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from agent.compose.brief import MAX_LINES, brief, menu, section

REPORT = """# Plan: Some Account - Some Project

**Some Account** · Proposal · USD 100,000

## Book the review with the sponsor

**When:** this week

### Why
- Sponsor silent for 20 days [1]
- Close date in 12 days [2]
- Third reason [3]
- Fourth reason [4]

### What to do
1. Ask the champion first: "Could you help me get 30 minutes with your sponsor before the review?"
2. Send the agenda.

## Risks
| risk | level |
|---|---|
| budget | high |

## Sources
1. `deal.contacts[0]`: someone
2. `deal.expected_close`: a date
"""


def test_brief_leads_with_the_action_why_and_what_to_say() -> None:
    lines = brief(REPORT).splitlines()
    assert len(lines) <= MAX_LINES
    assert lines[0].startswith("**Plan** · **Some Account**")
    assert lines[1] == "**Book the review with the sponsor**  "
    assert lines[2].startswith("Do: Ask the champion first") and "Could you" not in lines[2]
    assert "Sponsor silent for 20 days [1]" in lines[3] and "Fourth reason" not in brief(REPORT)
    assert any(line.startswith("Say: “Could you help me get 30 minutes") for line in lines)
    assert lines[-1].startswith("More: 1 Book the review") and "show the sources" in lines[-1]


def test_sections_open_by_number_or_words_and_sources_are_not_numbered() -> None:
    assert menu(REPORT) == ["Book the review with the sponsor", "Why", "What to do", "Risks"]
    assert (
        section(REPORT, "2") == "### Why\n- Sponsor silent for 20 days [1]\n- Close date in "
        "12 days [2]\n- Third reason [3]\n- Fourth reason [4]"
    )
    first = section(REPORT, "1")
    assert first is not None and "### What to do" in first and "## Risks" not in first
    sources = section(REPORT, "sources")
    assert sources is not None and "deal.expected_close" in sources
    assert section(REPORT, "9") is None and section(REPORT, "pricing") is None


def test_a_table_only_section_hands_the_lead_to_the_next() -> None:
    report = "# T: x\n\nsubject\n\n## Coverage\n| a | b |\n|---|---|\n\n## Gaps\n- fill the CFO"
    assert "- fill the CFO" not in brief(report) and "fill the CFO" in brief(report)
    assert "| a |" not in brief(report)


@pytest.mark.parametrize("command", ["next-action", "strategy"])
def test_cli_brief_is_the_short_view_of_the_same_report(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.interfaces.cli import common
    from agent.interfaces.cli.app import app

    monkeypatch.setattr(common.out, "width", 1000)  # one printed line per line of the view
    runner = CliRunner()
    short = runner.invoke(app, [command, "D-1003", "--brief"], terminal_width=400)
    full = runner.invoke(app, [command, "D-1003"], terminal_width=400)
    assert short.exit_code == 0 and full.exit_code == 0, short.output
    kept = [line for line in short.stdout.splitlines() if line.strip()]
    assert 3 <= len(kept) <= MAX_LINES
    assert "without --brief" in short.stdout and "Sources" not in short.stdout
    assert len(full.stdout.splitlines()) > 4 * len(kept)
