"""Which open deals are most at risk, and why: the chat's answer to "what's at risk in my
pipeline?", which no capability answers (each is about one deal, or a rep's habits).

Each open deal is read and analysed as a deal capability's graph does offline (the same
reading, default process and kept analysis), and given the win probability next best action
gives it, so the numbers here are the ones the deal's own answers show. Deals are ranked by how
far the record lowers their chance of winning from the baseline of their stage (the points a
sales manager would lose from the forecast), then by amount; what counts against each is the
win model's negative contributions, each a signal with its detail and citations. A deal that
nothing counts against is named, not ranked. A deal's
citations are scoped to it (`D-1011:deal.expected_close`), as performance coaching scopes a
rep's.

Whose pipeline: the rep named in the message, else the thread's rep (the rep asking, when they
own deals), else every open deal the caller may see. Rep-level work reads that rep's deals
only (the catalogue knows who owns what); a whole workspace of more than MAX_DEALS open deals
is asked to name a rep instead of being analysed deal by deal in a chat turn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent.analysis.closure import deal_states, rep_deals
from agent.analysis.kept import kept_analysis
from agent.analysis.model import Analysis
from agent.analysis.probability import estimate_win_probability
from agent.analysis.stage import default_process
from agent.chat.more import Shown
from agent.chat.quick import MAX_ITEMS, Quick, cite, more
from agent.contracts.context import DealContext
from agent.contracts.probability import FactorContribution, WinProbability
from agent.errors import InvalidInput
from agent.formatting import money, pct, shorten
from agent.reading.read import read_deal
from agent.retrieval import known_competitors
from agent.settings import CoachContext
from tools.sources import WorkspaceSource, workspace_source
from tools.upstream.source import upstream_source

PIPELINE = "pipeline_risk"  # its intent (agent/routing/intents.yaml)
TITLE = "Pipeline at risk"
MAX_DEALS = 200  # open deals analysed in one chat turn; more: name a rep
REASONS = 2  # reasons shown per deal in the short answer (the report has them all)


@dataclass(frozen=True)
class Assessed:
    """One open deal, its analysis and win probability, and what counts against it."""

    deal: DealContext
    analysis: Analysis
    win: WinProbability

    @property
    def against(self) -> list[FactorContribution]:
        return [f for f in self.win.factors if f.log_odds < 0]

    @property
    def drop(self) -> float:
        """How far the record lowers the chance of winning from the stage's baseline (ranked
        in whole points, as shown, so equal drops go by amount)."""
        return self.win.baseline - self.win.value

    def scoped(self, refs: list[str]) -> list[str]:
        return [f"{self.deal.deal.id}:{r}" for r in refs]


def pipeline_risk(rep_id: str | None, ctx: CoachContext) -> Quick:
    """The open deals of `rep_id` (None: every one the caller may see), most at risk first."""
    source = workspace_source(ctx.workspace, ctx.principal)
    whose, deals = _open_deals(source, rep_id, ctx)
    as_of = source.as_of or dt.date.today()
    if not deals:
        return Quick(f"**{TITLE}** · {whose}: no open deal; every deal is won or lost.")
    assessed = sorted(
        (_assess(d, as_of, ctx) for d in deals),
        key=lambda a: (-round(a.drop * 100), -a.deal.deal.amount, a.deal.deal.id),
    )
    risky = [a for a in assessed if a.against]
    report = _report(whose, assessed, as_of)
    head = f"**{TITLE}** · {whose} · {len(assessed)} open deal(s), "
    if not risky:
        text = head + "nothing in the record counts against any of them.\n" + more("full report")
        return Quick(text, report)
    lines = [head + f"{len(risky)} with risks, most at risk first:"]
    shown = risky[: MAX_ITEMS - 1]
    lines += [f"{i}. {_line(a)}" for i, a in enumerate(shown, start=1)]
    if len(risky) > len(shown):
        lines.append(f"And {len(risky) - len(shown)} more at risk: “full report”.")
    if clear := [a.deal.deal.id for a in assessed if not a.against]:
        lines.append(f"Nothing counts against: {', '.join(clear[:8])}.")
    first = shown[0].deal.deal.id
    lines.append(more("more on 1", f"what should I do next on {first}?", "full report"))
    items = [(a.deal.deal.id, _heading(i, a)) for i, a in enumerate(shown, start=1)]
    return Quick("\n".join(lines), report, Shown(items=items, menu=False))


def _open_deals(
    source: WorkspaceSource, rep_id: str | None, ctx: CoachContext
) -> tuple[str, list[DealContext]]:
    """Who the pipeline is, and its open deals, loaded as the capabilities load them."""
    loader = upstream_source(source, ctx.upstream)
    if rep_id is None:
        every = source.list_deals()
        states = deal_states(source, every)
        ids = [d.id for d in every if states[d.id] == "open"]
        if len(ids) > MAX_DEALS:
            raise InvalidInput(
                f"{len(ids)} open deals are more than one chat answer reads",
                fix=f"Name a rep, e.g. 'what is at risk for {source.rep_ids()[0]}?', "
                "or start the chat with --rep",
            )
        return "every open deal you may see", [loader.load_context(d) for d in ids]
    owned, deals = rep_deals(source, rep_id, loader)
    if not owned:
        known = [r for r in source.rep_ids() if source.access.may_coach(r)]
        raise InvalidInput(
            f"no rep '{rep_id}' owns a deal you may see",
            fix=f"Known reps: {', '.join(known) or 'none'}",
        )
    return owned[-1].deal.owner.name, deals


def _assess(deal: DealContext, as_of: dt.date, ctx: CoachContext) -> Assessed:
    """The deal read and analysed as the graph's read and analyze nodes do without a model."""
    reading = read_deal(deal, as_of, known_competitors(ctx), as_of)
    fallback = default_process(ctx) if deal.process is None else None
    analysis = kept_analysis(deal, as_of, reading, fallback)
    win = estimate_win_probability(deal, analysis, ctx.fitted_win_model())
    return Assessed(deal, analysis, win)


