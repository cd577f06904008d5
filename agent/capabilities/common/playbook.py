"""Transparent play scoring: a play applies when its required signals fire in a stage it is
written for; its score is the sum of its signal weights scaled by each signal's severity."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from agent.analysis.model import Analysis, Signal
from agent.contracts.context import DealContext
from knowledge.plays import Play

SEVERITY_FACTOR = {"low": 0.5, "medium": 1.0, "high": 1.5, "critical": 2.0}
# A play done through someone the deal does not have (its first target: "ask your champion"
# with no champion) can only be half done: it counts at this share of its score.
WITHOUT_TARGET = 0.6
_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*])\s+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Contribution:
    signal: Signal
    weight: float

    @property
    def points(self) -> float:
        return round(self.weight * SEVERITY_FACTOR[self.signal.severity], 2)


@dataclass(frozen=True)
class ScoredPlay:
    play: Play
    contributions: tuple[Contribution, ...]
    missing: str | None = None  # the role the play works through that the deal lacks

    @property
    def score(self) -> float:
        total = sum(c.points for c in self.contributions)
        return round(total * (WITHOUT_TARGET if self.missing else 1.0), 2)


# Roles a play works through ("ask your champion", "meet the economic buyer"); other targets
# are people a play looks for (a coach or a user who might become a champion).
THROUGH = ("champion", "economic_buyer")


def lacking(play: Play, analysis: Analysis) -> str | None:
    """The role a play is done through (its first target) when the deal has nobody in it."""
    if not play.meta.targets or play.meta.targets[0] not in THROUGH:
        return None
    role = play.meta.targets[0]
    if analysis.contact(role):
        return None
    if role == "economic_buyer" and analysis.economic_buyer is not None:
        return None
    return role


def applies(play: Play, analysis: Analysis) -> bool:
    fired = {s.id for s in analysis.signals}
    if analysis.phase is not None and analysis.phase not in play.meta.stages:
        return False
    return bool(fired & set(play.meta.requires_any)) and not fired & set(play.meta.unless)


def score_plays(plays: tuple[Play, ...], analysis: Analysis) -> list[ScoredPlay]:
    """Applicable plays, best first; ties break on play id so results are reproducible."""
    scored = []
    for play in plays:
        if not applies(play, analysis):
            continue
        contributions = tuple(
            Contribution(signal, weight)
            for sid, weight in play.meta.signals.items()
            if (signal := analysis.fired(sid)) is not None
        )
        scored.append(ScoredPlay(play, contributions, lacking(play, analysis)))
    return sorted(scored, key=lambda s: (-s.score, s.play.id))


def fill(text: str, values: dict[str, str]) -> str:
    """Replaces {placeholder}s with deal facts; unknown names stay visible rather than vanish."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def list_items(text: str) -> list[str]:
    """Numbered or bulleted items of a markdown section, continuation lines joined."""
    items: list[str] = []
    for line in text.splitlines():
        if _LIST_ITEM.match(line):
            items.append(_LIST_ITEM.sub("", line).strip())
        elif line.strip() and items:
            items[-1] += " " + line.strip()
    return items


def paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _target_close(expected: dt.date, analysis: Analysis) -> str:
    """The close a plan works back from: the expected one, unless the record says it cannot
    hold (a committee, a freeze or a review ends after it) or it has passed, when the plan
    works toward a date the customer agrees instead (the playbook's "sign by ..." lines)."""
    if analysis.fired("close_date_unreachable"):
        return f"a date the customer agrees ({expected.isoformat()} cannot hold)"
    if analysis.fired("close_date_passed"):
        return f"a new date the customer agrees ({expected.isoformat()} has passed)"
    return expected.isoformat()


def deal_values(ctx: DealContext, analysis: Analysis) -> dict[str, str]:
    """Facts that fill {placeholders} in knowledge text; gaps get a neutral phrase."""
    deal = ctx.deal

    def first(role: str, default: str) -> str:
        people = analysis.contact(role)
        if people and people[0].is_away and people[0].deputy:  # the asks go to the deputy
            return f"{people[0].deputy} (standing in for {people[0].name})"
        return people[0].name if people else default

    buyer = analysis.economic_buyer
    signer = (buyer.name or f"the {buyer.title}") if buyer else None
    former = analysis.former("champion")
    no_champion = (
        f"your strongest remaining contact ({former[0].name}, the champion, has left)"
        if former
        else "your strongest contact (there is no champion yet)"
    )
    return {
        "account": deal.account.name,
        # Gaps are named as gaps: advice never sends the rep to a person the deal does not have.
        "champion": first("champion", no_champion),
        "economic_buyer": first("economic_buyer", signer or "whoever signs (not identified yet)"),
        "owner": deal.owner.name,
        "stage": deal.stage,
        "next_stage": analysis.next_stage or "the next stage",
        "close_date": deal.expected_close.isoformat(),
        # the date a plan works toward: not one the record says cannot hold, or has passed
        "target_close": _target_close(deal.expected_close, analysis),
        "competitor": deal.competitors[0] if deal.competitors else "the competitor",
    }


def subsections(text: str) -> dict[str, str]:
    """`### Heading` blocks inside a section (a guide's questions per element, say)."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
            found[current] = ""
        elif current is not None:
            found[current] += line + "\n"
    return {k: v.strip() for k, v in found.items()}
