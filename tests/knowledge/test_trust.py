"""What counts as a figure, what covers it, and when knowledge is stale: one definition shared
by the loader, the coach and the reading layer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.trust import STALE_AFTER_DAYS, Freshness, figures_in, provenance_of, unsourced


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        (
            "Implementations take 9-12 months; we go live in 8-14 weeks.",
            ["9-12 months", "8-14 weeks"],
        ),
        ("It added $640,000 in services and cost 41% less.", ["$640,000", "41%"]),
        ("Nimbra lists at about USD 95k a year for 200 users.", ["USD 95k", "200 users"]),
        ("An 11-month plan and a 60-day pilot for 38 FTE.", ["11-month", "60-day", "38 FTE"]),
        ("$2.1 million of leakage across 1.2 million policies.", ["$2.1 million", "1.2 million"]),
        # the basis of a rate is not a figure of its own; a count of users still is
        ("They need about 2.5 FTE of administrators per 100 users.", ["2.5 FTE"]),
        ("Falls per 1,000 occupied bed days down 18%.", ["18%"]),
        ("USD 40 per seat for 300 users.", ["USD 40", "300 users"]),
    ],
)
def test_figures_are_quantities_as_a_reader_would_quote_them(text: str, figures: list[str]) -> None:
    assert [f.text for f in figures_in(text)] == figures


@pytest.mark.parametrize(
    "text",
    [
        "Ask who validates the build under 21 CFR Part 11.",
        "Live in Q1 2027, before the 2027 peak, on 2026-03-01.",
        "Carrier events arrive as EDI 214 messages; AS9100 applies.",
        "1. First step\n2. Second step",
        "Quoted on 10 February, confirmed March 3, 2027.",
    ],
)
def test_years_dates_references_and_list_markers_are_not_figures(text: str) -> None:
    assert figures_in(text) == []


def test_a_source_covers_a_figure_where_its_phrase_occurs_whole() -> None:
    text = "Live in 12 weeks, not 112 weeks, and 41% cheaper."
    assert [f.text for f in unsourced(text, ["12 weeks", "41%"])] == ["112 weeks"]
    assert unsourced(text, ["12 weeks", "112 weeks", "41% cheaper"]) == []


def test_a_source_for_a_rate_covers_the_line_that_states_it() -> None:
    line = "Quorra customers need about 2.5 FTE of administrators per 100 users"
    assert unsourced(line, ["2.5 FTE"]) == []
    assert [f.text for f in unsourced(line, ["18%"])] == ["2.5 FTE"]


def test_stale_is_older_than_the_one_threshold() -> None:
    verified = dt.date(2026, 1, 1)
    limit = verified + dt.timedelta(days=STALE_AFTER_DAYS)
    assert not Freshness(verified, limit).stale
    assert Freshness(verified, limit + dt.timedelta(days=1)).stale
    assert not Freshness(verified, dt.date(2025, 12, 1)).stale  # checked after the run's date


def test_provenance_reads_the_files_and_the_index_alike() -> None:
    meta = {
        "owner": "Competitive intelligence team",
        "last_verified": "2026-10-05",
        "sources": [{"source": "Win-loss review", "figures": ["41%"]}],
    }
    p = provenance_of(meta)
    assert p.verified == dt.date(2026, 10, 5) and p.sourced == ("41%",)
    assert provenance_of({**meta, "last_verified": dt.date(2026, 10, 5)}).verified == p.verified
    assert provenance_of({}).verified is None


def test_kb_stats_lists_the_cards_and_stories_due_for_re_verification(small_kb: Path) -> None:
    from typer.testing import CliRunner

    from agent.interfaces.cli.app import app

    args = ["kb", "stats", "--knowledge", str(small_kb), "--index", str(small_kb / "idx")]
    due = CliRunner().invoke(app, [*args, "--as-of", "2027-05-01"])
    assert due.exit_code == 0, due.output
    assert "Due for re-verification on 2027-05-01" in due.output
    assert "bc-rivalco: 2026-10-01, 212 days (Competitive intelligence team)" in due.output
    fresh = CliRunner().invoke(app, [*args, "--as-of", "2026-11-20"])
    assert "days ago): 0" in fresh.output and "bc-rivalco:" not in fresh.output


def test_phrase_occurrences_match_the_whole_word_pattern_without_case() -> None:
    """The ASCII path (str.find on lower-cased text) finds what the regular expression finds:
    whole words only, any case, one match resuming after the previous one; other text takes
    the pattern itself."""
    import random

    from knowledge.trust import _occurrences, _phrase_pattern

    rng = random.Random(7)
    alphabet = "aAb1_ -%.$"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        phrase = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        if not phrase.strip():
            continue
        expected = [m.span() for m in _phrase_pattern(phrase.strip()).finditer(text)]
        assert list(_occurrences(text, phrase)) == expected, (text, phrase)
    assert list(_occurrences("ab 12 weeks, 112 weeks", "12 WEEKS")) == [(3, 11)]
    assert list(_occurrences("Straße 41%", "STRASSE")) == []  # no full folding, as re.I
    assert list(_occurrences("Größe 41% GRÖSSE", "größe")) == [(0, 5)]