def _when(a: Assessed) -> str:
    days = a.analysis.days_to_close
    if days < 0:
        return f"close date passed {-days} days ago"
    return f"closes in {days} days"


def _line(a: Assessed) -> str:
    d = a.deal.deal
    reasons = "; ".join(
        f"{f.label.lower()}: {shorten(f.detail, 90)} {cite(a.scoped(f.citations), 1)}"
        for f in a.against[:REASONS]
    )
    return (
        f"**{d.id}** {d.account.name} ({d.stage}, {money(d.amount, d.currency)}, {_when(a)}), "
        f"win {pct(a.win.value)} (baseline {pct(a.win.baseline)}): {reasons}"
    )


def _heading(index: int, a: Assessed) -> str:
    return f"{index}. {a.deal.deal.id} · {a.deal.deal.name}"


def _report(whose: str, assessed: list[Assessed], as_of: dt.date) -> str:
    """Every open deal with everything the win model counts for and against it."""
    parts = [
        f"# {TITLE}: {whose}",
        "",
        f"{len(assessed)} open deal(s) as of {as_of.isoformat()}, ranked by how far the record "
        "lowers the chance of winning from the stage's baseline; each factor in log-odds.",
    ]
    for i, a in enumerate(assessed, start=1):
        d, w = a.deal.deal, a.win
        parts += [
            "",
            f"## {_heading(i, a)}",
            f"{d.account.name} · {d.stage} · {money(d.amount, d.currency)} · {_when(a)} "
            f"{cite(a.scoped(['deal.expected_close']))} · win probability {pct(w.value)} "
            f"(baseline {pct(w.baseline)}, plausible {pct(w.low)}-{pct(w.high)}, "
            f"confidence {w.confidence})",
        ]
        if a.against:
            parts.append("**Against**")
            parts += [_factor(a, f) for f in a.against]
        if helps := [f for f in w.factors if f.log_odds > 0]:
            parts.append("**For**")
            parts += [_factor(a, f) for f in helps]
        if not w.factors:
            parts.append("No weighted signal fired: the estimate is the stage's baseline.")
        parts.append(f"Next: “what should I do next on {d.id}?”")
    return "\n".join(parts) + "\n"


def _factor(a: Assessed, f: FactorContribution) -> str:
    return f"- {f.label} ({f.log_odds:+.2f}): {f.detail} {cite(a.scoped(f.citations), 3)}"
