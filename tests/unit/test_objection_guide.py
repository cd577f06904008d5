"""Objection handling guide on the sample deals: ranking, grounding and citations."""

from __future__ import annotations

import re

import pytest

from agent.capabilities.objection_guide.build import build_objection_guide
from agent.capabilities.objection_guide.contract import ObjectionGuideResult
from agent.contracts.context import DealContext
from agent.grounding.citations import collect_refs, resolve_knowledge, resolves
from agent.retrieval import citable_documents, index_for
from agent.settings import CoachContext
from knowledge.documents import KB_PREFIX
from knowledge.retriever import Passage, SearchFilters
from tests.conftest import SAMPLE_DEALS
from tests.drafts import assert_grounded, offline_markdown
from tests.factories import sample_deal

KNOWLEDGE = citable_documents(CoachContext())
INDEX = index_for(CoachContext())
TOO_EXPENSIVE = "they said we're too expensive"


def search(query: str, filters: SearchFilters) -> list[Passage]:
    return INDEX.search(query, k=10, filters=filters, mode="lexical")


deal = sample_deal


def guide(deal_id: str, message: str | None = None) -> ObjectionGuideResult:
    ctx, analysis = deal(deal_id)
    return build_objection_guide(ctx, analysis, KNOWLEDGE, search, message)


def markdown(deal_id: str, result: ObjectionGuideResult) -> str:
    ctx, analysis = deal(deal_id)
    return offline_markdown("objection_guide", result, ctx, analysis, KNOWLEDGE)


def test_a_typed_objection_is_matched_to_the_library_and_ranked_first() -> None:
    result = guide("D-1003", TOO_EXPENSIVE)
    top = result.objections[0]
    assert result.typed_objection == TOO_EXPENSIVE
    assert top.objection_id == "obj-too-expensive" and top.rank == 1
    assert top.likelihood == "high"
    assert top.why[0].factor == "raised" and top.why[0].statement == "raised by the customer"
    assert top.why[0].citations[0].startswith("kb:obj-too-expensive#")
    assert top.acknowledge_reframe_respond.startswith("Acknowledge:")
    assert top.root_cause_questions and top.if_not_satisfied and top.escalation
    assert result.delivery_advice[0].startswith('Answer "You\'re too expensive" first')


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("your price is too high", "obj-too-expensive"),  # "too ... high" also fits "too busy"
        ("call us next quarter", "obj-call-us-next-quarter"),
        ("legal won't accept your liability cap", "obj-liability-caps-unacceptable"),
    ],
)
def test_the_objection_category_decides_between_close_word_matches(
    said: str, expected: str
) -> None:
    assert guide("D-1003", said).objections[0].objection_id == expected


def test_the_helixor_deal_ranks_the_helixor_objection_high() -> None:
    result = guide("D-1003")
    ranked = {o.objection_id: o for o in result.objections}
    helixor = ranked["obj-build-on-helixor"]
    assert helixor.rank <= 3 and helixor.likelihood == "high"
    assert any(
        w.factor == "competitor" and w.citations == ["deal.competitors[0]"] for w in helixor.why
    )
    assert any(a.startswith("Against Helixor:") for a in helixor.data_answers)
    # objections about competitors this deal does not face are left out
    assert not {"obj-taskline-is-cheaper", "obj-already-talking-to-corvane"} & ranked.keys()


def test_an_unengaged_economic_buyer_ranks_an_authority_objection_citing_the_contact() -> None:
    ctx, _ = deal("D-1003")
    lydia = next(i for i, c in enumerate(ctx.deal.contacts) if c.dmu_role == "economic_buyer")
    result = guide("D-1003")
    authority = [o for o in result.objections if o.category == "authority"]
    assert authority and authority[0].rank == 1
    signal = next(w for w in authority[0].why if w.factor == "signal")
    assert signal.statement.startswith("Economic buyer not engaged")
    assert f"deal.contacts[{lydia}]" in signal.citations
    assert any(s.contact_id == ctx.deal.contacts[lydia].id for s in authority[0].by_stakeholder)


def test_roi_answers_only_when_the_deal_has_a_value_case() -> None:
    with_value = guide("D-1003", TOO_EXPENSIVE).objections[0]
    assert any("USD 2,100,000" in a for a in with_value.data_answers)
    assert "value.roi" in with_value.citations
    ctx, _ = deal("D-1005")
    assert ctx.value is None
    for o in guide("D-1005", TOO_EXPENSIVE).objections:
        assert not any("value case" in a.lower() for a in o.data_answers)


