"""Competitor knowledge a team can trust: what the coach may say about a competitor, decided in
one place for every capability that quotes a battle card or speaks of a competitor (next best
action, deal strategy, the pre-call brief, the meeting agenda, the objection guide, live assist,
the debrief). competitor_points is the short form any of them can show: a card's lead lines
and what to check, or that there is no card and what to ask.

- The card is the competitive agent's for this deal when it sent one, else the knowledge
  base's (`knowledge/battle_cards/`).
- A line that states a figure nobody sourced is left out, and the plan says a line was left
  out and where it is, never the figure: a number a rep repeats becomes a fact to the customer.
  A knowledge-base card cannot hold one (loading rejects it); a competitive agent's figure is
  sourced by the card's `sources`, by the source its summary names ("refreshed in January 2027
  from Helixor's published list prices"), by the knowledge base's card for the same competitor,
  or by the deal's own record.
- A card last verified more than STALE_AFTER_DAYS before the run's date is said to be stale,
  with its date, and each of its figures is marked "re-verify before quoting".
- A competitor with no card anywhere is said to have none, with what to find out
  (`skill-competitive-positioning#when-there-is-no-battle-card`); nothing is borrowed from
  another competitor's card and no positioning is invented.
- A competitor figure that appears only in free text (a note, an activity summary) is a claim
  to verify: attributed to where it was written, never restated as fact. One the text says
  comes from a document (a written quote, a signed statement of work) is quoted with it.

This module builds what the capabilities show (CompetitorView, competitor_points, the no-card
advice); the card and where it is found are battle_card.py, the vetting of its lines
card_vetting.py, and what the competitive summary says about a card card_summary.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from agent.capabilities.common.battle_card import Card, has_card
from agent.capabilities.common.card_vetting import card_for
from agent.capabilities.common.competitor_claims import Claim, claims_in, same_competitor
from agent.capabilities.common.playbook import list_items
from agent.capabilities.deal_strategy.contract import CompetitivePlan
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.contracts.meeting_prep import Point
from agent.memo import PerObject, content_of
from knowledge.documents import Document
from knowledge.sections import flag_token
from knowledge.trust import STALE_AFTER_DAYS, provenance_of

NO_CARD_GUIDE = ("skill-competitive-positioning", "when-there-is-no-battle-card")


@dataclass(frozen=True)
class NoCard:
    """What to say about a competitor nobody has a card for, and what to find out."""

    competitor: str
    statement: str
    questions: tuple[str, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True)
class CompetitorView:
    """Everything the coach may say about one competitor on this deal."""

    name: str
    card: Card | None
    no_card: NoCard | None
    claims: tuple[Claim, ...] = field(default_factory=tuple)

    @property
    def cautions(self) -> list[str]:
        """What to check before quoting: the card's age and gaps, then claims heard."""
        return [*(self.card.cautions if self.card else ()), *(c.text for c in self.claims)]

    @property
    def citations(self) -> list[str]:
        refs = list(self.no_card.citations) if self.no_card else []
        return list(dict.fromkeys([*refs, *(r for c in self.claims for r in c.refs)]))


# ---- no card ------------------------------------------------------------------------------


def no_card(name: str, knowledge: Mapping[str, Document]) -> NoCard:
    """There is no card: say so, and what to ask (the library's questions for this case)."""
    doc_id, anchor = NO_CARD_GUIDE
    guide = knowledge.get(doc_id)
    section = guide.section(anchor) if guide else None
    questions = tuple(list_items(section.text)) if section else ()
    return NoCard(
        competitor=name,
        statement=f"There is no battle card for {name}, neither in the knowledge base nor from "
        "the competitive agent: no positioning, strengths, weaknesses or prices are given for "
        f"{name} until you have learned them from the customer",
        questions=questions,
        citations=(f"kb:{doc_id}#{anchor}",) if section else (),
    )


# ---- one view per competitor ---------------------------------------------------------------


def competitor_view(
    name: str,
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    as_of: dt.date | None,
    reading: Reading | None = None,
) -> CompetitorView:
    """Kept per deal version (the context object), competitor, date, reading (by content) and
    loaded documents (by identity, held with the view so the id is not reused meanwhile): a
    warm request about the deal does not vet the card and read the claims again."""
    key = (name, as_of, id(knowledge), content_of(reading) if reading is not None else None)
    held, view = _VIEWS.get(
        ctx, key, lambda: (knowledge, _view(name, ctx, knowledge, as_of, reading))
    )
    if held is knowledge:
        return view
    return _view(name, ctx, knowledge, as_of, reading)  # another mapping, once at that id


_VIEWS: PerObject[tuple[Mapping[str, Document], CompetitorView]] = PerObject(maxsize=64)


