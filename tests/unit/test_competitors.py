"""Competitors come from the deal and the knowledge base, never from code: a rival only the deal
names, a rival a team adds as a battle card in its own folder, and a card's aliases are all
recognised in a live call, in the debrief's metrics and in a typed objection."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.analysis import analyze_deal
from agent.analysis.conversation import conversation_metrics
from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.objection_guide.build import build_objection_guide
from agent.capabilities.objection_guide.ranking import competitors_about
from agent.capabilities.post_call_analysis.build import build_debrief
from agent.contracts.context import DealContext
from agent.contracts.conversation import Side, Utterance
from agent.errors import InvalidInput
from agent.reading.competitors import Competitors, deal_competitors, knowledge_competitors
from agent.reading.objection_phrases import classify_objection
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import parse_transcript
from agent.retrieval import citable_documents, index_for
from agent.settings import CoachContext
from knowledge.corpus import KNOWLEDGE_ROOT, load_corpus
from knowledge.retriever import Passage, SearchFilters
from tests.factories import AS_OF, make_context

NEW_RIVAL = "Quorvex"  # on no battle card, and not one of the sample's competitors
CALL = f"""Rita Seller: Thanks Ann. What does the order desk cost you today?
Ann Champion: About 12 hours a week of rekeying. We are also looking at {NEW_RIVAL} for this.
Rita Seller: Good to know. What do you like about their approach?
Ann Champion: Mostly the dashboards.
"""
CARD = """---
id: bc-zentrix
type: battle_card
title: Battle card - Zentrix
competitors: [Zentrix]
aliases: [Zentrix Flow]
owner: Competitive intelligence
last_verified: 2026-11-01
---

## Overview
Zentrix sells a workflow suite to mid-market operations teams.

## Strengths
- A polished form designer.

## Weaknesses
- No ERP connectors of its own.

## Landmines to lay
- "How will order data reach your ERP without a connector?"

## Traps they set
- **"We are cheaper."** Defuse: compare the cost of the integration work too.

## Talking points
- Our connectors to the ERP are built, so orders flow on the first day.
- Ask for the integration plan in writing before comparing prices.

## Counters to their claims
- **"Faster to deploy."** The forms are quick; the integrations are not.

## Win stories
- A distributor chose us after the connector comparison.

