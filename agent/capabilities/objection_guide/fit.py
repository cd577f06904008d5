"""Whom a library objection's signer is in this deal: "The CFO will never sign off" is written
for a company where the CFO signs. When no contact of the deal holds the title an objection
names for its signer, the guide says who signs here, from the record: the economic buyer (a
contact, else someone the text says signs: agent/analysis/buying_group.py), else the text
that says it is not known ("maybe the COO, maybe the private equity operating partner"), else
that nobody is on record. The answer is still worth having (whoever signs may say it), but a
rep who repeats "the CFO" to a customer whose COO signs has not read the deal.

Titles are compared by kind (agent/reading/titles.py): "CFO" and "Chief Financial Officer"
are one, so a deal whose CFO is a contact gets no note."""

from __future__ import annotations

from agent.analysis.model import Analysis
from agent.capabilities.objection_guide.contract import SignerFit
from agent.reading.titles import TITLE, kind_of, role_of
from knowledge.documents import Document


def signer_fit(doc: Document, analysis: Analysis) -> SignerFit | None:
    """Who signs in this deal, when the objection names a signer's title no contact holds."""
    named = TITLE.search(doc.title)
    if named is None or role_of(named.group("title"))[0] != "economic_buyer":
        return None
    title, kind = named.group("title"), kind_of(doc.title)
    if any(kind_of(p.title) == kind for p in analysis.engagement if not p.left):
        return None
    no_one = f"No {title} is on this deal"
    eb = analysis.economic_buyer  # a contact, else someone the text says signs
    if eb is not None and kind_of(eb.title) == kind:
        return None  # the text says the CFO signs: the library's words fit
    if eb is not None:
        who = eb.name or f"the {eb.title}"
        return SignerFit(
            statement=f"{no_one}: the economic buyer is {who}"
            + (f" ({eb.title})" if eb.name else "")
            + f"; say {who} where this answer says the {title}",
            citations=eb.citations,
        )
    unsure = [
        f
        for f in analysis.reading.facts
        if f.kind == "person" and f.role == "economic_buyer" and f.hedged
    ]
    if unsure:
        return SignerFit(
            statement=f'{no_one}, and who signs is not known: "{unsure[0].quote}" Find out who '
            f"signs before you use this answer, and name them where it says the {title}",
            citations=[unsure[0].ref],
        )
    return SignerFit(
        statement=f"{no_one}, and the record names nobody who signs: find out who does before "
        f"you use this answer",
        citations=["deal.contacts"],
    )
