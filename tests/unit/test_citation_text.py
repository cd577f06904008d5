"""A cited record reads as text in the sources list, never as JSON."""

from __future__ import annotations

from pydantic import BaseModel

from agent.grounding.citations import describe


class Hint(BaseModel):
    name_hint: str
    seen: bool


class Card(BaseModel):
    competitor: str
    strengths: list[str]
    weaknesses: list[str]
    pricing: str | None
    verified: bool
    share: float
    contacts: list[Hint]


def test_a_record_without_a_known_shape_reads_as_fields_not_json() -> None:
    card = Card(
        competitor="Acme Rival",
        strengths=["fast set-up", "low price"],
        weaknesses=[],
        pricing=None,
        verified=True,
        share=12.0,
        contacts=[Hint(name_hint="buyer", seen=False)],
    )
    text = describe(card)
    assert text == (
        "competitor: Acme Rival; strengths: fast set-up, low price; verified: yes; share: 12; "
        "contacts: (name hint: buyer; seen: no)"
    )
