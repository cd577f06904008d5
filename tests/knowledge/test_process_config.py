"""A different company's process drives the same analysis: process is configuration."""

from __future__ import annotations

from agent.analysis import analyze_deal
from agent.contracts.upstream import ProcessStandards
from knowledge.corpus import load_corpus
from tests.factories import AS_OF, days_ago, make_context


def test_land_and_expand_process_changes_stages_and_criteria() -> None:
    doc = load_corpus().docs["proc-land-and-expand-saas"]
    process = ProcessStandards.model_validate(doc.meta["standard"])
    stage = next(s for s in process.stages if s.phase == "proposal")
    ctx = make_context(
        deal={
            "stage": stage.name,
            "stage_history": [{"stage": stage.name, "entered": days_ago(3)}],
        },
        process=process.model_dump(mode="json"),
    )
    analysis = analyze_deal(ctx, AS_OF)
    assert analysis.phase == "proposal" and analysis.expected_days_in_stage == stage.expected_days
    assert [c.id for c in analysis.exit_criteria] == [c.id for c in stage.exit_criteria]
    assert analysis.next_stage == process.stages[process.index(stage.name) + 1].name  # type: ignore[operator]
