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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from agent.capabilities.common.competitor_claims import Claim, claims_in, same_competitor
from agent.capabilities.common.playbook import list_items
from agent.capabilities.deal_strategy.contract import CompetitivePlan
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.contracts.meeting_prep import Point
from agent.contracts.upstream import BattleCard
from agent.memo import PerObject
from agent.reading.competitors import Competitors
from agent.reading.read import competitors_of, rival_comparisons
from agent.reading.spans import sentences_of
from agent.reading.texts import about_the_deal, free_texts
from knowledge.documents import Document
from knowledge.sections import flag_token
from knowledge.trust import STALE_AFTER_DAYS, Freshness, figures_in, provenance_of, unsourced

Section = Literal["strengths", "weaknesses", "landmines", "traps", "talking_points"]
SECTIONS: tuple[Section, ...] = ("strengths", "weaknesses", "landmines", "traps", "talking_points")
POINTS: Section = "talking_points"
KB_ANCHORS: dict[Section, str] = {
    "strengths": "strengths",
    "weaknesses": "weaknesses",
    "landmines": "landmines-to-lay",
    "traps": "traps-they-set",
    "talking_points": "talking-points",
}
NO_CARD_GUIDE = ("skill-competitive-positioning", "when-there-is-no-battle-card")


@dataclass(frozen=True)
class Card:
    """One competitor's battle card as the coach may quote it: lines vetted, age judged."""

    competitor: str
    origin: Literal["competitive_agent", "knowledge_base"]
    ref: str  # `competitive.battle_cards[i]` or the knowledge document's id
    lines: Mapping[Section, tuple[str, ...]]
    refs: Mapping[Section, str]
    line_refs: Mapping[Section, tuple[str, ...]] = field(default_factory=dict)  # per kept line
    verified: dt.date | None = None
    verified_text: str | None = None  # the date as its source writes it ("March 2024")
    stale: bool = False
    left_out: tuple[str, ...] = ()  # refs of lines left out for an unsourced figure
    cautions: tuple[str, ...] = ()

    def items(self, section: Section, limit: int = 3) -> list[str]:
        return list(self.lines.get(section, ()))[:limit]

    def lead(self) -> list[str]:
        """The lines to lead with: the deal's own card with a weakness, then its talking
        points; the library's with its talking points."""
        first = self.items("weaknesses", 1) if self.origin == "competitive_agent" else []
        return [*first, *self.items(POINTS, 2)]

    def cite_lead(self) -> list[str]:
        if self.origin == "competitive_agent":
            return self.cite("weaknesses", POINTS)
        return self.cite(POINTS)

    @property
    def described(self) -> str:
        """Which card it is, in words: whose, and when it was last verified."""
        whose = (
            "the competitive agent's battle card"
            if self.origin == "competitive_agent"
            else f"the knowledge base's battle card ({self.ref})"
        )
        return whose + (f", last verified {self.verified_text}" if self.verified_text else "")

    def cite(self, *sections: Section) -> list[str]:
        """The citations for the sections quoted: the whole card for a competitive agent's,
        unless lines were left out; then the lines used, so no excerpt repeats them."""
        if self.left_out and self.origin == "competitive_agent":
            return [r for s in sections for r in self.line_refs.get(s, ())]
        return list(dict.fromkeys(self.refs[s] for s in sections if s in self.refs))


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


# ---- the card ------------------------------------------------------------------------------


def kb_card(name: str, knowledge: Mapping[str, Document]) -> Document | None:
    """The knowledge base's battle card for a competitor (files list it; the index flags it)."""
    flag = f"competitors__{flag_token(name)}"
    for doc in knowledge.values():
        if doc.meta.get("type") != "battle_card":
            continue
        listed = doc.meta.get("competitors", [])
        if any(same_competitor(c, name) for c in listed) or flag in doc.meta.get("flags", ()):
            return doc
    return None


def agent_card(name: str, ctx: DealContext) -> tuple[int, BattleCard] | None:
    cards = ctx.competitive.battle_cards if ctx.competitive else []
    return next(((i, c) for i, c in enumerate(cards) if same_competitor(c.competitor, name)), None)


