"""Facts read from free text: what a note, an activity's summary or outcome, a transcript line or
an upstream agent's prose says, each with the exact words it came from.

A fact never stands without its quote: `ref` is the input path of the text it was read from
(`deal.notes[0].text`, `deal.activities[5].outcome`, `transcript.utterances[12].text`) and
`quote` is a span that occurs in that text verbatim. Only the fields of its kind are set.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.deal import ActivityType, DmuRole
from agent.memo import PerObject

FactKind = Literal[
    "person",
    "outreach",
    "meeting",
    "constraint",
    "comparison",
    "sentiment",
    "departure",
    "progress",
    "history_gap",
]
OutreachOutcome = Literal[
    "replied", "no_reply", "declined", "bounced", "out_of_office", "rescheduled", "no_show"
]
# tender: the customer must buy through a competitive process (a tender, an RFP, a public
# invitation, a set number of quotes): other vendors bid, and it takes weeks.
ConstraintKind = Literal[
    "budget_freeze",
    "security_review",
    "legal_review",
    "procurement",
    "tender",
    "approval",
    "deadline",
]
ComparisonClaim = Literal["price", "speed", "scope"]


class Fact(Contract):
    kind: FactKind
    ref: str = Field(description="Input path of the text it was read from.")
    quote: str = Field(description="The words it was read from, verbatim.")
    source: Literal["rules", "model"] = "rules"
    # person: someone named or described with a role
    person: str | None = Field(default=None, description="The person's name, when written.")
    title: str | None = Field(default=None, description="Their title or role, as written.")
    contact_id: str | None = Field(default=None, description="The contact it is about, if any.")
    role: DmuRole | None = Field(default=None, description="The buying role the text implies.")
    authority: bool | None = Field(default=None, description="Signs or approves the spend.")
    met: bool | None = Field(default=None, description="The text says we have (not) met them.")
    hedged: bool = Field(
        default=False, description="The text only guesses ('maybe the COO', 'not sure who')."
    )
    acted: bool | None = Field(
        default=None,
        description="The text says they did something for the deal (sent, asked, runs, "
        "reviewed): True; that they have not: False.",
    )
    stands_in_for: str | None = Field(
        default=None,
        description="The contact they stand in for while that contact is away (a deputy an "
        "auto-reply names); `until` is when the contact is back.",
    )
    attendees: list[str] = Field(
        default_factory=list, description="A meeting's customer attendees (contact ids)."
    )
    # outreach: what came of an attempt to reach someone (an out-of-office reply: `until` is
    # when they are back)
    outcome: OutreachOutcome | None = None
    # meeting, constraint: dates and durations
    on: dt.date | None = Field(
        default=None, description="When: a meeting, a deadline, a thing done."
    )
    until: dt.date | None = Field(
        default=None,
        description="Until when a constraint holds or someone is away; for a history gap, the "
        "date before which the record holds no history (when the text names it).",
    )
    weeks: tuple[float, float] | None = Field(
        default=None, description="How long a review or process takes (low, high), in weeks."
    )
    constraint: ConstraintKind | None = None
    # comparison: a competitor claim
    competitor: str | None = None
    claim: ComparisonClaim | None = None
    figure: str | None = Field(default=None, description="The figure claimed, as written.")
    # departure: someone is leaving or has left (on: their last day, when the text says)
    # sentiment: a shift in how someone feels about the deal
    direction: Literal["warming", "cooling"] | None = None
    # progress: the text says something was done (held, returned, signed) or was not; `activity`
    # is the kind of activity it names (a workshop held), `on` when it happened (or, for a
    # thing not done, the day the text said so), `attendees` the customers it names
    done: bool | None = Field(default=None, description="Done (True) or not done (False).")
    activity: ActivityType | None = Field(
        default=None, description="The kind of activity a progress statement names."
    )
    # history_gap: the record's own history is incomplete (migrated from another CRM, not
    # imported, lost, or kept by a partner that ran the deal first); `until` is when the
    # record's history starts, `on` when the text says so
    holder: str | None = Field(
        default=None,
        description="history_gap: who holds the history this record lacks (a partner that ran "
        "the deal before us), when the text says so.",
    )


class Reading(Contract):
    """Every fact read from a deal's free text, and what reading it cost."""

    facts: list[Fact] = Field(default_factory=list)
    texts: int = Field(default=0, description="Free texts read.")
    dropped: int = Field(
        default=0,
        description="Facts a model proposed that code could not verify (a ref it was not given, "
        "a quote not in that text, a kind's fields missing) and left out.",
    )
    model: str | None = Field(
        default=None, description="The model that read the text alongside the rules, if any."
    )

    def of(self, kind: str) -> list[Fact]:
        """The facts of one kind, in reading order. The facts are grouped by kind once per
        reading (a big deal's reading holds thousands, asked for by kind hundreds of times a
        request), again only when the list was replaced or changed length."""
        facts = self.facts
        by_kind = _BY_KIND.get(self, (id(facts), len(facts)), lambda: _group(facts))
        return list(by_kind.get(kind, ()))


_BY_KIND: PerObject[dict[str, list[Fact]]] = PerObject(maxsize=256)


def _group(facts: list[Fact]) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.kind, []).append(fact)
    return grouped
