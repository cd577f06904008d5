"""Eval cases: one YAML file per case under evals/cases/<capability>/. Every problem in a case
file is reported with the file and the line, never skipped."""

from __future__ import annotations

import datetime as dt
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.contracts.context import DealContext
from agent.contracts.request import CAPABILITIES, REP_CAPABILITIES, Meeting
from agent.errors import InvalidInput, describe_validation_error

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"
# Live assist is not a request capability (it streams cards, not a response) but is evaluated
# the same way: cases under cases/live_assist/, run by evals.harness.live.
LIVE = "live_assist"
EVAL_CAPABILITIES: tuple[str, ...] = (*CAPABILITIES, LIVE)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseRequest(Strict):
    deal_id: str | None = None
    deal: DealContext | None = None
    message: str | None = None
    transcript: str | None = None
    transcript_source: str | None = None
    transcript_file: str | None = Field(
        default=None,
        description="A transcript in the workspace, e.g. deals/D-1003/transcripts/x.txt; the "
        "call date comes from its name unless meeting.date says otherwise.",
    )
    meeting: Meeting | None = None
    methodology: str | None = None
    rep_id: str | None = Field(default=None, description="For rep-level capabilities.")
    workspace: str | None = Field(
        default=None, description="Another workspace folder, relative to the repository root."
    )
    as_of: dt.date | None = None


class Expectations(Strict):
    """What must hold. Each key is checked by a grader on the typed result, never by grep."""

    # required
    primary_play_in: list[str] = Field(default_factory=list)
    timing_in: list[str] = Field(default_factory=list)
    targets_include: list[str] = Field(default_factory=list, description="Contact ids.")
    signals_include: list[str] = Field(default_factory=list)
    missing_inputs_include: list[str] = Field(default_factory=list)
    probability_between: tuple[float, float] | None = None
    # process_adherence
    adherence_between: tuple[float, float] | None = None
    missed_steps_include: list[str] = Field(default_factory=list)
    waived_steps_include: list[str] = Field(default_factory=list)
    # stakeholder_strategy
    gaps_include: list[str] = Field(default_factory=list, description="DMU roles.")
    disengaged_include: list[str] = Field(default_factory=list, description="Contact ids.")
    # deal_strategy
    first_risk_in: list[str] = Field(default_factory=list, description="Signal ids.")
    win_probability_between: tuple[float, float] | None = None
    competitors_planned: list[str] = Field(default_factory=list)
    # pre_call_brief and meeting_agenda
    assumptions_flagged: bool | None = Field(
        default=None, description="True: the meeting frame must record assumptions."
    )
    agenda_fits_meeting: bool = Field(default=False, description="Minutes add up exactly.")
    # objection_guide
    top_objection_in: list[str] = Field(default_factory=list, description="Knowledge doc ids.")
    objections_include: list[str] = Field(default_factory=list)
    # methodology_coaching
    methodology_is: str | None = None
    element_gaps_include: list[str] = Field(default_factory=list)
    # post_call_analysis
    next_step_owners_include: list[str] = Field(default_factory=list, description="Person ids.")
    next_step_due_include: list[dt.date] = Field(default_factory=list)
    unhandled_objections_include: list[str] = Field(default_factory=list, description="Categories.")
    new_information_include: list[str] = Field(default_factory=list, description="Kinds.")
    receptiveness_in: list[str] = Field(default_factory=list)
    call_outcome_in: list[str] = Field(
        default_factory=list, description="Proposed activity outcome."
    )
    patch_contacts_include: list[str] = Field(default_factory=list, description="Contact ids.")
    objective_status_in: list[str] = Field(default_factory=list, description="First objective.")
    # live_assist (a transcript replayed through the live engine)
    cards_include: list[str] = Field(default_factory=list, description="Cue card kinds.")
    cards_cite_include: list[str] = Field(
        default_factory=list, description="Knowledge doc ids some card must cite."
    )
    cards_forbid: list[str] = Field(default_factory=list, description="Kinds that must not show.")
    max_cards: int | None = None
    # performance_coaching
    focus_skills_include: list[str] = Field(default_factory=list, description="Skill doc ids.")
    patterns_include: list[str] = Field(default_factory=list, description="Pattern ids.")
    role_model_for: dict[str, str] = Field(
        default_factory=dict, description="Skill id -> the rep id suggested as a role model."
    )
    no_role_model_for: list[str] = Field(
        default_factory=list, description="Skills for which no peer may be suggested."
    )
    # forbidden
    email_forbid: list[str] = Field(
        default_factory=list, description="Words the follow-up email must not contain."
    )
    customer_agenda_forbid: list[str] = Field(
        default_factory=list, description="Internal words that must not reach the customer."
    )
    forbid_plays: list[str] = Field(default_factory=list, description="In any recommendation.")
    forbid_missed_steps: list[str] = Field(default_factory=list)
    signals_exclude: list[str] = Field(default_factory=list)
    forbid_names: list[str] = Field(
        default_factory=list,
        description="People or companies that must not appear anywhere in the response.",
    )
    # budgets
    max_latency_ms: float | None = None
    max_tokens: int | None = None
    # model judge
    rubric: str | None = None