def _view(
    name: str,
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    as_of: dt.date | None,
    reading: Reading | None,
) -> CompetitorView:
    card = card_for(name, ctx, knowledge, as_of)
    return CompetitorView(
        name=name,
        card=card,
        no_card=None if card else no_card(name, knowledge),
        claims=tuple(claims_in(ctx, reading, name)),
    )


def without_cards(ctx: DealContext, knowledge: Mapping[str, Document]) -> list[str]:
    """The deal's competitors that have no card anywhere."""
    return [n for n in ctx.deal.competitors if not has_card(n, ctx, knowledge)]


def rivals(ctx: DealContext, named: Sequence[str] = ()) -> list[str]:
    """The competitors in play, each once: the deal's, those the competitive agent sent a card
    for, then any `named` (in what the rep typed, as the competitor's listed spelling)."""
    cards = [c.competitor for c in ctx.competitive.battle_cards] if ctx.competitive else []
    out: dict[str, str] = {}
    for name in (*ctx.deal.competitors, *cards, *named):
        if name.strip():
            out.setdefault(flag_token(name), name)
    return list(out.values())


def _no_card_line(none: NoCard) -> str:
    ask = f"; ask {' / '.join(none.questions[:2])}" if none.questions else ""
    return none.statement + ask


def competitor_points(
    name: str,
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    as_of: dt.date | None = None,
    reading: Reading | None = None,
    opening: str = "",
) -> list[Point]:
    """What any capability may say about one competitor, in one place: the lead lines of its
    vetted card (the competitive agent's, else the library's) and what to check before quoting
    them; or, with no card anywhere, that there is none and what to find out, never another
    vendor's lines; then the claims heard about it. `opening` starts the first line ("If they
    bring up X: "); without one, a card's line starts with the competitor's name."""
    view = competitor_view(name, ctx, knowledge, as_of, reading)
    own = [
        f"deal.competitors[{i}]"
        for i, c in enumerate(ctx.deal.competitors)
        if same_competitor(c, name)
    ]
    points: list[Point] = []
    if (card := view.card) is not None:
        lead = " / ".join(line.rstrip(".") for line in card.lead())
        cites = list(dict.fromkeys([*own, *card.cite_lead()]))
        text = (opening or f"{name}: ") + card.described + (f": {lead}" if lead else "")
        points.append(Point(text=text, citations=cites))
        points += [Point(text=c, citations=cites) for c in card.cautions]
    elif (none := view.no_card) is not None:
        line = _no_card_line(none)
        text = opening + (line[0].lower() + line[1:] if opening else line)
        points.append(Point(text=text, citations=[*own, *none.citations]))
    return points + [Point(text=c.text, citations=list(c.refs)) for c in view.claims]


def competition_points(
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    as_of: dt.date | None = None,
    reading: Reading | None = None,
) -> list[Point]:
    """competitor_points for every competitor in play (rivals())."""
    return [
        p for name in rivals(ctx) for p in competitor_points(name, ctx, knowledge, as_of, reading)
    ]


def plan_points(plans: Sequence[CompetitivePlan]) -> list[Point]:
    """The competitive plans as a brief's points: per competitor, the strategy (and the first
    landmine), then what to check before quoting, then what to find out when there is no card."""
    points = []
    for c in plans:
        landmine = f". Landmine: {c.landmines[0]}" if c.landmines else ""
        points.append(
            Point(
                text=f"{c.competitor} (our position {c.position}): {c.strategy}{landmine}",
                citations=c.citations,
            )
        )
        points += [Point(text=x, citations=c.citations) for x in c.cautions]
        if c.to_find_out:
            points.append(
                Point(
                    text=f"Find out about {c.competitor}: " + " / ".join(c.to_find_out),
                    citations=c.citations,
                )
            )
    return points


def no_card_advice(
    ctx: DealContext, knowledge: Mapping[str, Document]
) -> tuple[list[str], list[str]]:
    """One line per competitor on the deal with no card (say so, and the first questions to
    ask), and the citations of those questions."""
    lines: list[str] = []
    refs: list[str] = []
    for name in without_cards(ctx, knowledge):
        none = no_card(name, knowledge)
        lines.append(_no_card_line(none))
        refs += [r for r in none.citations if r not in refs]
    return lines, refs


def stale_note(doc: Document, as_of: dt.date | None) -> str:
    """A customer story (or any card) verified longer ago than the threshold: what to append
    where it is quoted, so its figures are re-verified before a customer hears them."""
    p = provenance_of(doc.meta)
    fresh = p.freshness(as_of) if as_of else None
    if fresh is None or not fresh.stale or p.verified is None:
        return ""
    return (
        f" (last verified {p.verified.isoformat()}, more than {STALE_AFTER_DAYS} days before "
        f"{fresh.as_of.isoformat()}: re-verify before quoting its figures)"
    )
