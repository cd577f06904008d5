"""The grounding checker catches invented names, numbers, dates and citations."""

from __future__ import annotations

from agent.analysis import analyze_deal
from agent.analysis.missing import missing_inputs
from agent.capabilities.next_best_action.build import recommend
from agent.grounding.checker import checker_for_draft
from knowledge.plays import load_plays, plays_by_id
from tests.factories import AS_OF, make_context


def setup():  # type: ignore[no-untyped-def]
    ctx = make_context()
    analysis = analyze_deal(ctx, AS_OF)
    result = recommend(ctx, analysis, load_plays())
    checker = checker_for_draft(ctx, analysis, missing_inputs(ctx), result, plays_by_id())
    return ctx, result, checker


def test_grounded_text_passes() -> None:
    _, result, checker = setup()
    report, citations = checker.check(result, "Call Ann Champion at Testco Industries today.")
    assert report.passed, report.findings
    assert citations and all(c.excerpt for c in citations)


def test_invented_person_and_company_are_flagged() -> None:
    _, result, checker = setup()
    report, _ = checker.check(result, "Ask Zebulon Quarterman from Globodyne for an intro.")
    flagged = {f.detail.split("'")[1] for f in report.findings if f.kind == "entity"}
    assert {"Zebulon", "Quarterman", "Globodyne"} <= flagged
    assert not report.passed


def test_invented_number_and_date_are_flagged() -> None:
    _, result, checker = setup()
    report, _ = checker.check(result, "They will save 4,321,987 dollars by 2031-02-30.")
    details = " ".join(f.detail for f in report.findings)
    assert "4,321,987" in details and "2031-02-30" in details


def test_numbers_from_input_in_other_forms_pass() -> None:
    _, result, checker = setup()
    report, _ = checker.check(
        result,
        "The deal is worth USD 100,000 and closes on "
        f"{make_context().deal.expected_close.isoformat()}.",
    )
    assert report.passed, report.findings


def test_unresolvable_citation_is_flagged() -> None:
    _, result, checker = setup()
    broken = result.model_copy(
        update={"strategy_citations": ["deal.activities[99]", "kb:no-such-play#x"]}
    )
    report, _ = checker.check(broken, "")
    assert [f.kind for f in report.findings] == ["citation", "citation"]
