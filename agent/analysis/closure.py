"""Whether a deal is closed, and how: the one place that decides it.

A CRM export is mostly closed deals ("Closed Won", "Closed Lost"); coaching one as open would
advise securing a next step on a signed contract. The process model's own terminal stages
(`outcome: won|lost` on a stage) decide first; a process that does not declare them, or a
stage it does not list, is read by its name: a stage that reads as won or lost (case and
punctuation aside: "Closed Won", "won", "Closed - Lost", "closed/lost") is closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, Protocol

from agent.contracts.base import Contract
from agent.contracts.upstream import ProcessStandards
from agent.errors import CoachError

if TYPE_CHECKING:
    from agent.contracts.context import DealContext
    from tools.deal_source import DealSource
    from tools.sources import WorkspaceSource

Outcome = Literal["won", "lost"]

# whole words only: "Won" and "Closed Lost" are closed; "Lost contact" is not a stage name
# this reads as closed, and neither is "Closing" or "Negotiation (won't close)".
_WON = re.compile(r"^(?:closed\W*)?won(?:\W*closed)?$")
_LOST = re.compile(r"^(?:closed\W*)?lost(?:\W*closed)?$")


class Closure(Contract):
    """A closed deal: won or lost, the stage that says so and where that is cited."""

    outcome: Outcome
    stage: str
    ref: str = "deal.stage"

    @property
    def reason(self) -> str:
        return f"the deal is closed {self.outcome} (stage '{self.stage}')"


def _normalised(stage: str) -> str:
    return re.sub(r"[\W_]+", " ", stage.lower()).strip()


def closure_of(stage: str, process: ProcessStandards | None = None) -> Closure | None:
    """The deal's closure, or None when its stage is open."""
    index = process.index(stage) if process is not None else None
    if process is not None and index is not None:
        outcome = process.stages[index].outcome
        if outcome:
            return Closure(outcome=outcome, stage=stage)
        if any(s.outcome for s in process.stages):  # the process says which stages end a deal
            return None
    name = _normalised(stage)
    if _WON.match(name):
        return Closure(outcome="won", stage=stage)
    if _LOST.match(name):
        return Closure(outcome="lost", stage=stage)
    return None


class Staged(Protocol):
    """A listed deal: its id and stage (a catalogue entry or a deal summary)."""

    @property
    def id(self) -> str: ...

    @property
    def stage(self) -> str: ...


def deal_states(source: WorkspaceSource, deals: Iterable[Staged] | None = None) -> dict[str, str]:
    """Each deal's state, 'open', 'won' or 'lost', as `closure_of` reads its stage
    against the workspace's process (org/process.yaml): what `coach deals` shows and `coach
    batch` skips. `deals`: the listing the caller already has (else every reachable deal, from
    the catalogue). A workspace has a few stages and thousands of deals, so each stage is read
    once."""
    try:
        process = source.org_section("process")
    except CoachError:  # a broken process file is reported by the commands that read it
        process = None
    standard = process if isinstance(process, ProcessStandards) else None
    by_stage: dict[str, str] = {}
    states: dict[str, str] = {}
    for d in source.list_deals() if deals is None else deals:
        state = by_stage.get(d.stage)
        if state is None:
            closure = closure_of(d.stage, standard)
            state = by_stage[d.stage] = closure.outcome if closure else "open"
        states[d.id] = state
    return states


def rep_deals(
    source: WorkspaceSource, rep_id: str, loader: DealSource
) -> tuple[list[DealContext], list[DealContext]]:
    """The deals `rep_id` owns that the principal may reach (the catalogue's owners, read
    through `loader`: files, or the upstream agents too), and the open ones among them: a won
    or lost deal (most of a CRM's history) is no deal to act on. Nothing for a rep the
    principal may not coach."""
    ids = source.rep_deal_ids(rep_id) if source.access.may_coach(rep_id) else []
    owned = [c for c in map(loader.load_context, ids) if c.deal.owner.id == rep_id]
    return owned, [c for c in owned if closure_of(c.deal.stage, c.process) is None]
