"""Eval cases: one YAML file per case under evals/cases/<capability>/. Every problem in a case
file is reported with the file and the line, never skipped."""

from __future__ import annotations

import datetime as dt
import re
from fnmatch import fnmatch
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from agent.capabilities.registry import registry
from agent.contracts.context import DealContext
from agent.contracts.request import REP_CAPABILITIES, Meeting
from agent.errors import InvalidInput, describe_validation_error
from agent.resources import evals_dir
from evals.harness.twins import Twin, apply_edits

CASES_DIR = evals_dir() / "cases"
# Every registered capability has cases, live assist included (it streams cards, not a
# response: evals.harness.live replays its transcripts).
LIVE = "live_assist"
EVAL_CAPABILITIES: tuple[str, ...] = tuple(registry())


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
        default=None,
        description="Another workspace folder, relative to the evals package (evals/), where "
        "the shipped ones live: workspaces/no-analytics.",
    )
    as_of: dt.date | None = None


class CommonExpectations(Strict):
    """Keys every case may use, whatever its capability; each capability adds its own
    (agent/capabilities/<name>/expectations.py). Each key is checked by a grader on the typed
    result; `text_include` and `text_forbid` read the rendered advice, for judgment no field
    holds."""

    missing_inputs_include: list[str] = Field(default_factory=list)
    forbid_names: list[str] = Field(
        default_factory=list,
        description="People or companies that must not appear anywhere in the response.",
    )
    text_include: list[str] = Field(
        default_factory=list, description="Case-insensitive regexes the markdown must match."
    )
    text_forbid: list[str] = Field(
        default_factory=list, description="Case-insensitive regexes the markdown must not match."
    )
    # budgets
    max_latency_ms: float | None = None
    max_tokens: int | None = None
    # model judge
    rubric: str | None = None

    @field_validator("text_include", "text_forbid")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"'{pattern}' is not a regular expression: {exc}") from None
        return patterns


@cache
def expectations_for(capability: str) -> type[CommonExpectations]:
    """The keys a case of this capability may use: the common ones and its own."""
    own = registry()[capability].expectations
    bases: tuple[type[CommonExpectations], ...] = (CommonExpectations, own)  # type: ignore[assignment]
    model: type[CommonExpectations] = create_model(f"{capability}_expectations", __base__=bases)
    return model


JUDGMENT_CLASSES = (
    "free_text",
    "unknown_vs_false",
    "meeting_context",
    "commercial",
    "methodology",
    "knowledge",
)


class EvalCase(Strict):
    id: str
    capability: str
    description: str
    judgment: Literal[JUDGMENT_CLASSES] | None = Field(  # type: ignore[valid-type]
        default=None, description="The judgment class an expert scenario tests."
    )
    tags: list[str] = Field(default_factory=list)
    request: CaseRequest
    expect: Any = Field(default_factory=dict, description="Validated per capability.")
    twin: Twin | None = None
    twin_request: CaseRequest | None = Field(
        default=None, description="The twin's request: the case's with the twin's edits."
    )
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
    try:
        expect = expectations_for(case.capability).model_validate(case.expect or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            describe_validation_error(exc.errors(), limit=2),
            where=f"{path}:{_line_of(node, ('expect', *first['loc']))}",
            fix=f"The keys a {case.capability} case may use are in "
            f"agent/capabilities/{case.capability}/expectations.py and evals/harness/cases.py",
        ) from None
    case = case.model_copy(update={"expect": expect})
    if case.twin is not None:
        case = _with_twin(case, data, node, path)
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


def _with_twin(case: EvalCase, data: dict[str, Any], node: yaml.Node, path: Path) -> EvalCase:
    """The twin's request (validated as the case's is) and its expectations, typed."""
    assert case.twin is not None
    where = f"{path}:{_line_of(node, ('twin',))}"
    try:
        edited = apply_edits(data["request"], case.twin.edits)
        twin_request = CaseRequest.model_validate(edited)
    except ValueError as exc:  # a bad path, or a twin that no longer validates
        detail = (
            describe_validation_error(exc.errors(), limit=2)
            if isinstance(exc, ValidationError)
            else str(exc)
        )
        raise InvalidInput(
            f"the twin's edits do not give a valid request: {detail}",
            where=where,
            fix="Check the paths and values in twin.edits (evals/harness/twins.py)",
        ) from None
    try:
        twin_expect = expectations_for(case.capability).model_validate(case.twin.expect)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            describe_validation_error(exc.errors(), limit=2),
            where=f"{path}:{_line_of(node, ('twin', 'expect', *first['loc']))}",
        ) from None
    twin = case.twin.model_copy(update={"expect": twin_expect})
    return case.model_copy(update={"twin": twin, "twin_request": twin_request})


def discover(root: Path = CASES_DIR, capability: str | None = None) -> list[Path]:
    paths = sorted(root.rglob("*.yaml"))
    return [p for p in paths if p.parent.name == capability] if capability else paths


def selected(case: EvalCase, pattern: str | None) -> bool:
    """A case id or file name glob: 'nba-fast*', 'stalled-deal.yaml', '*champion*'."""
    if not pattern:
        return True
    name = Path(case.file).name
    return any(fnmatch(x, pattern) for x in (case.id, name, Path(case.file).stem))
