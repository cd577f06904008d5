"""Play selection and scoring: transparent, deterministic, driven by front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.analysis import analyze_deal
from agent.capabilities.common.playbook import applies, fill, list_items, score_plays
from agent.capabilities.next_best_action.build import recommend
from agent.errors import InvalidInput
from knowledge.plays import load_plays
from tests.factories import AS_OF, activity, days_ago, make_context

PLAYS = load_plays()


def by_id(play_id: str):  # type: ignore[no-untyped-def]
    return next(p for p in PLAYS if p.id == play_id)


def test_library_has_plays_for_every_phase_and_one_fallback() -> None:
    phases = {phase for p in PLAYS for phase in p.meta.stages}
    assert {"qualify", "discover", "solution", "proposal", "negotiate"} <= phases
    assert len([p for p in PLAYS if p.meta.fallback]) == 1


def test_score_is_weight_times_severity_summed() -> None:
    ctx = make_context(
        deal={"activities": [activity("a1", 40, ["c-ann"]), activity("a2", 2, ["c-eve"])]}
    )
    analysis = analyze_deal(ctx, AS_OF)
    scored = {s.play.id: s for s in score_plays(PLAYS, analysis)}
    reengage = scored["play-reengage-champion"]
    quiet = analysis.fired("champion_gone_quiet")
    assert quiet is not None and quiet.severity == "high"
    expected = sum(
        by_id("play-reengage-champion").meta.signals[c.signal.id]
        * {"low": 0.5, "medium": 1.0, "high": 1.5, "critical": 2.0}[c.signal.severity]
        for c in reengage.contributions
    )
    assert reengage.score == pytest.approx(expected)
    assert list(scored)[0] == "play-reengage-champion"


def test_play_does_not_apply_outside_its_stages_or_when_excluded() -> None:
    ctx = make_context(deal={"expected_close": days_ago(2), "created": days_ago(60)})
    analysis = analyze_deal(ctx, AS_OF)  # Discovery: close date passed
    assert analysis.fired("close_date_passed")
    assert not applies(by_id("play-reset-close-plan"), analysis)  # proposal/negotiate only
    late = make_context(
        deal={
            "stage": "Negotiation",
            "expected_close": days_ago(2),
            "created": days_ago(60),
            "stage_history": [{"stage": "Negotiation", "entered": days_ago(5)}],
        }
    )
    late_analysis = analyze_deal(late, AS_OF)
    assert applies(by_id("play-reset-close-plan"), late_analysis)
    assert not applies(by_id("play-ask-for-the-business"), late_analysis)  # unless close passed


def test_recommendation_probability_prefers_analytics_with_enough_history() -> None:
    quiet = {"activities": [activity("a1", 40, ["c-ann"]), activity("a2", 2, ["c-eve"])]}
    rates = {
        "win_rates_by_action": [
            {"action": "play-reengage-champion", "success_rate": 0.3, "sample": 50}
        ]
    }
    with_history = recommend(
        make_context(deal=quiet, analytics=rates),
        analyze_deal(make_context(deal=quiet), AS_OF),
        PLAYS,
    )
    assert with_history.primary.probability.method == "analytics"
    assert with_history.primary.probability.base == 0.3
    assert with_history.primary.probability.citations == ["analytics.win_rates_by_action[0]"]
    few = {
        "win_rates_by_action": [
            {"action": "play-reengage-champion", "success_rate": 0.3, "sample": 5}
        ]
    }
    prior = recommend(
        make_context(deal=quiet, analytics=few),
        analyze_deal(make_context(deal=quiet), AS_OF),
        PLAYS,
    )
    assert prior.primary.probability.method == "play_prior"
    assert prior.primary.probability.base == by_id("play-reengage-champion").meta.success_prior


def test_placeholders_are_filled_with_deal_facts_and_never_left_raw() -> None:
    ctx = make_context(
        deal={"activities": [activity("a1", 40, ["c-ann"]), activity("a2", 2, ["c-eve"])]}
    )
    result = recommend(ctx, analyze_deal(ctx, AS_OF), PLAYS)
    text = " ".join(
        [*result.primary.steps, result.primary.expected_outcome, *result.primary.success_criteria]
    )
    assert "Ann Champion" in text
    assert "{" not in text and "}" not in text


def test_missing_role_becomes_a_named_gap_not_an_invented_person() -> None:
    ctx = make_context(
        deal={
            "contacts": [
                {"id": "c-ann", "name": "Ann Champion", "title": "Ops", "dmu_role": "champion"}
            ],
            "activities": [activity("a1", 2, ["c-ann"])],
        },
        discovery={"decision_criteria": [{"name": "Fit"}], "buying_process": {"known": True}},
    )
    result = recommend(ctx, analyze_deal(ctx, AS_OF), PLAYS)
    assert result.primary.play_id == "play-identify-economic-buyer"
    all_targets = [t for a in [result.primary, *result.alternatives] for t in a.targets]
    assert all(t.name in (None, "Ann Champion") for t in all_targets)


def test_fill_and_list_items() -> None:
    assert (
        fill("Call {champion} at {account} {unknown}", {"champion": "Ann", "account": "X"})
        == "Call Ann at X {unknown}"
    )
    assert list_items("1. one\n   more\n2. two\n- three") == ["one more", "two", "three"]


def test_play_with_unknown_signal_is_rejected(tmp_path: Path) -> None:
    text = (
        Path(by_id("play-multi-thread").doc.path)
        .read_text()
        .replace("single_threaded: 4", "single_thread: 4")
    )
    (tmp_path / "bad.md").write_text(text)
    with pytest.raises(InvalidInput, match="unknown signal.*single_thread"):
        load_plays(tmp_path)


def test_play_missing_a_section_is_rejected(tmp_path: Path) -> None:
    text = Path(by_id("play-multi-thread").doc.path).read_text()
    (tmp_path / "bad.md").write_text(text.replace("## Success criteria", "## Success"))
    with pytest.raises(InvalidInput, match="missing section.*success-criteria"):
        load_plays(tmp_path)