## Loss stories
- A retailer chose Zentrix for the form designer.
"""


def customer(index: int, text: str) -> Utterance:
    side: Side = "customer"
    return Utterance(
        index=index, speaker="Ann Champion", person_id="c-ann", side=side, text=text, start_s=None
    )


def quorvex_deal() -> DealContext:
    return make_context(deal={"competitors": [NEW_RIVAL]})


def test_the_new_rival_is_nowhere_in_the_knowledge() -> None:
    assert NEW_RIVAL.lower() not in {n.lower() for n in knowledge_competitors().names}


def test_a_rival_only_the_deal_names_gets_a_live_card() -> None:
    ctx = quorvex_deal()
    engine = LiveAssist(ctx, analyze_deal(ctx, AS_OF), index_for(CoachContext()))
    cards = engine.feed(customer(0, f"We are also talking to {NEW_RIVAL} about this."))
    assert [(c.kind, c.id) for c in cards] == [("competitor", f"competitor:{NEW_RIVAL}@0")]
    card = cards[0]
    # no card anywhere: say so, and the library's questions for a competitor without one
    assert NEW_RIVAL in card.title and f"no battle card for {NEW_RIVAL}" in card.say
    assert card.points and all(line.startswith("Ask: ") for line in card.points)
    assert "deal.competitors[0]" in card.citations
    assert "kb:skill-competitive-positioning#when-there-is-no-battle-card" in card.citations


def test_a_rival_only_the_deal_names_is_in_the_debriefs_metrics() -> None:
    ctx = quorvex_deal()
    analysis = analyze_deal(ctx, AS_OF)
    t = map_speakers(parse_transcript(CALL, source="call.txt"), ctx.deal)
    assist = LiveAssist(ctx, analysis, index_for(CoachContext()))
    result = build_debrief(ctx, analysis, t, AS_OF, None, "call", assist)
    mentions = {c.name: c.indices for c in result.metrics.competitors}
    assert mentions == {NEW_RIVAL: [1]}
    competition = next(e for e in result.metrics.methodology if e.element == "competition")
    assert 1 in competition.indices
    assert result.patch.add_competitors == []  # already on the record


def test_a_typed_objection_naming_the_deals_rival() -> None:
    """Read as a competitor objection, and never answered with an entry written about another
    competitor (the library has none about this one: the closest general entry wins)."""
    ctx, index = quorvex_deal(), index_for(CoachContext())
    typed = f"they said the {NEW_RIVAL} quote is lower"
    assert classify_objection(typed, deal_competitors(ctx, Competitors()).phrases) == "competitor"

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=10, filters=filters, mode="lexical")

    knowledge = citable_documents(CoachContext())
    guide = build_objection_guide(ctx, analyze_deal(ctx, AS_OF), knowledge, search, typed)
    top = knowledge[guide.objections[0].objection_id]
    assert guide.typed_objection == typed and guide.objections[0].rank == 1
    assert not competitors_about(top), top.id


@pytest.fixture()
def own_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "our-knowledge"
    folder.mkdir()
    (folder / "bc-zentrix.md").write_text(CARD, encoding="utf-8")
    return folder


def test_a_battle_card_in_a_user_folder_teaches_a_new_rival(
    own_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Zentrix" not in knowledge_competitors().names
    monkeypatch.setenv("COACH_KNOWLEDGE_DIRS", str(own_folder))
    # An index folder nobody ingested into: the index reads the folders themselves.
    settings = CoachContext.from_env(index_dir=tmp_path / "index")
    assert settings.knowledge_dirs == (KNOWLEDGE_ROOT, own_folder.resolve())
    known = knowledge_competitors(settings.knowledge_dirs)
    assert known.names[-1:] == ("Zentrix",) and known.name_of("zentrix flow") == "Zentrix"

    ctx = make_context(deal={"competitors": []})
    engine = LiveAssist(ctx, analyze_deal(ctx, AS_OF), index_for(settings))
    card = engine.feed(customer(0, "Zentrix Flow offered us a pilot for the order desk."))[0]
    assert card.kind == "competitor" and card.title == "Competitor mentioned: Zentrix"
    assert "kb:bc-zentrix#talking-points" in card.citations
    assert card.say == "Our connectors to the ERP are built, so orders flow on the first day."

    t = map_speakers(parse_transcript("Ann Champion: We also met Zentrix last week."), ctx.deal)
    metrics = conversation_metrics(t, ctx.deal, deal_competitors(ctx, known))
    assert [c.name for c in metrics.competitors] == ["Zentrix"]


def test_a_cards_aliases_count_as_its_competitor() -> None:
    ctx = make_context(deal={"competitors": []})
    competitors = deal_competitors(ctx, knowledge_competitors())
    t = map_speakers(
        parse_transcript("Ann Champion: Honestly, IT wants to build it ourselves."), ctx.deal
    )
    metrics = conversation_metrics(t, ctx.deal, competitors)
    card = next(d for d in load_corpus().of_type("battle_card") if d.meta.get("aliases"))
    assert [c.name for c in metrics.competitors] == card.meta["competitors"]


def test_names_are_deduplicated_first_spelling_first() -> None:
    c = Competitors.of(["Acme", " "], ["ACME", "Beta"], aliases=[("acme one", "acme")])
    assert c.names == ("Acme", "Beta") and c.name_of("ACME ONE") == "Acme"
    assert c.pattern.search("we like Acme One") and not c.pattern.search("acmeone")
    assert c.phrases == ("Acme", "Beta", "acme one")


def test_a_battle_card_needs_one_named_competitor(tmp_path: Path) -> None:
    (tmp_path / "bc-empty.md").write_text(
        CARD.replace("competitors: [Zentrix]", "competitors: []"), encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match="exactly one competitor"):
        load_corpus((tmp_path,))