def test_without_search_a_typed_objection_is_named_as_a_limitation() -> None:
    ctx, analysis = deal("D-1003")
    result = build_objection_guide(ctx, analysis, KNOWLEDGE, None, TOO_EXPENSIVE)
    assert all(w.factor != "raised" for o in result.objections for w in o.why)
    assert any("No library objection matched" in line for line in result.limitations)


def _names(ctx: DealContext) -> set[str]:
    deal_ = ctx.deal
    return {deal_.name, deal_.account.name, *(c.name for c in deal_.contacts)}


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_no_names_from_other_deals(deal_id: str) -> None:
    ctx, _ = deal(deal_id)
    own = ctx.model_dump_json()
    foreign = {
        name
        for other in SAMPLE_DEALS
        if other != deal_id
        for name in _names(deal(other)[0])
        if name not in own
    }
    result = guide(deal_id, TOO_EXPENSIVE)
    text = result.model_dump_json() + markdown(deal_id, result)
    assert not [n for n in foreign if re.search(rf"\b{re.escape(n)}\b", text)]


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
@pytest.mark.parametrize("message", [None, TOO_EXPENSIVE])
def test_every_citation_resolves_and_the_rendered_guide_is_grounded(
    deal_id: str, message: str | None
) -> None:
    ctx, analysis = deal(deal_id)
    result = guide(deal_id, message)
    assert result.objections
    for ref in collect_refs(result):
        if ref.startswith(KB_PREFIX):
            assert resolve_knowledge(KNOWLEDGE, ref) is not None, ref
        else:
            assert resolves(ctx, ref), ref
    text = markdown(deal_id, result)
    assert "## Keep this open" in text and "## Sources" in text
    assert_grounded(result, text, ctx, analysis, KNOWLEDGE)


def test_a_warm_guide_is_the_cold_one() -> None:
    """What a warm request reuses must not change the guide (its speed is measured by
    `python -m evals.bench_cost --part warm`, not here)."""
    cold = guide("D-1003", TOO_EXPENSIVE).model_dump()
    assert guide("D-1003", TOO_EXPENSIVE).model_dump() == cold


CFO_OBJECTION = "obj-cfo-wont-sign-off"


def _signer(ctx: DealContext) -> str | None:
    from agent.analysis import analyze_deal
    from tests.factories import AS_OF

    result = build_objection_guide(ctx, analyze_deal(ctx, AS_OF), KNOWLEDGE, search)
    plan = next(p for p in result.objections if p.objection_id == CFO_OBJECTION)
    return f"{plan.signer.statement} {plan.signer.citations}" if plan.signer else None


def test_a_signer_the_record_is_unsure_of_is_named_where_the_library_says_cfo() -> None:
    """D-1005 has no CFO; its notes say the COO or the PE operating partner may sign. Its
    twins: the same deal with a CFO among its contacts, and with the COO as economic buyer."""
    ctx, _ = deal("D-1005")
    said = _signer(ctx)
    assert said is not None and "No CFO is on this deal, and who signs is not known" in said
    assert "maybe the COO, maybe the private equity operating partner" in said
    assert "deal.notes[1].text" in said
    contacts = list(ctx.deal.contacts)
    cfo = contacts[0].model_copy(
        update={"id": "c-cfo", "name": "Imogen Thale", "title": "Chief Financial Officer"}
    )
    with_cfo = ctx.model_copy(
        update={"deal": ctx.deal.model_copy(update={"contacts": [*contacts, cfo]})}
    )
    assert _signer(with_cfo) is None
    coo = contacts[0].model_copy(
        update={
            "id": "c-coo",
            "name": "Rufus Danvers",
            "title": "Chief Operating Officer",
            "dmu_role": "economic_buyer",
        }
    )
    with_coo = ctx.model_copy(
        update={"deal": ctx.deal.model_copy(update={"contacts": [*contacts, coo]})}
    )
    said = _signer(with_coo)
    assert said is not None
    assert "the economic buyer is Rufus Danvers (Chief Operating Officer)" in said
    assert f"deal.contacts[{len(contacts)}]" in said


def test_a_deal_whose_cfo_is_a_contact_gets_the_library_answer_as_it_is() -> None:
    ctx, _ = deal("D-1003")  # Lydia Kowalczyk, Chief Financial Officer
    assert _signer(ctx) is None
    assert "Who signs here" not in markdown("D-1003", guide("D-1003"))
    assert "**Who signs here:** No CFO is on this deal" in markdown("D-1005", guide("D-1005"))