def has_card(name: str, ctx: DealContext, knowledge: Mapping[str, Document]) -> bool:
    return agent_card(name, ctx) is not None or kb_card(name, knowledge) is not None


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_WHEN = (
    rf"(?P<date>\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}-\d{{2}}|\d{{1,2}} (?:{_MONTHS}) \d{{4}}|"
    rf"(?:{_MONTHS})(?: \d{{1,2}},?)? \d{{4}}|Q[1-4] \d{{4}})"
)
_VERIFIED = re.compile(
    r"\b(?:last )?(?:refreshed|updated|verified|reviewed|checked|revised|researched|compiled)"
    rf"(?: (?:in|on|as of|at))? {_WHEN}",
    re.I,
)
_ABOUT_A_CARD = re.compile(
    r"\b(?:battle ?cards?|cards?|intel(?:ligence)?|research|competitive file|profile)\b|"
    r"\blast (?:refreshed|updated|verified|reviewed|checked)\b",
    re.I,
)
_FROM = re.compile(r"\b(?:from|based on|per|using) (?P<source>[^;.]+?)(?=[;.]|$)", re.I)


def _parse_date(text: str) -> dt.date | None:
    """The first day the text can mean ('March 2024' is 2024-03-01): a card is judged by the
    earliest date it may have been checked on."""
    t = text.strip().replace(",", "")
    for fmt in ("%Y-%m-%d", "%Y-%m", "%d %B %Y", "%B %d %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    if (m := re.fullmatch(r"Q([1-4]) (\d{4})", t, re.I)) is not None:
        return dt.date(int(m.group(2)), 3 * int(m.group(1)) - 2, 1)
    return None


@dataclass(frozen=True)
class _Stated:
    """What the competitive agent's prose says about a card: when it was checked, from what."""

    verified: dt.date | None
    verified_text: str | None
    source: str | None


def _stated(ctx: DealContext, name: str) -> _Stated:
    """A card's date and source from the competitive summary: a sentence about a card (or the
    intelligence) that names this competitor, or names none of the cards' competitors."""
    summary = ctx.competitive.summary if ctx.competitive else None
    names = [c.competitor for c in ctx.competitive.battle_cards] if ctx.competitive else []
    for sentence in sentences_of(summary or ""):
        named = [n for n in names if re.search(rf"\b{re.escape(n)}\b", sentence, re.I)]
        if named and not any(same_competitor(n, name) for n in named):
            continue
        when = _VERIFIED.search(sentence)
        if when is None or not _ABOUT_A_CARD.search(sentence):
            continue
        src = _FROM.search(sentence, when.end())
        return _Stated(
            _parse_date(when.group("date")),
            when.group("date"),
            src.group("source").strip() if src else None,
        )
    return _Stated(None, None, None)


def _record_texts(ctx: DealContext) -> tuple[str, ...]:
    """The deal's own sentences that can back a competitive agent's figure: its record and the
    upstream agents' findings, not the competitive section itself, not our planned messages,
    and not a sentence that is itself a competitor claim. Kept per deal version (in a batch
    run, on disk: agent/memo.py): they depend on the deal alone."""
    return _RECORD_TEXTS.get(ctx, None, lambda: tuple(_sentences_backing(ctx)))


_RECORD_TEXTS: PerObject[tuple[str, ...]] = PerObject(kept="record_texts", kind=tuple[str, ...])


def _sentences_backing(ctx: DealContext) -> list[str]:
    rivals = Competitors.of(competitors_of(ctx))
    out = []
    for t in free_texts(ctx):
        if not about_the_deal(t) or t.ref.startswith("competitive"):
            continue
        out += [s for s in sentences_of(t.text) if not rival_comparisons(t.ref, s, rivals)]
    return out


def _corroborated(figure: str, texts: Sequence[str]) -> bool:
    pattern = re.compile(rf"(?<![\w]){re.escape(figure)}(?![\w])", re.I)
    return any(pattern.search(t) for t in texts)


def _vet(
    line: str, sourced: Sequence[str], backed: Callable[[], Sequence[str]], blanket: bool
) -> tuple[str, ...]:
    """The figures of a line nothing sources (an empty tuple when all are sourced). The deal's
    record is read only for a figure no source covers: most lines state none."""
    if blanket:
        return ()
    return tuple(f.text for f in unsourced(line, sourced) if not _corroborated(f.text, backed()))


def _card_cautions(
    name: str,
    origin: str,
    verified_text: str | None,
    as_of: dt.date | None,
    owner: str | None,
    left_out: Sequence[str],
) -> tuple[str, ...]:
    """What to check before quoting the card: its age (only when stale) and its gaps."""
    who = f" (ask the {owner[0].lower() + owner[1:]})" if owner else ""
    out = []
    if as_of is not None:
        out.append(
            f"The {name} card {origin} was last verified {verified_text}, more than "
            f"{STALE_AFTER_DAYS} days before {as_of.isoformat()}: it is stale, so re-verify "
            f"its figures before quoting them{who}"
        )
    if left_out:
        out.append(
            f"Lines of the {name} card {origin} that state a figure with no source are left "
            f"out ({', '.join(dict.fromkeys(left_out))}): find out where the figure comes from "
            f"before using it{who}"
        )
    return tuple(out)


def _assemble(
    name: str,
    origin: Literal["competitive_agent", "knowledge_base"],
    ref: str,
    raw: Mapping[Section, tuple[tuple[str, str], ...]],
    refs: Mapping[Section, str],
    verified: tuple[dt.date | None, str | None],
    owner: str | None,
    sourced: Sequence[str],
    backed: Callable[[], Sequence[str]],
    blanket: bool,
    as_of: dt.date | None,
) -> Card:
    """Vets every line: one with an unsourced figure is left out; on a stale card, a line with
    a figure says to re-verify it."""
    on, shown = verified
    stale = bool(on and as_of and Freshness(on, as_of).stale)
    lines: dict[Section, tuple[str, ...]] = {}
    line_refs: dict[Section, tuple[str, ...]] = {}
    left_out: list[str] = []
    for section, items in raw.items():
        kept: list[tuple[str, str]] = []
        for text, where in items:
            if _vet(text, sourced, backed, blanket):
                left_out.append(where)
            elif stale and figures_in(text):
                flagged = f"{text.rstrip('.')} (from a card last verified {shown}: "
                kept.append((flagged + "re-verify before quoting)", where))
            else:
                kept.append((text, where))
        lines[section] = tuple(t for t, _ in kept)
        line_refs[section] = tuple(w for _, w in kept)
    phrase = "from the competitive agent" if origin == "competitive_agent" else f"({ref})"
    return Card(
        competitor=name,
        origin=origin,
        ref=ref,
        lines=lines,
        refs=refs,
        line_refs=line_refs,
        verified=on,
        verified_text=shown,
        stale=stale,
        left_out=tuple(left_out),
        cautions=_card_cautions(name, phrase, shown, as_of if stale else None, owner, left_out),
    )


def card_for(
    name: str, ctx: DealContext, knowledge: Mapping[str, Document], as_of: dt.date | None
) -> Card | None:
    """The competitor's card, vetted: the competitive agent's first, else the library's."""
    return agent_card_view(name, ctx, knowledge, as_of) or library_card_view(name, knowledge, as_of)


def agent_card_view(
    name: str, ctx: DealContext, knowledge: Mapping[str, Document], as_of: dt.date | None
) -> Card | None:
    """The competitive agent's card for this deal, vetted; its figures may be backed by its
    own sources, the source its summary names, the library's card or the deal's record."""
    found = agent_card(name, ctx)
    if found is None:
        return None
    i, card = found
    base = f"competitive.battle_cards[{i}]"
    stated = _stated(ctx, name)
    verified = card.last_verified or stated.verified
    shown = card.last_verified.isoformat() if card.last_verified else stated.verified_text
    kb = kb_card(name, knowledge)
    raw = {
        s: tuple((t, f"{base}.{s}[{j}]") for j, t in enumerate(getattr(card, s))) for s in SECTIONS
    }
    return _assemble(
        name,
        "competitive_agent",
        base,
        raw,
        dict.fromkeys(SECTIONS, base),
        (verified, shown),
        card.owner,
        [
            *(f for s in card.sources for f in s.figures),
            *(provenance_of(kb.meta).sourced if kb else ()),
        ],
        cache(lambda: _record_texts(ctx)),
        blanket=stated.source is not None and not card.sources,
        as_of=as_of,
    )


def library_card_view(
    name: str, knowledge: Mapping[str, Document], as_of: dt.date | None
) -> Card | None:
    """The knowledge base's card, vetted against its own front matter."""
    kb = kb_card(name, knowledge)
    if kb is None:
        return None
    p = provenance_of(kb.meta)
    raw: dict[Section, tuple[tuple[str, str], ...]] = {}
    for s, anchor in KB_ANCHORS.items():
        section = kb.section(anchor)
        items = list_items(section.text) if section else []
        raw[s] = tuple((t, kb.ref(anchor)) for t in items)
    return _assemble(
        name,
        "knowledge_base",
        kb.id,
        raw,
        {s: kb.ref(a) for s, a in KB_ANCHORS.items()},
        (p.verified, p.verified.isoformat() if p.verified else None),
        p.owner,
        p.sourced,
        tuple,
        blanket=False,
        as_of=as_of,
    )


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