class EvalCase(Strict):
    id: str
    capability: str
    description: str
    tags: list[str] = Field(default_factory=list)
    request: CaseRequest
    expect: Expectations
    file: str = ""


def _line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The line (1-based) of the deepest YAML node that a validation error path reaches."""
    current = node
    for part in loc:
        nxt = None
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.value == part:
                    nxt = key if part == loc[-1] else value
                    break
        elif (
            isinstance(current, yaml.SequenceNode)
            and isinstance(part, int)
            and part < len(current.value)
        ):
            nxt = current.value[part]
        if nxt is None:
            break
        current = nxt
    return current.start_mark.line + 1


def load_case(path: Path, known_deals: set[str] | None = None) -> EvalCase:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InvalidInput(
            "invalid YAML", where=f"{path}:{mark.line + 1 if mark else 1}", fix="Fix the syntax"
        ) from None
    if node is None or not isinstance(data, dict):
        raise InvalidInput("a case must be a mapping", where=f"{path}:1")
    try:
        case = EvalCase.model_validate({**data, "file": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            describe_validation_error(exc.errors(), limit=2),
            where=f"{path}:{_line_of(node, tuple(first['loc']))}",
            fix="See evals/harness/cases.py for the case format",
        ) from None
    if case.capability not in EVAL_CAPABILITIES:
        raise InvalidInput(
            f"unknown capability '{case.capability}'",
            where=f"{path}:{_line_of(node, ('capability',))}",
            fix=f"Capabilities: {', '.join(EVAL_CAPABILITIES)}",
        )
    deal_id = case.request.deal_id
    if case.capability in REP_CAPABILITIES:
        if not case.request.rep_id:
            raise InvalidInput(
                f"{case.capability} needs rep_id in the request",
                where=f"{path}:{_line_of(node, ('request',))}",
            )
        return case
    if case.request.deal is None and not deal_id:
        raise InvalidInput(
            "the request needs deal_id or an inline deal",
            where=f"{path}:{_line_of(node, ('request',))}",
        )
    if (
        deal_id
        and known_deals is not None
        and case.request.deal is None
        and deal_id not in known_deals
    ):
        raise InvalidInput(
            f"deal '{deal_id}' is not in the workspace",
            where=f"{path}:{_line_of(node, ('request', 'deal_id'))}",
            fix=f"Known deals: {', '.join(sorted(known_deals))}",
        )
    return case


def discover(root: Path = CASES_DIR, capability: str | None = None) -> list[Path]:
    paths = sorted(root.rglob("*.yaml"))
    return [p for p in paths if p.parent.name == capability] if capability else paths


def selected(case: EvalCase, pattern: str | None) -> bool:
    """A case id or file name glob: 'nba-fast*', 'stalled-deal.yaml', '*champion*'."""
    if not pattern:
        return True
    name = Path(case.file).name
    return any(fnmatch(x, pattern) for x in (case.id, name, Path(case.file).stem))
