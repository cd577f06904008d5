"""Case files: the shipped ones load and cover every capability; broken ones fail loudly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from agent.errors import InvalidInput
from evals.harness.cases import CASES_DIR, EVAL_CAPABILITIES, discover, load_case, selected
from tests.conftest import SAMPLE_DEALS

GOOD = (CASES_DIR / "next_best_action" / "stalled-deal.yaml").read_text()


def test_every_capability_has_at_least_five_cases_troubled_and_healthy() -> None:
    cases = [load_case(p, set(SAMPLE_DEALS)) for p in discover()]
    per = Counter(c.capability for c in cases)
    for capability in EVAL_CAPABILITIES:
        assert per[capability] >= 5, capability
        tags = {t for c in cases if c.capability == capability for t in c.tags}
        assert {"troubled", "healthy"} <= tags
    assert len({c.id for c in cases}) == len(cases)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return path


def test_unknown_expectation_key_names_file_and_line(tmp_path: Path) -> None:
    text = GOOD.replace("  timing_in: [immediate]\n", "  timing_in: [immediate]\n  vibes: good\n")
    line = text.splitlines().index("  vibes: good") + 1
    with pytest.raises(InvalidInput) as err:
        load_case(write(tmp_path, text), set(SAMPLE_DEALS))
    assert f"case.yaml:{line}" in str(err.value) and "vibes" in str(err.value)


def test_missing_deal_names_file_and_line(tmp_path: Path) -> None:
    text = GOOD.replace("deal_id: D-1009", "deal_id: D-0404")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "D-0404" in t)
    with pytest.raises(InvalidInput, match=rf"case.yaml:{line}.*D-0404"):
        load_case(write(tmp_path, text), set(SAMPLE_DEALS))


def test_unknown_capability_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown capability 'forecast'"):
        load_case(
            write(tmp_path, GOOD.replace("capability: next_best_action", "capability: forecast")),
            set(SAMPLE_DEALS),
        )
    with pytest.raises(InvalidInput, match=r"case.yaml:\d+.*invalid YAML"):
        load_case(write(tmp_path, GOOD + "\n  : [\n"), set(SAMPLE_DEALS))


def test_selection_by_id_or_file_glob() -> None:
    case = load_case(CASES_DIR / "next_best_action" / "stalled-deal.yaml")
    assert selected(case, "nba-stalled*") and selected(case, "stalled-deal.yaml")
    assert selected(case, None) and not selected(case, "*champion*")
