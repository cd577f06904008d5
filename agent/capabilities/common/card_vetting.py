"""Vetting a battle card's lines before the coach may quote them: a line stating a figure
nobody sourced is left out (and the card says where), a stale card's figures say to re-verify
them, and the card's cautions say both.

A competitive agent's figure is sourced by the card's `sources`, the source its summary names
(card_summary.py), the knowledge base's card for the same competitor, or the deal's own record
(its sentences kept per deal version); a knowledge-base card by its own front matter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Literal

from agent.capabilities.common.battle_card import (
    KB_ANCHORS,
    SECTIONS,
    Card,
    Section,
    agent_card,
    kb_card,
)
from agent.capabilities.common.card_summary import stated_in_summary
from agent.capabilities.common.playbook import list_items
from agent.contracts.context import DealContext
from agent.memo import PerObject
from agent.reading.competitors import Competitors
from agent.reading.read import competitors_of, rival_comparisons
from agent.reading.spans import sentences_of
from agent.reading.texts import about_the_deal, free_texts
from knowledge.documents import Document
from knowledge.trust import STALE_AFTER_DAYS, Freshness, figures_in, provenance_of, unsourced


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
    stated = stated_in_summary(ctx, name)
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
