"""Methodology elements scored as each method defines them, on synthetic deals written for these
tests: behaviour in the text, not a role tag, a date or our own value case; and an element whose
only evidence would come from a missing input is unknown (asked about), never a gap."""

from __future__ import annotations

from typing import Any

from agent.analysis import analyze_deal
from agent.capabilities.methodology_coaching.build import coach_methodology
from agent.capabilities.methodology_coaching.contract import ElementScore, MethodologyCoachingResult
from agent.contracts.context import DealContext
from agent.grounding.citations import collect_refs, resolves
from tests.drafts import assert_grounded, offline_markdown
from tests.factories import AS_OF, activity, contact, make_context
from tests.unit.test_methodology_coaching import knowledge

PEOPLE = [
    contact("c-lena", "Lena Brooks", "user", title="Planning Supervisor"),
    contact("c-marc", "Marc Olsen", "champion", title="VP Operations"),
    contact("c-ines", "Ines Duarte", "economic_buyer", title="Managing Director"),
]


def deal(*summaries: str, **fields: Any) -> DealContext:
    sections = {k: fields.pop(k) for k in ("discovery", "value", "qualification") if k in fields}
    acts = [
        activity(f"a{i}", 30 - 5 * i, ["c-lena", "c-marc", "c-ines", "rep-1"], summary=text)
        for i, text in enumerate(summaries)
    ]
    return make_context(
        deal={"contacts": PEOPLE, "activities": acts, **fields}, process=None, **sections
    )


def score(ctx: DealContext, methodology: str) -> MethodologyCoachingResult:
    return coach_methodology(ctx, analyze_deal(ctx, AS_OF), knowledge(), methodology)


def element(result: MethodologyCoachingResult, name: str) -> ElementScore:
    return next(s for s in result.scorecard if s.element == name)


def grounded(ctx: DealContext, result: MethodologyCoachingResult) -> str:
    """The rendered coaching, after checking every ref resolves and every word is grounded."""
    analysis = analyze_deal(ctx, AS_OF)
    refs = list(collect_refs(result))
    assert all(resolves(ctx, r) for r in refs if not r.startswith("kb:")), refs
    markdown = offline_markdown("methodology_coaching", result, ctx, analysis, knowledge())
    assert_grounded(result, markdown, ctx, analysis, knowledge())
    return markdown


def test_a_champion_is_found_by_tested_behaviour_whatever_the_tag() -> None:
    ctx = deal(
        "Lena set up a call for us with Ines and briefed us on her concerns.",
        "Lena told us the other vendor's quote includes three years of support.",
    )
    champion = element(score(ctx, "MEDDICC"), "Champion")
    assert champion.status == "supported"
    assert "Lena Brooks" in champion.evidence and "update the role" in champion.evidence
    assert '"Lena set up a call for us with Ines' in champion.evidence
    assert champion.citations == ["deal.activities[0].summary"]  # the words it rests on


def test_the_champion_tag_alone_is_partial_and_failed_tests_are_a_gap() -> None:
    untested = element(score(deal("Demo of the planning board."), "MEDDICC"), "Champion")
    assert untested.status == "partial" and "untested" in untested.evidence
    failing = deal(
        "Marc would not introduce us to Ines.",
        "Marc does not know who approves a purchase this size.",
    )
    champion = element(score(failing, "MEDDICC"), "Champion")
    assert champion.status == "gap" and "no access to power" in champion.evidence
    assert "deal.activities[1].summary" in champion.citations


def test_mobilizers_are_people_who_move_others_not_friendly_titles() -> None:
    moving = deal(
        "Lena pulled together the shift leads to compare the two rosters.",
        "Lena asked how to present the case to the leadership team.",
        "Marc said he would forward the slides.",
    )
    result = score(moving, "Challenger")
    mobilizers = element(result, "Mobilizers")
    assert mobilizers.status == "supported" and "Lena Brooks" in mobilizers.evidence
    assert "Marc Olsen (VP Operations), tagged champion, shows no such" in mobilizers.evidence
    talker = element(
        score(deal("Marc said he would forward the slides."), "Challenger"), "Mobilizers"
    )
    assert talker.status == "gap"
    grounded(moving, result)


