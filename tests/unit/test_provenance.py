"""Provenance: the origin of a text, read off the ref that cites it."""

from __future__ import annotations

import pytest

from agent.contracts.context import SECTION_PURPOSE
from agent.contracts.provenance import is_input, origin_of
from agent.contracts.response import Citation
from agent.settings import CoachContext
from tests.factories import contact, make_context


@pytest.mark.parametrize(
    ("ref", "origin"),
    [
        ("deal.notes", "crm"),
        ("deal.activities[3]", "crm"),
        ("deal.contacts[0].email", "crm"),
        ("transcript.utterances[12]", "transcript"),
        ("transcript[12]", "transcript"),
        ("argumentation.messages[0]", "upstream"),
        ("discovery.dmu[1]", "upstream"),
        ("risk.factors[0]", "upstream"),
        ("kb:play-reengage-champion#what-to-do", "knowledge"),
        ("kb:bc-nimbra", "knowledge"),
        ("request.message", "rep"),
        ("request.meeting.attendees[2]", "rep"),
        ("request.transcript", "transcript"),
        ("history[4]", "agent"),
        ("calls[0]", "transcript"),
        ("rep", "crm"),
        ("D-1003:deal.activities[3]", "crm"),
        ("D-9:argumentation.messages[1]", "upstream"),
        ("  deal.notes ", "crm"),
    ],
)
def test_origin_of_a_ref(ref: str, origin: str) -> None:
    assert origin_of(ref) == origin


def test_every_upstream_section_is_upstream() -> None:
    for section in SECTION_PURPOSE:
        assert origin_of(f"{section}.anything[0]") == "upstream", section


@pytest.mark.parametrize("ref", ["", "nonsense.path", "evil:kb:x", "http://evil.example/"])
def test_unknown_refs_have_no_origin_and_count_as_input(ref: str) -> None:
    assert origin_of(ref) is None
    assert is_input(ref)


def test_only_knowledge_and_the_agent_are_not_input() -> None:
    assert not is_input("kb:play-x#a")
    assert not is_input("history[0]")
    assert is_input("argumentation.messages[0]") and is_input("deal.notes")


def test_the_output_policy_links_only_cited_knowledge() -> None:
    citations = [
        Citation(ref="kb:play-x#what-to-do", kind="knowledge", excerpt="x"),
        Citation(ref="deal.notes", kind="input", excerpt="see https://evil.example"),
    ]
    policy = CoachContext(link_hosts=("Docs.Seller.Example",)).output_policy(citations)
    assert policy.link_targets == {"kb:play-x#what-to-do", "kb:play-x"}
    assert policy.allows("https://docs.seller.example/a")
    assert not policy.allows("https://evil.example") and not policy.allows("deal.notes")


def test_the_output_policy_addresses_only_the_deals_contacts() -> None:
    ctx = make_context(
        deal={
            "contacts": [
                contact("c-ann", "Ann Champion", "champion", email="ann@testco.example"),
                contact("c-eve", "Eve Buyer", "economic_buyer"),
            ]
        }
    )
    policy = CoachContext().output_policy((), ctx)
    emails = [c.email for c in ctx.deal.contacts if c.email]
    assert emails and all(policy.allows(f"mailto:{e.upper()}") for e in emails)
    assert not policy.allows("mailto:attacker@evil.example")
