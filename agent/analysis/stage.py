"""Where the deal sits in its process: stage, phase, days in stage, exit criteria."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from agent.analysis.model import CriterionStatus, Evidence
from agent.contracts.deal import Deal
from agent.contracts.upstream import Phase, ProcessStandards
from agent.errors import InvalidInput
from agent.memo import PerObject
from knowledge.corpus import corpus
from knowledge.documents import slugify
from knowledge.process_record import recorded_standard, standard_in

if TYPE_CHECKING:
    from agent.settings import CoachContext

# Used only when no process standards came with the deal: a best guess from the stage name.
_PHASE_HINTS: tuple[tuple[str, Phase], ...] = (
    ("prospect", "prospect"),
    ("lead", "prospect"),
    ("qualif", "qualify"),
    ("discover", "discover"),
    ("demo", "solution"),
    ("solution", "solution"),
    ("evaluat", "solution"),
    ("valid", "solution"),
    ("propos", "proposal"),
    ("quote", "proposal"),
    ("negotia", "negotiate"),
    ("contract", "negotiate"),
    ("commit", "negotiate"),
    ("clos", "close"),
)


def infer_phase(stage_name: str) -> Phase | None:
    lowered = stage_name.lower()
    return next((phase for hint, phase in _PHASE_HINTS if hint in lowered), None)


@dataclass(frozen=True)
class ProcessInView:
    """The process a deal is read against and how its parts are cited: the deal's own
    (`process.stages[2].exit_criteria[0]`), or the default stage model from the knowledge base
    (`kb:proc-default-b2b#discovery`) when the deal came without one."""

    standard: ProcessStandards
    doc_id: str | None = None

    def stage_ref(self, index: int) -> str:
        if self.doc_id:
            return f"kb:{self.doc_id}#{slugify(self.standard.stages[index].name)}"
        return f"process.stages[{index}]"

    def criterion_ref(self, stage: int, item: int) -> str:
        return (
            self.stage_ref(stage)
            if self.doc_id
            else f"process.stages[{stage}].exit_criteria[{item}]"
        )


def default_process(run: CoachContext) -> ProcessInView | None:
    """The knowledge base's default stage model, for a deal that came without process
    standards; one place, so every analysis of a run (the graph's, a debrief's before and
    after the call) reads the deal against the same stages. Read from the index version's
    record of its stage models when its ingest recorded this one (knowledge/process_record.py),
    else from the parsed corpus (an older index, a server's, or a document added since)."""
    doc_id = run.default_process
    recorded = recorded_standard(run.index_dir, doc_id) if run.chroma_url is None else None
    if recorded is not None and recorded[1] is not None:
        return _recorded_view(recorded[0], doc_id)
    doc = corpus(run.knowledge_dirs).docs.get(doc_id)
    if doc is None or "standard" not in doc.meta:
        return None
    # validated once per loaded document: the same object on every request, so what is kept
    # per analysis input (agent/analysis/kept.py) is found again
    return _DEFAULT_PROCESS.get(doc, None, lambda: _in_view(doc.meta["standard"], doc.id))


@lru_cache(maxsize=8)  # once per index version: the same object on every request (as above)
def _recorded_view(folder: Path, doc_id: str) -> ProcessInView | None:
    standard = standard_in(folder, doc_id)
    return None if standard is None else _in_view(standard, doc_id)


def _in_view(standard: object, doc_id: str) -> ProcessInView:
    return ProcessInView(ProcessStandards.model_validate(standard), doc_id)


_DEFAULT_PROCESS: PerObject[ProcessInView] = PerObject(maxsize=8)


@dataclass(frozen=True)
class StagePosition:
    phase: Phase | None
    index: int | None
    ref: str | None
    next_stage: str | None
    expected_days: int | None
    days_in_stage: int
    entered_ref: str | None


def locate(deal: Deal, view: ProcessInView | None, as_of: dt.date) -> StagePosition:
    process = view.standard if view else None
    entered_index = None
    for i in range(len(deal.stage_history) - 1, -1, -1):
        if deal.stage_history[i].stage.lower() == deal.stage.lower():
            entered_index = i
            break
    entered = (
        deal.stage_history[entered_index].entered if entered_index is not None else deal.created
    )
    days = max(0, (as_of - entered).days)
    entered_ref = (
        f"deal.stage_history[{entered_index}]" if entered_index is not None else "deal.created"
    )
    if process is None:
        return StagePosition(infer_phase(deal.stage), None, None, None, None, days, entered_ref)
    index = process.index(deal.stage)
    if index is None:
        raise InvalidInput(
            f"stage '{deal.stage}' is not a stage of the process '{process.name}'",
            where="deal.stage",
            fix="Use one of: " + ", ".join(s.name for s in process.stages),
        )
    standard = process.stages[index]
    following = process.stages[index + 1].name if index + 1 < len(process.stages) else None
    assert view is not None
    return StagePosition(
        standard.phase,
        index,
        view.stage_ref(index),
        following,
        standard.expected_days,
        days,
        entered_ref,
    )


def criteria_status(
    view: ProcessInView | None,
    upto: int | None,
    evidence: dict[str, Evidence],
    past: dict[str, Evidence] | None = None,
) -> tuple[list[CriterionStatus], list[CriterionStatus]]:
    """Exit criteria of the current stage, and unmet ones of the stages before it (judged on
    `past` evidence where a check means something else in hindsight)."""
    if view is None or upto is None:
        return [], []
    process = view.standard
    current: list[CriterionStatus] = []
    earlier: list[CriterionStatus] = []
    for s_index, stage in enumerate(process.stages[: upto + 1]):
        for c_index, criterion in enumerate(stage.exit_criteria):
            chosen = evidence if s_index == upto or past is None else past
            found = chosen.get(criterion.check) if criterion.check else None
            status = CriterionStatus(
                stage=stage.name,
                id=criterion.id,
                description=criterion.description,
                met=found.met if found else None,
                ref=view.criterion_ref(s_index, c_index),
                citations=found.citations if found else [],
                unknown=found.missing if found and found.met is None else None,
            )
            if s_index == upto:
                current.append(status)
            elif status.met is False:
                earlier.append(status)
    return current, earlier


@dataclass(frozen=True)
class StageWindow:
    """When the deal was in a stage: from when it entered (its first entry in the stage history;
    for a stage it skipped, when the stage before it was entered, else the deal's creation) to
    when it first entered a later stage (today for the current stage, or one never left).
    What a stage required is looked for in the record up to the day the deal left it."""

    start: dt.date
    end: dt.date


def stage_windows(deal: Deal, process: ProcessStandards, as_of: dt.date) -> list[StageWindow]:
    entered: dict[int, dt.date] = {}
    for change in deal.stage_history:
        index = process.index(change.stage)
        if index is not None:
            entered[index] = min(change.entered, entered.get(index, change.entered))
    windows = []
    start = deal.created
    for i in range(len(process.stages)):
        start = entered.get(i, start)
        later = [d for j, d in entered.items() if j > i and d >= start]
        windows.append(StageWindow(start, min([*later, as_of]) if later else as_of))
    return windows