def test_need_payoff_is_the_buyers_own_statement_of_the_benefit() -> None:
    said_by_buyer = deal(
        'Asked about the impact, Ines said: "If planners had the roster by Friday, we would '
        'stop paying weekend overtime."'
    )
    payoff = element(score(said_by_buyer, "SPIN"), "Need-payoff")
    assert payoff.status == "supported" and "Ines Duarte" in payoff.evidence
    said_by_rep = deal(
        "Rita Seller told Ines that automated rosters would save two planners a week. Ines "
        "said she would think about it."
    )
    claim = element(score(said_by_rep, "SPIN"), "Need-payoff")
    assert claim.status == "gap" and "stated by the seller" in claim.evidence
    validated = deal("Call.", value={"status": "validated", "summary": "Overtime cut."})
    assert element(score(validated, "SPIN"), "Need-payoff").status == "partial"


def test_an_upfront_contract_is_an_agreed_agenda_not_a_dated_next_step() -> None:
    dated = element(score(deal("Lena accepted a demo."), "Sandler"), "Up-Front Contract")
    assert dated.status == "gap" and dated.citations == ["deal.next_step"]
    agreed = deal(
        "Set up the review with Lena. We agreed the agenda: one hour, her planners bring two "
        "live rosters, and at the end she will tell us yes or no on a trial."
    )
    contract = element(score(agreed, "Sandler"), "Up-Front Contract")
    assert contract.status == "supported" and contract.citations == ["deal.activities[0].summary"]


def test_sandler_pain_reaches_the_buyer_personally() -> None:
    business = deal(
        "Discovery.",
        discovery={"pains": [{"description": "Rosters are rebuilt by hand", "confirmed": True}]},
    )
    assert element(score(business, "Sandler"), "Pain").status == "partial"
    personal = deal("Lena said her evenings go to rebuilding rosters and she is fed up with it.")
    pain = element(score(personal, "Sandler"), "Pain")
    assert pain.status == "supported" and "evenings" in pain.evidence
    nothing = element(score(deal("Intro call."), "Sandler"), "Pain")
    assert nothing.status == "unknown" and "no discovery data" in nothing.evidence


def test_take_control_trades_and_never_gives() -> None:
    gave = deal("Ines asked for 10% off. Rita agreed to 10% to keep the timeline.")
    assert element(score(gave, "Challenger"), "Take Control").status == "gap"
    traded = deal(
        "Ines asked for 10% off. Rita declined and offered 4% in exchange for a two-year term.",
        mutual_action_plan={"agreed": True, "milestones": []},
    )
    take = element(score(traded, "Challenger"), "Take Control")
    assert take.status == "supported" and "held value" in take.evidence


def test_authority_stops_at_the_approval_limit_the_record_states() -> None:
    text = (
        "Ines confirmed the scope.",
        "Ines wrote that anything above EUR 200,000 goes to the supervisory board.",
    )
    over = score(deal(*text, amount=260000, currency="EUR"), "BANT")
    authority = element(over, "Authority")
    assert authority.status == "partial"
    assert "EUR 200,000 goes to the supervisory board" in authority.evidence
    under = score(deal(*text, amount=150000, currency="EUR"), "BANT")
    assert element(under, "Authority").status == "supported"


def test_missing_inputs_leave_elements_unknown_and_the_coaching_asks() -> None:
    ctx = deal("Intro call with Lena and Marc.")
    result = score(ctx, "MEDDICC")
    for name in ("Metrics", "Decision Criteria", "Decision Process"):
        assert element(result, name).status == "unknown", name
    unknown = [g for g in result.questions_per_gap if g.status == "unknown"]
    assert {g.element for g in unknown} >= {"Metrics", "Decision Criteria"}
    markdown = grounded(ctx, result)
    assert "| Metrics | not known — ask |" in markdown
    assert "### Metrics (not known — ask)" in markdown
    assert (
        "Open in this deal: " not in markdown
        or "Metrics" not in markdown.split("Open in this deal: ")[1].split("\n")[0]
    )
    # The same element is a gap once discovery is there and records nothing.
    known = score(deal("Intro call.", discovery={"pains": []}), "MEDDICC")
    assert element(known, "Decision Criteria").status == "gap"


def test_what_the_record_states_is_known_without_the_upstream_section() -> None:
    labelled = deal(
        "Qualification. Budget: EUR 90k in the 2027 plan. Timeline: live before the May audit."
    )
    bant = score(labelled, "BANT")
    assert element(bant, "Budget").status == "supported"
    assert element(bant, "Timeline").status == "supported"
    assert "deal.activities[0].summary" in element(bant, "Budget").citations
    missing = score(deal("Qualification. Budget: not discussed yet."), "BANT")
    assert element(missing, "Budget").status == "gap"
    assert element(score(deal("Intro."), "BANT"), "Budget").status == "unknown"
